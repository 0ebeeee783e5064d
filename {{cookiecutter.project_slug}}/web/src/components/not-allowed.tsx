import Link from "next/link";

/** What a signed-in user sees on a page their role may not use (the API refuses its data
 * anyway: this only says so). */
export function NotAllowed() {
  return (
    <section className="card narrow" aria-labelledby="not-allowed-title" data-testid="not-allowed">
      <h1 id="not-allowed-title">Not allowed</h1>
      <p>Your account can&rsquo;t open this page. If you think it should, ask an administrator.</p>
      <Link className="button" href="/dashboard">
        Back to home
      </Link>
    </section>
  );
}
