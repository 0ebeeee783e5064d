"use client";

import { useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, Suspense, useEffect, useState } from "react";

import { ApiError, NetworkError, auth, safeNextPath, useAuth } from "@/lib/auth";

export default function LoginPage() {
  return (
    <Suspense fallback={null}>
      <LoginForm />
    </Suspense>
  );
}

function errorMessage(error: unknown): string {
  if (error instanceof NetworkError) {
    return "We can't reach the server right now. Check your connection and try again.";
  }
  if (error instanceof ApiError && error.status === 401) {
    return "That email and password don't match an active account.";
  }
  if (error instanceof ApiError && error.status === 429) {
    const wait = error.retryAfter ? ` Try again in ${error.retryAfter} seconds.` : "";
    return `Too many sign-in attempts.${wait}`;
  }
  if (error instanceof ApiError && error.status === 400) return error.detail;
  return "Something went wrong. Please try again.";
}

function LoginForm() {
  const router = useRouter();
  const next = safeNextPath(useSearchParams().get("next"));
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
      setError(errorMessage(caught));
      setSubmitting(false);
    }
  }

  return (
    <section className="card narrow" aria-labelledby="login-title">
      <h1 id="login-title">Sign in</h1>
      <p className="muted">Welcome back. Sign in to your account.</p>
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
    </section>
  );
}
