"use client";

import Link from "next/link";
import { useCallback, useRef, useState } from "react";

import { Status } from "@/components/field";
import { getTwoFactor, problemMessage, useLoad } from "@/lib/api";
import { useAuth } from "@/lib/auth";

import { AuthenticatorApp } from "./authenticator-app";
import { Passkeys } from "./passkeys";
import { FreshRecoveryCodes, RecoveryCodes } from "./recovery-codes";

/**
 * The page's state: the status from the API (read again after every change), the recovery codes
 * just made (shown once, above everything), and what was just done (a polite live region).
 */
export function TwoFactorSettings() {
  const { user } = useAuth();
  const load = useCallback((signal: AbortSignal) => getTwoFactor({ signal }), []);
  const status = useLoad(load);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const recoveryHeading = useRef<HTMLHeadingElement>(null);

  function changed(message: string) {
    setSaid(message);
    void status.reload();
  }

  function showCodes(fresh: string[], message: string) {
    setCodes(fresh);
    changed(message);
  }

  function codesSaved() {
    setCodes(null);
    setSaid(null);
    // After this render: the recovery codes' card is back in the page.
    setTimeout(() => recoveryHeading.current?.focus(), 0);
  }

  if (!user) return null;
  const current = status.data;
  return (
    <div className="stack">
      <div>
        {!user.two_factor_setup_required && (
          <p className="small">
            <Link href="/settings">Settings</Link>
          </p>
        )}
        <h1>Two-factor authentication</h1>
        {user.two_factor_setup_required && (
          <p className="notice" data-testid="two-factor-required">
            Your role requires two-factor authentication. Set it up to continue.
          </p>
        )}
        {current && (
          <p data-testid="two-factor-status">
            Two-factor authentication is <strong>{current.enabled ? "on" : "off"}</strong>.
            {current.required && (
              <>
                {" "}
                <span className="badge">Required for your role</span>
              </>
            )}
          </p>
        )}
        <Status testId="two-factor-done">{said}</Status>
      </div>
      {status.error !== null && current === null ? (
        <p role="alert" className="alert">
          {problemMessage(status.error)}
        </p>
      ) : current === null ? (
        <p className="muted">Loading…</p>
      ) : codes ? (
        <FreshRecoveryCodes codes={codes} onDone={codesSaved} />
      ) : (
        <>
          <AuthenticatorApp
            status={current}
            onEnabled={(fresh) =>
              showCodes(fresh, "Two-factor authentication is on: your authenticator app is set up.")
            }
            onChanged={changed}
          />
          <Passkeys onChanged={changed} />
          <RecoveryCodes
            status={current}
            headingRef={recoveryHeading}
            onCodes={(fresh) => showCodes(fresh, "New recovery codes are made: the old ones no longer work.")}
          />
        </>
      )}
    </div>
  );
}
