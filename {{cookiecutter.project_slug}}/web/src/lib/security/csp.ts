/**
 * The web client's Content-Security-Policy, sent with every page by src/proxy.ts.
 *
 * Scripts run only from this origin and only when the page trusted them: each response gets a
 * fresh nonce, which Next.js puts on its own inline scripts, and 'strict-dynamic' extends the
 * trust to the chunks those scripts load. Network requests go only to this origin and the API.
 * No plugins, no framing, forms post only here.
 */
export function contentSecurityPolicy(nonce: string, apiUrl: string, development: boolean): string {
  const api = new URL(apiUrl).origin;
  return [
    "default-src 'self'",
    // React's development build evaluates code for its error overlays; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${development ? " 'unsafe-eval'" : ""}`,
    // Inline styles cannot run code, and Next.js and React style attributes need them.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    `connect-src 'self' ${api}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** A fresh, unguessable nonce (128 random bits, base64). */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
