/** What a page shows until the API has said who is signed in. */
export function Loading() {
  return <p className="muted center">Loading…</p>;
}
