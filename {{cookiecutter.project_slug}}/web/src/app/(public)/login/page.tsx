"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, Suspense, useEffect, useState } from "react";

import forms from "@/components/forms.module.css";
import { auth, loginErrorMessage, safeNextPath, signedOutNotice, useAuth } from "@/lib/auth";

/** Under the form: for someone without a working password. */
const OTHER_WAYS_IN = [
  { href: "/forgot-password", label: "Forgot password?" },
  { href: "/signup", label: "Create an account" }, // signup
];

export default function LoginPage() {
  return (
    <Suspense fallback={null}>
      <LoginForm />
    </Suspense>
  );
}

function LoginForm() {
  const router = useRouter();
  const params = useSearchParams();
  const next = safeNextPath(params.get("next"));
  // Why the user was signed out, if the API ended the session: one of a fixed set of messages.
  const notice = signedOutNotice(params.get("reason"));
  const { status } = useAuth();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);

  useEffect(() => {
    if (status === "signed-in") router.replace(next); // already signed in (or in another tab)
  }, [status, next, router]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setSubmitting(true);
    setError(null);
    try {
      await auth.login(String(form.get("email")), String(form.get("password")));
      router.replace(next);
    } catch (caught) {
      setError(loginErrorMessage(caught));
      setSubmitting(false);
    }
  }

  return (
    <section className="card narrow" aria-labelledby="login-title">
      <h1 id="login-title">Sign in</h1>
      <p className="muted">Welcome back. Sign in to your account.</p>
      {notice && !error && (
        <p role="status" className="notice" data-testid="signed-out-notice">
          {notice}
        </p>
      )}
      {error && (
        <p role="alert" className="alert">
          {error}
        </p>
      )}
      <form onSubmit={onSubmit} className="form" noValidate={false}>
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="username" required autoFocus />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
        />
        <button type="submit" className="button primary" disabled={submitting}>
          {submitting ? "Signing in…" : "Log in"}
        </button>
      </form>
      <ul className={forms.links}>
        {OTHER_WAYS_IN.map((link) => (
          <li key={link.href}>
            <Link href={link.href}>{link.label}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
