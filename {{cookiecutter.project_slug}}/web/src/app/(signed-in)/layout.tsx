"use client";

import { usePathname, useRouter } from "next/navigation";
import { Fragment, useEffect } from "react";

import { Loading } from "@/components/loading";
import { ReauthDialog } from "@/components/reauth-dialog";
import { Unreachable } from "@/components/unreachable";
import { enrolmentRedirect, useRequireAuth } from "@/lib/auth";

/**
 * Every page in this folder is for signed-in users only: nothing of it is rendered before the
 * API has said who is signed in, and anyone else goes to /login. To add a signed-in page, create
 * app/(signed-in)/<name>/page.tsx. Each session of the tab (a sign-in or sign-out, here or in
 * another tab, or a restore from the back/forward cache) renders the page again from scratch:
 * nothing that belonged to the previous one stays on screen.
 *
 * A user the two-factor policy holds back (lib/auth/policy.ts) sees the enrolment page only,
 * until the page tells the auth client they have a second factor (`auth.reloadUser()`). The
 * "Confirm it's you" dialog of sensitive actions lives here, once for every page.
 */
export default function SignedInLayout({ children }: { children: React.ReactNode }) {
  const state = useRequireAuth();
  const router = useRouter();
  const pathname = usePathname();
  const redirect = enrolmentRedirect(state.user, pathname);

  useEffect(() => {
    if (redirect) router.replace(redirect);
  }, [redirect, router]);

  if (state.status === "unreachable") {
    return <Unreachable onRetry={() => state.reload().catch(() => {})} />;
  }
  if (state.status !== "signed-in" || redirect) return <Loading />;
  return (
    <Fragment key={state.key}>
      {children}
      <ReauthDialog />
    </Fragment>
  );
}
