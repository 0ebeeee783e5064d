"use client";

import Link from "next/link";
import { useState } from "react";

import { Field, FormError, Status } from "@/components/field";
import { requestPasswordReset } from "@/lib/api";
import { text, useSubmit } from "@/lib/forms";

/** Asks for a reset link by email. The answer is the same whether or not an account uses the
 * address (nobody learns who has one here). */
export default function ForgotPasswordPage() {
  const form = useSubmit(["email"] as const);
  const [sent, setSent] = useState<string | null>(null);

  return (
    <section className="card narrow" aria-labelledby="forgot-title">
      <h1 id="forgot-title">Forgot your password?</h1>
      <p className="muted">Enter your email address and we&rsquo;ll send you a link to choose a new one.</p>
      <Status testId="reset-requested">{sent}</Status>
      <form
        className="form"
        onSubmit={(event) =>
          form.submit(event, async (data) => {
            setSent(null);
            const answer = await requestPasswordReset(text(data, "email"));
            setSent(answer.detail);
          })
        }
      >
        <Field name="email" label="Email" type="email" autoComplete="email" required autoFocus error={form.fields.email} />
        <FormError>{form.error}</FormError>
        <button type="submit" className="button primary" aria-disabled={form.busy}>
          {form.busy ? "Sending…" : "Send me a link"}
        </button>
      </form>
      <p className="small">
        <Link href="/login">Back to sign in</Link>
      </p>
    </section>
  );
}
