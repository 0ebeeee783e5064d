"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";

import { Field, FormError } from "@/components/field";
import { resetPassword } from "@/lib/api";
import { password, useSubmit } from "@/lib/forms";

export default function ResetPasswordPage() {
  return (
    <Suspense fallback={null}>
      <ResetPassword />
    </Suspense>
  );
}

/** The page of the reset link (`?uid=...&token=...`): a new password, then signed in here.
 * Every other session of the account ends. */
function ResetPassword() {
  const router = useRouter();
  const params = useSearchParams();
  const uid = params.get("uid");
  const token = params.get("token");
  const form = useSubmit(["new_password"] as const);
  // The password is changed but, two-factor being on, the user signs in (with a code) themselves.
  const [signInNext, setSignInNext] = useState(false);

  if (!uid || !token) {
    return (
      <section className="card narrow" aria-labelledby="reset-title">
        <h1 id="reset-title">Choose a new password</h1>
        <p role="alert" className="alert">
          This link is incomplete. Open the link from the email again, or ask for a new one.
        </p>
        <p className="small">
          <Link href="/forgot-password">Ask for a new link</Link>
        </p>
      </section>
    );
  }

  if (signInNext) {
    return (
      <section className="card narrow" aria-labelledby="reset-title">
        <h1 id="reset-title">Your password is changed</h1>
        <p role="status" className="notice" data-testid="password-reset-sign-in">
          Sign in with your new password and your second factor.
        </p>
        <p>
          <Link href="/login" className="button primary">
            Sign in
          </Link>
        </p>
      </section>
    );
  }

  return (
    <section className="card narrow" aria-labelledby="reset-title">
      <h1 id="reset-title">Choose a new password</h1>
      <p className="muted">You&rsquo;ll be signed in here, and signed out everywhere else.</p>
      <form
        className="form"
        onSubmit={(event) =>
          form.submit(event, async (data) => {
            const user = await resetPassword(uid, token, password(data, "new_password"));
            if (user) router.replace("/dashboard");
            else setSignInNext(true);
          })
        }
      >
        <Field
          name="new_password"
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          autoFocus
          error={form.fields.new_password}
        />
        <FormError>{form.error}</FormError>
        <button type="submit" className="button primary" aria-disabled={form.busy}>
          {form.busy ? "Saving…" : "Set password and sign in"}
        </button>
      </form>
      <p className="small">
        <Link href="/forgot-password">Ask for a new link</Link>
      </p>
    </section>
  );
}
