"use client";

import { Fragment } from "react";

import { Loading } from "@/components/loading";
import { Unreachable } from "@/components/unreachable";
import { useRequireAuth } from "@/lib/auth";

/**
 * Every page in this folder is for signed-in users only: nothing of it is rendered before the
 * API has said who is signed in, and anyone else goes to /login. To add a signed-in page, create
 * app/(signed-in)/<name>/page.tsx. Each session of the tab (a sign-in or sign-out, here or in
 * another tab, or a restore from the back/forward cache) renders the page again from scratch:
 * nothing that belonged to the previous one stays on screen.
 */
export default function SignedInLayout({ children }: { children: React.ReactNode }) {
  const state = useRequireAuth();
  if (state.status === "unreachable") {
    return <Unreachable onRetry={() => state.reload().catch(() => {})} />;
  }
  if (state.status !== "signed-in") return <Loading />;
  return <Fragment key={state.key}>{children}</Fragment>;
}
