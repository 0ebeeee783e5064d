import { describe, expect, it } from "vitest";

import { contentSecurityPolicy, newNonce } from "./csp";

function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy.split("; ").map((directive) => {
      const [name, ...values] = directive.split(" ");
      return [name, values];
    }),
  );
}

describe("contentSecurityPolicy", () => {
  const policy = directives(contentSecurityPolicy("abc123", "https://api.example.com/base", false));

  it("runs only scripts the page trusted with its nonce", () => {
    expect(policy["script-src"]).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'"]);
  });

  it("lets the page talk only to itself and the API's origin", () => {
    expect(policy["connect-src"]).toEqual(["'self'", "https://api.example.com"]);
    expect(policy["default-src"]).toEqual(["'self'"]);
  });

  it("denies plugins, framing and foreign form targets", () => {
    expect(policy["object-src"]).toEqual(["'none'"]);
    expect(policy["frame-ancestors"]).toEqual(["'none'"]);
    expect(policy["form-action"]).toEqual(["'self'"]);
    expect(policy["base-uri"]).toEqual(["'self'"]);
  });

  it("allows eval in development only", () => {
    const development = directives(contentSecurityPolicy("n", "http://localhost:8000", true));
    expect(development["script-src"]).toContain("'unsafe-eval'");
    expect(policy["script-src"]).not.toContain("'unsafe-eval'");
  });
});

describe("newNonce", () => {
  it("is fresh and 128 bits", () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const nonce of nonces) expect(atob(nonce)).toHaveLength(16);
  });
});
