"use client";

import Link from "next/link";
import { useParams, useRouter } from "next/navigation";
import { useCallback } from "react";

import { Field, FormError } from "@/components/field";
import { Loading } from "@/components/loading";
import { USER_ROLES, acceptInvitation, getInvitation, problemMessage, useLoad } from "@/lib/api";
import { ApiError } from "@/lib/auth";
import { password, text, useSubmit } from "@/lib/forms";

/** The page of an invitation's link: who it is for, then a name and a password make the account
 * and sign in here. A link that was used, withdrawn or has expired says so. */
export default function InvitationPage() {
  const { token } = useParams<{ token: string }>();
  const load = useCallback((signal: AbortSignal) => getInvitation(token, { signal }), [token]);
  const { data: invitation, error, reload } = useLoad(load);

  if (error) return <InvitationProblem error={error} onRetry={reload} />;
  if (!invitation) return <Loading />;
  return (
    <section className="card narrow" aria-labelledby="invite-title">
      <h1 id="invite-title">Create your account</h1>
      <p className="muted">
        You&rsquo;ve been invited as {article(USER_ROLES[invitation.role])}{" "}
        <strong>{USER_ROLES[invitation.role].toLowerCase()}</strong>.
      </p>
      <AcceptForm token={token} email={invitation.email} name={invitation.name ?? ""} />
    </section>
  );
}

function AcceptForm({ token, email, name }: { token: string; email: string; name: string }) {
  const router = useRouter();
  const form = useSubmit(["name", "password"] as const);
  return (
    <form
      className="form"
      onSubmit={(event) =>
        form.submit(event, async (data) => {
          await acceptInvitation(token, text(data, "name"), password(data, "password"));
          router.replace("/dashboard");
        })
      }
    >
      {/* The address is the invitation's: shown, and there for password managers. */}
      <Field name="email" label="Email" type="email" autoComplete="username" value={email} readOnly />
      <Field
        name="name"
        label="Your name"
        autoComplete="name"
        maxLength={150}
        required
        autoFocus
        defaultValue={name}
        error={form.fields.name}
      />
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
  );
}

function InvitationProblem({ error, onRetry }: { error: unknown; onRetry: () => Promise<void> }) {
  // 404 and 410: the API says why (unknown, used, withdrawn, expired); nothing to retry.
  const final = error instanceof ApiError && (error.status === 404 || error.status === 410);
  return (
    <section className="card narrow" aria-labelledby="invite-title">
      <h1 id="invite-title">This invitation can&rsquo;t be used</h1>
      <p role="alert" className="alert" data-testid="invitation-problem">
        {final ? error.detail : problemMessage(error)}
      </p>
      {final ? (
        <p className="small">
          Ask the person who invited you for a new invitation, or <Link href="/login">sign in</Link> if you
          already have an account.
        </p>
      ) : (
        <button type="button" className="button" onClick={() => void onRetry()}>
          Try again
        </button>
      )}
    </section>
  );
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? "an" : "a";
}
