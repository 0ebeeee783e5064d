"use client";

import { useEffect, useRef, useState } from "react";

import { ConfirmButton } from "@/components/confirm-button";
import { FormError, Status } from "@/components/field";
import { type TwoFactorStatus, problemMessage, regenerateRecoveryCodes } from "@/lib/api";

import styles from "./two-factor.module.css";

/**
 * Recovery codes just made (turning the authenticator app on, or new ones): shown this once,
 * the API keeps only their digests. The focus moves to its heading so a screen reader starts
 * there; Copy and Download help to keep them; "I saved them" hides them.
 */
export function FreshRecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [said, setSaid] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const text = codes.join("\n") + "\n";

  useEffect(() => heading.current?.focus(), []);

  async function copy() {
    setSaid(null);
    setError(null);
    try {
      await navigator.clipboard.writeText(text);
      setSaid("The codes are copied.");
    } catch {
      setError("Your browser didn't let us copy them: select them and copy them yourself.");
    }
  }

  function download() {
    setSaid(null);
    setError(null);
    const url = URL.createObjectURL(new Blob([text], { type: "text/plain" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = "recovery-codes.txt";
    link.click();
    // After this task: the download has started from the URL by then.
    setTimeout(() => URL.revokeObjectURL(url), 0);
    setSaid("The codes are downloaded as recovery-codes.txt.");
  }

  return (
    <section className="card" aria-labelledby="fresh-codes-title" data-testid="fresh-recovery-codes">
      <h2 id="fresh-codes-title" ref={heading} tabIndex={-1} className={styles.target}>
        Your recovery codes
      </h2>
      <p>
        Keep these {codes.length} codes somewhere safe, like a password manager. Each one signs you
        in once if you lose your authenticator app or passkeys.{" "}
        <strong>They won&rsquo;t be shown again.</strong>
      </p>
      <ol className={styles.codes} data-testid="recovery-codes">
        {codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <FormError>{error}</FormError>
      <Status>{said}</Status>
      <div className="actions">
        <button type="button" className="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" className="button" onClick={download}>
          Download
        </button>
        <button type="button" className="button primary" onClick={onDone}>
          I saved them
        </button>
      </div>
    </section>
  );
}

type Props = {
  status: TwoFactorStatus;
  /** New codes were made: the page shows them (FreshRecoveryCodes). */
  onCodes: (codes: string[]) => void;
  /** The focus target once the fresh codes are hidden. */
  headingRef: React.RefObject<HTMLHeadingElement | null>;
};

/** How many recovery codes are left, and new ones (the old ones stop working). */
export function RecoveryCodes({ status, onCodes, headingRef }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function regenerate() {
    setBusy(true);
    setError(null);
    try {
      onCodes(await regenerateRecoveryCodes());
    } catch (caught) {
      setError(problemMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  const left = status.recovery_codes_left;
  return (
    <section className="card" aria-labelledby="recovery-title">
      <h2 id="recovery-title" ref={headingRef} tabIndex={-1} className={styles.target}>
        Recovery codes
      </h2>
      {status.enabled ? (
        <>
          <p data-testid="recovery-codes-left">
            {left === 1 ? "1 recovery code is left." : `${left} recovery codes are left.`}
            {left <= 3 && " Generate new ones before you run out."}
          </p>
          <p className="muted">
            A recovery code signs you in once when you can&rsquo;t use your authenticator app or
            passkeys.
          </p>
          <FormError>{error}</FormError>
          <div className="actions">
            <ConfirmButton
              className="button"
              disabled={busy}
              title="Generate new recovery codes?"
              description="Your current recovery codes will stop working."
              confirmLabel="Generate new codes"
              onConfirm={() => void regenerate()}
            >
              {busy ? "Generating…" : "Generate new codes"}
            </ConfirmButton>
          </div>
        </>
      ) : (
        <p className="muted">Recovery codes come with two-factor authentication: turn it on first.</p>
      )}
    </section>
  );
}
