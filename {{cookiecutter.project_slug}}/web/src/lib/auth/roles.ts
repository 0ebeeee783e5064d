/**
 * Who may see what, by the user's `role` (from /me). The API decides what each role may do and
 * refuses anything else; the web client only hides what a role may not use.
 */

import type { User } from "./client";

export type Role = User["role"];

/** The roles that see the staff pages (app/(signed-in)/(staff)/): the backend's STAFF_ROLES
 * (accounts/roles.py). */
export const STAFF_ROLES: readonly Role[] = ["staff", "admin"];

export function hasRole(user: Pick<User, "role"> | null, roles: readonly Role[]): boolean {
  return user !== null && roles.includes(user.role);
}
