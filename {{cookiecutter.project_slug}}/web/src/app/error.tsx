"use client";

import Link from "next/link";

/** A page that failed while rendering, inside the app's header: say so and offer to try again.
 * What went wrong is in the browser's console (and, for a Server Component, the server's log
 * under `error.digest`), never on the page. */
export default function ErrorPage({ retry }: { error: unknown; retry: () => void }) {
  return (
    <section className="card narrow message-page" aria-labelledby="error-title">
      <h1 id="error-title">Something went wrong</h1>
      <p className="muted">This page could not be shown. Please try again.</p>
      <div className="actions">
        <button type="button" className="button primary" onClick={() => retry()}>
          Try again
        </button>
        <Link className="button" href="/">
          Go to the home page
        </Link>
      </div>
    </section>
  );
}
