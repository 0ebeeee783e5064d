"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense } from "react";

import { FormError } from "@/components/field";
import { verifyEmail } from "@/lib/api";
import { useSubmit } from "@/lib/forms";

export default function VerifyEmailPage() {
  return (
    <Suspense fallback={null}>
      <VerifyEmail />
    </Suspense>
  );
}

/** The page of the sign-up mail's link (`?token=...`): one click verifies the address and signs
 * in. A click, not the page load: a mail scanner that opens links changes nothing. */
function VerifyEmail() {
  const router = useRouter();
  const token = useSearchParams().get("token");
  const form = useSubmit([] as const);

  return (
    <section className="card narrow" aria-labelledby="verify-title">
      <h1 id="verify-title">Verify your email address</h1>
      {!token ? (
        <p role="alert" className="alert">
          This link is incomplete. Open the link from the email again.
        </p>
      ) : (
        <form
          className="form"
          onSubmit={(event) =>
            form.submit(event, async () => {
              await verifyEmail(token);
              router.replace("/dashboard");
            })
          }
        >
          <p className="muted">One more step: confirm the address to start using your account.</p>
          <FormError>{form.error}</FormError>
          <button type="submit" className="button primary" autoFocus aria-disabled={form.busy}>
            {form.busy ? "Verifying…" : "Verify and sign in"}
          </button>
        </form>
      )}
      <p className="small">
        <Link href="/signup">Sign up again</Link> · <Link href="/login">Sign in</Link>
      </p>
    </section>
  );
}
