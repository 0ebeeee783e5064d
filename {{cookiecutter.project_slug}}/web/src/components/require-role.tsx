"use client";

import { type Role, hasRole, useAuth } from "@/lib/auth";

import { NotAllowed } from "./not-allowed";

/**
 * Its children for a signed-in user with one of `roles`, "Not allowed" for anyone else. Inside
 * app/(signed-in)/, whose layout renders nothing before the user is known. It only hides: the API
 * refuses what a role may not do. app/(signed-in)/(staff)/layout.tsx uses it for every staff page.
 */
export function RequireRole({ roles, children }: { roles: readonly Role[]; children: React.ReactNode }) {
  const { user } = useAuth();
  if (!user) return null;
  return hasRole(user, roles) ? children : <NotAllowed />;
}
