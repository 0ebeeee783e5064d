const BASE = "http://local.invalid";
// Control characters, whitespace (Unicode too), invisible format characters and backslashes:
// URL parsers drop or reinterpret them ("/\t/x" and "/\\x" both become "//x", another site).
const UNSAFE = /[\p{Cc}\p{Cf}\p{Z}\s\\]/u;
const ASCII_ESCAPE = /%([0-7][0-9a-f])/gi; // what could spell "/", "\", "." or a control char
const OFF_SITE_OR_LOGIN = /^\/(?:[/\\]|login)/i;

/**
 * The `next` target after login: a path on this site, never another origin (open redirect).
 * Checking the raw string is not enough ("/.//x" and "/%2e//x" normalise to "//x"), so the
 * target is parsed first, and the output must read as a path on this site, one "/" then not
 * "/" or "\". Its path must also stay on the site (and off /login) however many times the
 * router, a proxy or the server percent-decode it ("/%2f/x", "/%252e//x", "/%6cogin").
 */
export function safeNextPath(next: string | null | undefined, fallback = "/dashboard"): string {
  if (!next || !next.startsWith("/") || UNSAFE.test(next)) return fallback;
  try {
    const url = new URL(next, BASE);
    const out = url.pathname + url.search + url.hash;
    if (url.origin !== BASE || new URL(out, BASE).href !== url.href) return fallback;
    let path = out;
    let last = "";
    for (let depth = 0; depth < 5; depth++) {
      const resolved = new URL(path, BASE); // drops tabs and newlines, resolves dot segments
      if (resolved.origin !== BASE || OFF_SITE_OR_LOGIN.test(resolved.pathname)) return fallback;
      if (resolved.pathname === last) return out; // decoding changes nothing any more
      last = resolved.pathname;
      path = last.replace(ASCII_ESCAPE, (_, hex: string) =>
        String.fromCharCode(parseInt(hex, 16)),
      );
    }
    return fallback; // encoded five times over: nobody needs that
  } catch {
    return fallback;
  }
}

/** The login page; then `next`, and `reason` (messages.ts) when it should say why the user was
 * signed out. */
export function loginPath(next?: string, reason?: string): string {
  const query = [
    next && `next=${encodeURIComponent(next)}`,
    reason && `reason=${encodeURIComponent(reason)}`,
  ].filter(Boolean);
  return query.length ? `/login?${query.join("&")}` : "/login";
}
