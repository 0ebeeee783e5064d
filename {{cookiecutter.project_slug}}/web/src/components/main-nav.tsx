"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

import type { User } from "@/lib/auth";

import { isCurrent, navItemsFor } from "./nav-items";

/** The main navigation of signed-in pages; the current page is marked (`aria-current`). */
export function MainNav({ user }: { user: User }) {
  const pathname = usePathname();
  return (
    <nav className="main-nav" aria-label="Main">
      <ul>
        {navItemsFor(user).map((item) => (
          <li key={item.href}>
            <Link
              href={item.href}
              aria-current={isCurrent(item.href, pathname) ? "page" : undefined}
            >
              {item.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
