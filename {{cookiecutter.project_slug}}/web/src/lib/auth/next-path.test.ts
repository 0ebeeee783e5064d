import { describe, expect, it } from "vitest";

import { loginPath, safeNextPath } from "./next-path";

const SITE = "https://site.example";

describe("safeNextPath", () => {
  it.each([
    ["/dashboard", "/dashboard"],
    ["/dashboard?tab=2#x", "/dashboard?tab=2#x"],
    ["/dashboard?next=//evil.example#//x", "/dashboard?next=//evil.example#//x"],
    ["/files/a%2Fb", "/files/a%2Fb"],
    ["/my%20docs", "/my%20docs"],
    ["/./dashboard", "/dashboard"],
    ["/a/../dashboard", "/dashboard"],
    ["/", "/"],
    [null, "/dashboard"],
    [undefined, "/dashboard"],
    ["", "/dashboard"],
    ["dashboard", "/dashboard"],
  ])("%s -> %s", (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  it("keeps a custom fallback", () => {
    expect(safeNextPath("//evil.example", "/home")).toBe("/home");
  });

  // Each must come out as the fallback (or, where noted, a harmless path on this site).
  const hostile: [string, string][] = [
    // other origins, plainly
    ["https://evil.example/", "/dashboard"],
    ["//evil.example/", "/dashboard"],
    ["///evil.example", "/dashboard"],
    ["http:evil.example", "/dashboard"],
    ["javascript:alert(1)", "/dashboard"],
    ["JavaScript:alert(1)", "/dashboard"],
    ["data:text/html,<script>alert(1)</script>", "/dashboard"],
    [" //evil.example", "/dashboard"],
    [" /dashboard", "/dashboard"],
    // dot segments that collapse into "//"
    ["/.//evil.example", "/dashboard"],
    ["/..//evil.example", "/dashboard"],
    ["/./.././/evil.example", "/dashboard"],
    ["/a/..//evil.example", "/dashboard"],
    ["/%2e//evil.example", "/dashboard"],
    ["/%2E%2E//evil.example", "/dashboard"],
    ["/.%2e//evil.example", "/dashboard"],
    // percent-encoded slashes and backslashes, once or twice
    ["/%2f/evil.example", "/dashboard"],
    ["/%2F%2Fevil.example", "/dashboard"],
    ["/%5cevil.example", "/dashboard"],
    ["/%5C%5Cevil.example", "/dashboard"],
    ["/%252e//evil.example", "/dashboard"],
    ["/%252f/evil.example", "/dashboard"],
    ["/%25252f%25252fevil.example", "/dashboard"],
    ["/%255cevil.example", "/dashboard"],
    // backslashes
    ["/\\evil.example", "/dashboard"],
    ["/\\/evil.example", "/dashboard"],
    ["\\\\evil.example", "/dashboard"],
    // control characters and whitespace, raw or encoded (URL parsers drop tab/LF/CR)
    ["/\t/evil.example", "/dashboard"],
    ["/\n/evil.example", "/dashboard"],
    ["/\r/evil.example", "/dashboard"],
    ["/\u0000/evil.example", "/dashboard"],
    ["/\u007f/evil.example", "/dashboard"],
    ["/%09/evil.example", "/dashboard"],
    ["/%0a/evil.example", "/dashboard"],
    ["/%0D%0A/evil.example", "/dashboard"],
    ["/dashboard\u00a0", "/dashboard"],
    ["/\u2028/evil.example", "/dashboard"],
    ["/\u202e/evil.example", "/dashboard"],
    ["/\ufeff/evil.example", "/dashboard"],
    // look-alike slashes are not slashes: at most a harmless path on this site
    ["\uff0f\uff0fevil.example", "/dashboard"],
    ["/\uff0fevil.example", "/%EF%BC%8Fevil.example"],
    ["/\u2215evil.example", "/%E2%88%95evil.example"],
    // back to the login page, however spelt
    ["/login", "/dashboard"],
    ["/login?next=/x", "/dashboard"],
    ["/LOGIN", "/dashboard"],
    ["/Login/", "/dashboard"],
    ["/./login", "/dashboard"],
    ["/x/../login", "/dashboard"],
    ["/%6cogin", "/dashboard"],
    ["/%256cogin", "/dashboard"],
    ["/%2e/login", "/dashboard"],
  ];

  it.each(hostile)("hostile %j -> %j", (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  it("never leaves the site, whatever the input", () => {
    for (const [next] of hostile) {
      const out = safeNextPath(next);
      expect(out, JSON.stringify(next)).toMatch(/^\/(?![/\\])/);
      expect(new URL(out, SITE).origin, JSON.stringify(next)).toBe(SITE);
      expect(new URL(out, SITE).pathname, JSON.stringify(next)).not.toMatch(/^\/\//);
    }
  });

  it("builds login paths", () => {
    expect(loginPath("/dashboard?a=1")).toBe("/login?next=%2Fdashboard%3Fa%3D1");
    expect(loginPath()).toBe("/login");
    expect(loginPath("/users", "revoked")).toBe("/login?next=%2Fusers&reason=revoked");
    expect(loginPath(undefined, "expired")).toBe("/login?reason=expired");
  });
});
