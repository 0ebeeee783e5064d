"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";

import { FormError, Status } from "@/components/field";
import { confirmEmail } from "@/lib/api";
import { useAuth } from "@/lib/auth";
import { useSubmit } from "@/lib/forms";

export default function ConfirmEmailPage() {
  return (
    <Suspense fallback={null}>
      <ConfirmEmail />
    </Suspense>
  );
}

/** The page of the link sent to a new address (`?token=...`): one click confirms it, signed in
 * or not. A click, not the page load: a mail scanner that opens links changes nothing. */
function ConfirmEmail() {
  const token = useSearchParams().get("token");
  const { status, reload } = useAuth();
  const form = useSubmit([] as const);
  const [confirmed, setConfirmed] = useState<string | null>(null);

  return (
    <section className="card narrow" aria-labelledby="confirm-title">
      <h1 id="confirm-title">Confirm your new email address</h1>
      {!token ? (
        <p role="alert" className="alert">
          This link is incomplete. Open the link from the email again.
        </p>
      ) : (
        !confirmed && (
          <form
            className="form"
            onSubmit={(event) =>
              form.submit(event, async () => {
                const user = await confirmEmail(token);
                setConfirmed(user.email);
                if (status === "signed-in") await reload().catch(() => {}); // the header's address
              })
            }
          >
            <p className="muted">Your account&rsquo;s address changes once you confirm it.</p>
            <FormError>{form.error}</FormError>
            <button type="submit" className="button primary" autoFocus aria-disabled={form.busy}>
              {form.busy ? "Confirming…" : "Confirm my new address"}
            </button>
          </form>
        )
      )}
      <Status testId="email-confirmed">{confirmed && `Done: your email address is now ${confirmed}.`}</Status>
      {confirmed && (
        <p className="small">
          <Link href={status === "signed-in" ? "/settings" : "/login"}>
            {status === "signed-in" ? "Back to your settings" : "Sign in"}
          </Link>
        </p>
      )}
    </section>
  );
}
