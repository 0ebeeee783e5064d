import { describe, expect, it } from "vitest";

import { ENROLMENT_PATH, enrolmentRedirect, mustEnrol } from "./policy";

describe("the two-factor policy", () => {
  const held = { two_factor_setup_required: true };
  const free = { two_factor_setup_required: false };

  it("sends a user who must enrol to the enrolment page from anywhere else", () => {
    for (const path of ["/dashboard", "/users", "/users/1", "/settings", "/settings/two-factor/x"]) {
      expect(enrolmentRedirect(held, path)).toBe(ENROLMENT_PATH);
    }
    expect(enrolmentRedirect(held, ENROLMENT_PATH)).toBeNull();
    expect(mustEnrol(held)).toBe(true);
  });

  it("leaves everyone else where they are", () => {
    expect(enrolmentRedirect(free, "/users")).toBeNull();
    expect(enrolmentRedirect(null, "/users")).toBeNull();
    expect(mustEnrol(free)).toBe(false);
  });
});
