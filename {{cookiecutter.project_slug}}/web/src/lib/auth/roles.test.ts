import { describe, expect, it } from "vitest";

import { STAFF_ROLES, hasRole } from "./roles";

describe("hasRole", () => {
  it("lets staff and admins see the staff pages, not clients", () => {
    expect(hasRole({ role: "staff" }, STAFF_ROLES)).toBe(true);
    expect(hasRole({ role: "admin" }, STAFF_ROLES)).toBe(true);
    expect(hasRole({ role: "client" }, STAFF_ROLES)).toBe(false);
  });

  it("lets nobody in without a user", () => {
    expect(hasRole(null, STAFF_ROLES)).toBe(false);
  });
});
