import { unstable_doesMiddlewareMatch } from "next/experimental/testing/server";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";

import { config, proxy } from "@/proxy";

const matches = (url: string, headers: Record<string, string> = {}) =>
  unstable_doesMiddlewareMatch({ config, url, headers });

describe("proxy matcher", () => {
  it("runs on every page load", () => {
    expect(matches("/login")).toBe(true);
    expect(matches("/dashboard?after=login")).toBe(true);
    expect(matches("/", { accept: "text/html" })).toBe(true);
  });

  it("runs on a browser's speculative prefetch, which the browser may display later", () => {
    expect(matches("/dashboard", { purpose: "prefetch" })).toBe(true);
    expect(matches("/dashboard", { "sec-purpose": "prefetch" })).toBe(true);
    expect(matches("/dashboard", { "sec-purpose": "prefetch;prerender" })).toBe(true);
  });

  it("skips the router's own prefetches and the static assets", () => {
    expect(matches("/dashboard", { "next-router-prefetch": "1", rsc: "1" })).toBe(false);
    expect(matches("/_next/static/chunks/main.js")).toBe(false);
    expect(matches("/favicon.ico")).toBe(false);
  });
});

describe("proxy", () => {
  it("sends the same policy to the page and the browser", () => {
    const response = proxy(new NextRequest("http://localhost:3000/login"));
    const policy = response.headers.get("content-security-policy");
    expect(policy).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
    expect(response.headers.get("x-middleware-request-content-security-policy")).toBe(policy);
  });
});
