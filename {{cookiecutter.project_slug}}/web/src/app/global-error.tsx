"use client";

import "./globals.css";

/** When even the root layout failed: a page of its own (it replaces the layout, so its own
 * <html> and <body>), with the app's styles. */
export default function GlobalError({ retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body>
        <title>Something went wrong</title>
        <main id="main" className="main">
          <section className="card narrow message-page" aria-labelledby="error-title">
            <h1 id="error-title">Something went wrong</h1>
            <p className="muted">The app could not be shown. Please try again.</p>
            <div className="actions">
              <button type="button" className="button primary" onClick={() => retry()}>
                Try again
              </button>
              {/* A full page load: the app's router may be what failed. */}
              {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
              <a className="button" href="/">
                Go to the home page
              </a>
            </div>
          </section>
        </main>
      </body>
    </html>
  );
}
