import { describe, expect, it } from "vitest";

import { loginPath, safeNextPath } from "./next-path";

describe("safeNextPath", () => {
  it.each([
    ["/dashboard", "/dashboard"],
    ["/dashboard?tab=2#x", "/dashboard?tab=2#x"],
    [null, "/dashboard"],
    ["", "/dashboard"],
    ["https://evil.example/", "/dashboard"],
    ["//evil.example/", "/dashboard"],
    ["/\\evil.example", "/dashboard"],
    ["javascript:alert(1)", "/dashboard"],
    ["dashboard", "/dashboard"],
    ["/login?next=/x", "/dashboard"],
  ])("%s -> %s", (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  it("builds login paths", () => {
    expect(loginPath("/dashboard?a=1")).toBe("/login?next=%2Fdashboard%3Fa%3D1");
    expect(loginPath()).toBe("/login");
  });
});
