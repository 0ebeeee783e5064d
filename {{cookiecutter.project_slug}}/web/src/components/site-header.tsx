"use client";

import Link from "next/link";

import { APP_NAME } from "@/config";
import { useAuth } from "@/lib/auth";

import { MainNav } from "./main-nav";
import { UserMenu } from "./user-menu";

/** The top of every page: the brand (a link home), and for a signed-in user the main navigation
 * and their menu. Until the API has said who is signed in, the brand alone. */
export function SiteHeader() {
  const { user } = useAuth();
  return (
    <header className="topbar">
      <Link href={user ? "/dashboard" : "/"} className="brand">
        {APP_NAME}
      </Link>
      {user && <MainNav user={user} />}
      {user && <UserMenu user={user} />}
    </header>
  );
}
