/** The API could not say who is signed in: it is tried again by itself, or now with the button. */
export function Unreachable({ onRetry }: { onRetry: () => void }) {
  return (
    <div className="card narrow">
      <p role="alert" className="alert">
        We can&rsquo;t reach the server right now.
      </p>
      <p className="muted">We&rsquo;ll keep trying automatically.</p>
      <button type="button" className="button" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}
