"use client";

import Link from "next/link";

import { APP_NAME } from "@/config";
import { ENROLMENT_PATH, mustEnrol, useAuth } from "@/lib/auth";

import { MainNav } from "./main-nav";
import { UserMenu } from "./user-menu";

/** The top of every page: the brand (a link home), and for a signed-in user the main navigation
 * and their menu. Until the API has said who is signed in, the brand alone. A user who must set
 * up two-factor first (lib/auth/policy.ts) gets no navigation, only the menu's sign-out. */
export function SiteHeader() {
  const { user } = useAuth();
  const enrolling = mustEnrol(user);
  const home = !user ? "/" : enrolling ? ENROLMENT_PATH : "/dashboard";
  return (
    <header className="topbar">
      <Link href={home} className="brand">
        {APP_NAME}
      </Link>
      {user && !enrolling && <MainNav user={user} />}
      {user && <UserMenu user={user} signOutOnly={enrolling} />}
    </header>
  );
}
