"use client";

import { useRef, useState } from "react";

import { ConfirmButton } from "@/components/confirm-button";
import { Field, FormError } from "@/components/field";
import { InvalidInputError, closeAccount, problemMessage } from "@/lib/api";

/** Closes the account, once the password and a confirmation say so: every session ends, and
 * the sign-in state takes the user to the login page. */
export function CloseAccount() {
  const formRef = useRef<HTMLFormElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>();

  async function close() {
    const field = formRef.current?.elements.namedItem("password") as HTMLInputElement | null;
    setBusy(true);
    setError(null);
    setFieldError(undefined);
    try {
      await closeAccount(field?.value ?? "");
    } catch (caught) {
      setBusy(false);
      if (caught instanceof InvalidInputError && caught.fields.password) {
        setFieldError(caught.fields.password);
        field?.focus();
      } else {
        setError(problemMessage(caught));
      }
    }
  }

  return (
    <section className="card" aria-labelledby="close-title">
      <h2 id="close-title">Close your account</h2>
      <p className="muted">
        You&rsquo;ll be signed out everywhere and won&rsquo;t be able to sign in again. Your name and
        address are erased from the account.
      </p>
      {/* Enter sends nothing: only the button below, after its confirmation, closes the account. */}
      <form ref={formRef} className="form" onSubmit={(event) => event.preventDefault()}>
        <Field
          name="password"
          label="Your password, to confirm"
          type="password"
          autoComplete="current-password"
          required
          error={fieldError}
        />
        <FormError>{error}</FormError>
        <div className="actions">
          <ConfirmButton
            className="button danger"
            disabled={busy}
            title="Close your account?"
            description="This can't be undone: you will be signed out on every device, and your account can't be used again."
            confirmLabel="Close my account"
            onConfirm={() => void close()}
          >
            Close my account
          </ConfirmButton>
        </div>
      </form>
    </section>
  );
}
