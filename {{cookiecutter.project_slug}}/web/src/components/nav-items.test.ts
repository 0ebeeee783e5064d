import { describe, expect, it } from "vitest";

import { type NavItem, isCurrent, navItemsFor } from "./nav-items";

const ITEMS: NavItem[] = [
  { href: "/dashboard", label: "Home" },
  { href: "/users", label: "Users", roles: ["staff", "admin"] },
];

describe("navItemsFor", () => {
  it("shows staff items to staff and admins only", () => {
    const labels = (role: "client" | "staff" | "admin") =>
      navItemsFor({ role }, ITEMS).map((item) => item.label);
    expect(labels("client")).toEqual(["Home"]);
    expect(labels("staff")).toEqual(["Home", "Users"]);
    expect(labels("admin")).toEqual(["Home", "Users"]);
  });
});

describe("isCurrent", () => {
  it("marks the page and the pages under it, not pages that merely start alike", () => {
    expect(isCurrent("/users", "/users")).toBe(true);
    expect(isCurrent("/users", "/users/42")).toBe(true);
    expect(isCurrent("/users", "/users-archive")).toBe(false);
    expect(isCurrent("/dashboard", "/users")).toBe(false);
  });
});
