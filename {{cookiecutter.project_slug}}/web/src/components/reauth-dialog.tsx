"use client";

import { useEffect, useId, useRef, useState } from "react";

import { Field, FormError } from "@/components/field";
import { problemMessage } from "@/lib/api";
import { auth, passkeyErrorMessage, useAuth, useWebAuthnSupport } from "@/lib/auth";
import { password, text, useSubmit } from "@/lib/forms";

type Pending = { resolve: () => void; reject: (error: Error) => void };

/**
 * "Confirm it's you": the prompt of the auth client's step-up (a sensitive action answered 403
 * `reauth_required`). Mounted once in the signed-in layout, it registers itself with the auth
 * client; while it is open the rest of the page is inert (the native <dialog>). The user proves
 * it's them with their password, a code (when two-factor is on) or a passkey; then the action
 * that was refused is sent again. Cancel or Escape: the action fails with the API's 403. A wrong
 * password is said under the field and the dialog stays open. The focus goes back to where it
 * was when the dialog closes.
 */
export function ReauthDialog() {
  const { user } = useAuth();
  const [open, setOpen] = useState(false);
  const pending = useRef<Pending | null>(null);
  const returnFocus = useRef<HTMLElement | null>(null);

  useEffect(() => {
    const remove = auth.setReauthPrompt(
      () =>
        new Promise<void>((resolve, reject) => {
          pending.current?.reject(new Error("Replaced by another prompt."));
          pending.current = { resolve, reject };
          returnFocus.current = document.activeElement as HTMLElement | null;
          setOpen(true);
        }),
    );
    return () => {
      remove();
      pending.current?.reject(new Error("The page has gone."));
      pending.current = null;
    };
  }, []);

  function finish(confirmed: boolean) {
    const waiting = pending.current;
    pending.current = null;
    setOpen(false);
    returnFocus.current?.focus();
    if (confirmed) waiting?.resolve();
    else waiting?.reject(new Error("Cancelled."));
  }

  if (!open) return null;
  return <ReauthForm withCode={Boolean(user?.two_factor_enabled)} onDone={finish} />;
}

function ReauthForm({
  withCode,
  onDone,
}: {
  withCode: boolean;
  onDone: (confirmed: boolean) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [method, setMethod] = useState<"password" | "code">("password");
  const [passkeyBusy, setPasskeyBusy] = useState(false);
  const [passkeyError, setPasskeyError] = useState<string | null>(null);
  // A passkey is a second factor: only a user with two-factor may have one.
  const passkeys = useWebAuthnSupport() && withCode;
  const form = useSubmit(["password", "code"] as const);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    if (!dialog.current?.open) dialog.current?.showModal();
    dialog.current?.querySelector<HTMLInputElement>("input")?.focus();
  }, []);

  function switchTo(next: "password" | "code") {
    setMethod(next);
    setPasskeyError(null);
    // The new field, once rendered.
    requestAnimationFrame(() => dialog.current?.querySelector<HTMLInputElement>("input")?.focus());
  }

  async function confirmWithPasskey() {
    if (passkeyBusy || form.busy) return;
    setPasskeyBusy(true);
    setPasskeyError(null);
    try {
      await auth.reauthenticate({ passkey: true });
      dialog.current?.close("confirmed");
    } catch (caught) {
      setPasskeyError(passkeyErrorMessage(caught) ?? problemMessage(caught));
    } finally {
      setPasskeyBusy(false);
    }
  }

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={descriptionId}
      onClose={() => onDone(dialog.current?.returnValue === "confirmed")}
    >
      <h2 id={titleId}>Confirm it&apos;s you</h2>
      <p id={descriptionId}>
        {method === "password"
          ? "For your security, enter your password to go on."
          : "For your security, enter a code from your authenticator app (or a recovery code) to go on."}
      </p>
      <form
        className="form"
        onSubmit={(event) =>
          form.submit(event, async (data) => {
            setPasskeyError(null);
            await auth.reauthenticate(
              method === "password"
                ? { password: password(data, "password") }
                : { code: text(data, "code") },
            );
            dialog.current?.close("confirmed");
          })
        }
      >
        {method === "password" ? (
          <Field
            key="password"
            name="password"
            label="Password"
            type="password"
            autoComplete="current-password"
            required
            error={form.fields.password}
          />
        ) : (
          <Field
            key="code"
            name="code"
            label="Authentication code"
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            error={form.fields.code}
          />
        )}
        <FormError>{form.error ?? passkeyError}</FormError>
        {(withCode || passkeys) && (
          <div className="actions">
            {withCode && (
              <button
                type="button"
                className="button"
                onClick={() => switchTo(method === "password" ? "code" : "password")}
              >
                {method === "password" ? "Use a code instead" : "Use your password instead"}
              </button>
            )}
            {passkeys && (
              <button
                type="button"
                className="button"
                onClick={confirmWithPasskey}
                aria-disabled={passkeyBusy}
              >
                {passkeyBusy ? "Waiting for your passkey…" : "Use a passkey"}
              </button>
            )}
          </div>
        )}
        <div className="actions dialog-actions">
          <button type="button" className="button" onClick={() => dialog.current?.close("cancel")}>
            Cancel
          </button>
          <button type="submit" className="button primary" aria-disabled={form.busy}>
            {form.busy ? "Confirming…" : "Confirm"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
