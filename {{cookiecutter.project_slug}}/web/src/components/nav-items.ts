/** The app's main navigation (components/main-nav.tsx draws it): one list, in order. */

// Directly, not "@/lib/auth": that would create the tab's auth client in unit tests.
import { type Role, STAFF_ROLES, hasRole } from "@/lib/auth/roles";
import type { User } from "@/lib/auth/client";

export type NavItem = {
  href: string;
  label: string;
  /** Only users with one of these roles see it (the page checks too, and the API decides). */
  roles?: readonly Role[];
};

export const NAV_ITEMS: readonly NavItem[] = [
  { href: "/dashboard", label: "Home" },
  { href: "/requests", label: "Requests" }, // example_app
  { href: "/users", label: "Users", roles: STAFF_ROLES },
];

/** The items `user` may see. */
export function navItemsFor(user: Pick<User, "role">, items = NAV_ITEMS): NavItem[] {
  return items.filter((item) => !item.roles || hasRole(user, item.roles));
}

/** Is `href` the page at `pathname`, or a page under it (/users/42 is in Users)? */
export function isCurrent(href: string, pathname: string): boolean {
  return pathname === href || pathname.startsWith(`${href}/`);
}
