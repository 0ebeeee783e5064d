import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Page not found" };

/** Any address with no page (and `notFound()` from a page). */
export default function NotFound() {
  return (
    <section className="card narrow message-page" aria-labelledby="not-found-title">
      <p className="message-code">404</p>
      <h1 id="not-found-title">Page not found</h1>
      <p className="muted">There&rsquo;s no page at this address. It may have moved, or the link may be wrong.</p>
      <Link className="button primary" href="/">
        Go to the home page
      </Link>
    </section>
  );
}
