import { NextResponse, type NextRequest } from "next/server";

import { API_URL } from "@/config";
import { contentSecurityPolicy, newNonce } from "@/lib/security/csp";

/** Every page: a fresh CSP nonce. Next.js reads it from the request's policy header and puts
 * it on the scripts it renders; the browser gets the same policy on the response. */
export function proxy(request: NextRequest) {
  const policy = contentSecurityPolicy(
    newNonce(),
    API_URL,
    process.env.NODE_ENV === "development",
  );
  const headers = new Headers(request.headers);
  headers.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export const config = {
  // Pages only: not the static assets, and not the router's own prefetches (RSC payloads, no
  // HTML to run). A browser's prefetch (`Purpose`/`Sec-Purpose: prefetch`) is a document it may
  // display later, so it gets the policy like any page load.
  matcher: [
    {
      source: "/((?!_next/static|_next/image|favicon.ico|icon.svg).*)",
      missing: [{ type: "header", key: "next-router-prefetch" }],
    },
  ],
};
