"use client";

import Link from "next/link";
import { useState } from "react";

import { Field, FormError, Status } from "@/components/field";
import { resendVerification, signUp } from "@/lib/api";
import { password, text, useSubmit } from "@/lib/forms";

/** Open sign-up: an account that works once its address is verified by the mailed link. */
export default function SignupPage() {
  const form = useSubmit(["email", "name", "password"] as const);
  const [email, setEmail] = useState<string | null>(null);

  return (
    <section className="card narrow" aria-labelledby="signup-title">
      <h1 id="signup-title">Create an account</h1>
      {email ? (
        <CheckInbox email={email} />
      ) : (
        <form
          className="form"
          onSubmit={(event) =>
            form.submit(event, async (data) => {
              await signUp(text(data, "email"), text(data, "name"), password(data, "password"));
              setEmail(text(data, "email"));
            })
          }
        >
          <Field name="email" label="Email" type="email" autoComplete="email" required autoFocus error={form.fields.email} />
          <Field name="name" label="Your name" autoComplete="name" maxLength={150} required error={form.fields.name} />
          <Field
            name="password"
            label="Choose a password"
            type="password"
            autoComplete="new-password"
            required
            error={form.fields.password}
          />
          <FormError>{form.error}</FormError>
          <button type="submit" className="button primary" aria-disabled={form.busy}>
            {form.busy ? "Creating your account…" : "Create account"}
          </button>
        </form>
      )}
      <p className="small">
        Already have an account? <Link href="/login">Sign in</Link>
      </p>
    </section>
  );
}

/** After sign-up: the link is on its way; it can be sent again (the API limits how often). */
function CheckInbox({ email }: { email: string }) {
  const resend = useSubmit([] as const);
  const [resent, setResent] = useState(0);
  return (
    <>
      <p role="status" className="notice" data-testid="signup-done">
        Check your inbox: we&rsquo;ve sent a link to <strong>{email}</strong>. Open it to finish
        creating your account.
      </p>
      <form
        className="form"
        onSubmit={(event) =>
          resend.submit(event, async () => {
            await resendVerification(email);
            setResent((count) => count + 1);
          })
        }
      >
        <FormError>{resend.error}</FormError>
        <Status testId="link-resent">{resent > 0 && "We’ve sent the link again."}</Status>
        <button type="submit" className="button" aria-disabled={resend.busy}>
          {resend.busy ? "Sending…" : "Send the link again"}
        </button>
      </form>
    </>
  );
}
