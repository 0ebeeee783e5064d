"use client";

import { useEffect, useRef, useState } from "react";

import { ConfirmButton } from "@/components/confirm-button";
import { Field, FormError } from "@/components/field";
import {
  type TotpSetup,
  type TwoFactorStatus,
  confirmTotp,
  disableTotp,
  problemMessage,
  startTotp,
} from "@/lib/api";
import { text, useSubmit } from "@/lib/forms";

import styles from "./two-factor.module.css";

type Props = {
  status: TwoFactorStatus;
  /** It is on: the page shows the recovery codes that came with it. */
  onEnabled: (codes: string[]) => void;
  /** Something changed: the page says `message` and reads the status again. */
  onChanged: (message: string) => void;
};

/**
 * The authenticator app (TOTP): set up by scanning a QR code (or typing its key) and giving a
 * code from the app, or turned off (the API asks for a recent sign-in, and refuses when the
 * user's role requires a second factor and this is the last one).
 */
export function AuthenticatorApp({ status, onEnabled, onChanged }: Props) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (caught) {
      setError(problemMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  const begin = () => run(async () => setSetup(await startTotp()));

  const turnOff = () =>
    run(async () => {
      await disableTotp();
      onChanged("The authenticator app is turned off.");
      heading.current?.focus(); // its button is gone
    });

  return (
    <section className="card" aria-labelledby="totp-title">
      <h2 id="totp-title" ref={heading} tabIndex={-1} className={styles.target}>
        Authenticator app
      </h2>
      {status.totp ? (
        <>
          <p data-testid="totp-on">
            On: after your password, you give a code from your authenticator app.
          </p>
          <FormError>{error}</FormError>
          <div className="actions">
            <ConfirmButton
              className="button danger"
              disabled={busy}
              title="Turn off the authenticator app?"
              description="Its codes will no longer sign you in."
              confirmLabel="Turn off"
              onConfirm={() => void turnOff()}
            >
              Turn off
            </ConfirmButton>
          </div>
        </>
      ) : setup ? (
        <Enrolment
          setup={setup}
          onCancel={() => {
            setSetup(null);
            heading.current?.focus();
          }}
          onEnabled={(codes) => {
            setSetup(null);
            onEnabled(codes);
          }}
        />
      ) : (
        <>
          <p className="muted">
            Use an app such as 1Password, Google Authenticator or Microsoft Authenticator to get a
            new code every 30 seconds.
          </p>
          <FormError>{error}</FormError>
          <div className="actions">
            <button type="button" className="button primary" aria-disabled={busy} onClick={() => !busy && void begin()}>
              {busy ? "Setting up…" : "Set up authenticator app"}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

type EnrolmentProps = {
  setup: TotpSetup;
  onCancel: () => void;
  onEnabled: (codes: string[]) => void;
};

/** Scan (or type the key), then a code from the app turns it on. */
function Enrolment({ setup, onCancel, onEnabled }: EnrolmentProps) {
  const form = useSubmit(["code"] as const);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => heading.current?.focus(), []);

  return (
    <div>
      <h3 ref={heading} tabIndex={-1} className={styles.target}>
        Scan this QR code with your app
      </h3>
      {/* Drawn by the API as a data: URI (the CSP allows data: images): never a remote image,
          which would see the secret. */}
      {setup.qr_code.startsWith("data:image/") && (
        // eslint-disable-next-line @next/next/no-img-element
        <img className={styles.qr} src={setup.qr_code} alt="QR code for your authenticator app" />
      )}
      <p>
        Can&rsquo;t scan it? Enter this key in the app instead:{" "}
        <code className={styles.secret} data-testid="totp-secret">
          {setup.secret}
        </code>
      </p>
      <form
        className="form"
        onSubmit={(event) =>
          form.submit(event, async (data) => {
            onEnabled(await confirmTotp(text(data, "code")));
          })
        }
      >
        <Field
          name="code"
          label="Code from the app"
          hint="The 6 digits it shows now."
          inputMode="numeric"
          autoComplete="one-time-code"
          spellCheck={false}
          required
          error={form.fields.code}
        />
        <FormError>{form.error}</FormError>
        <div className="actions">
          <button type="submit" className="button primary" aria-disabled={form.busy}>
            {form.busy ? "Turning on…" : "Turn on"}
          </button>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
