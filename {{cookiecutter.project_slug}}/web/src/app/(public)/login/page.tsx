"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, Suspense, useEffect, useState } from "react";

import { Field } from "@/components/field";
import forms from "@/components/forms.module.css";
import {
  InvalidInputError,
  type SecondFactorMethod,
  auth,
  isSecondFactorExpired,
  loginErrorMessage,
  safeNextPath,
  signedOutNotice,
  useAuth,
  useWebAuthnSupport,
} from "@/lib/auth";

/** Under the form: for someone without a working password. */
const OTHER_WAYS_IN = [
  { href: "/forgot-password", label: "Forgot password?" },
  { href: "/signup", label: "Create an account" }, // signup
];

export default function LoginPage() {
  return (
    <Suspense fallback={null}>
      <Login />
    </Suspense>
  );
}

/** The password step, then (if the account has two-factor) the code or passkey step, on the
 * same page. Whichever way the user signs in, they go to `?next=` (a safe path) afterwards. */
function Login() {
  const router = useRouter();
  const params = useSearchParams();
  const next = safeNextPath(params.get("next"));
  // Why the user was signed out, if the API ended the session: one of a fixed set of messages.
  const notice = signedOutNotice(params.get("reason"));
  const { status } = useAuth();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  const [email, setEmail] = useState("");
  // The second step, once the password was right and the account wants one.
  const [methods, setMethods] = useState<SecondFactorMethod[] | null>(null);
  const webauthn = useWebAuthnSupport();

  useEffect(() => {
    if (status === "signed-in") router.replace(next); // already signed in (or in another tab)
  }, [status, next, router]);

  /** Back to the password form, saying why (null: the user chose to). */
  function startOver(why: string | null) {
    setMethods(null);
    setError(why);
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setSubmitting(true);
    setError(null);
    setEmail(String(form.get("email")));
    try {
      const result = await auth.login(String(form.get("email")), String(form.get("password")));
      if (result.status === "signed-in") {
        router.replace(next);
        return;
      }
      setMethods(result.methods);
    } catch (caught) {
      setError(loginErrorMessage(caught));
    }
    setSubmitting(false);
  }

  async function withPasskey() {
    if (submitting) return;
    setSubmitting(true);
    setError(null);
    try {
      await auth.signInWithPasskey();
      router.replace(next);
      return;
    } catch (caught) {
      setError(loginErrorMessage(caught));
    }
    setSubmitting(false);
  }

  if (methods) {
    return (
      <SecondStep
        methods={methods}
        passkey={webauthn && methods.includes("passkey")}
        onSignedIn={() => router.replace(next)}
        onStartOver={startOver}
      />
    );
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
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          defaultValue={email}
        />
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
      {webauthn && (
        <div className="actions">
          <button type="button" className="button" onClick={withPasskey} aria-disabled={submitting}>
            Sign in with a passkey
          </button>
        </div>
      )}
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

/**
 * The second step: a code of the authenticator app (or a recovery code), or a passkey. A wrong
 * code is said under the field; an attempt that has ended (too slow, too many wrong codes) goes
 * back to the password form with the reason.
 */
function SecondStep({
  methods,
  passkey,
  onSignedIn,
  onStartOver,
}: {
  methods: SecondFactorMethod[];
  passkey: boolean;
  onSignedIn: () => void;
  onStartOver: (why: string | null) => void;
}) {
  const [recovery, setRecovery] = useState(!methods.includes("totp"));
  const codes = methods.includes("totp") || methods.includes("recovery_code");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);

  async function attempt(action: () => Promise<unknown>) {
    if (busy) return;
    setBusy(true);
    setError(null);
    setFieldError(undefined);
    try {
      await action();
      onSignedIn();
      return;
    } catch (caught) {
      if (isSecondFactorExpired(caught)) {
        onStartOver(loginErrorMessage(caught));
        return;
      }
      if (caught instanceof InvalidInputError && caught.fields.code) {
        setFieldError(caught.fields.code);
        document.querySelector<HTMLInputElement>('input[name="code"]')?.focus();
      } else {
        setError(loginErrorMessage(caught));
      }
    }
    setBusy(false);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get("code") ?? "").trim();
    void attempt(() => auth.completeSecondFactor(code));
  }

  return (
    <section className="card narrow" aria-labelledby="second-step-title">
      <h1 id="second-step-title">Two-factor authentication</h1>
      <p className="muted">
        {!codes
          ? "Use your passkey to finish signing in."
          : recovery
            ? "Enter one of the recovery codes you saved when you set up two-factor authentication. Each one works once."
            : "Enter the 6-digit code from your authenticator app."}
      </p>
      {error && (
        <p role="alert" className="alert">
          {error}
        </p>
      )}
      {codes && (
        <form onSubmit={onSubmit} className="form">
          {recovery ? (
            <Field
              key="recovery"
              name="code"
              label="Recovery code"
              autoComplete="off"
              autoCapitalize="none"
              spellCheck={false}
              required
              autoFocus
              error={fieldError}
            />
          ) : (
            <Field
              key="totp"
              name="code"
              label="Authentication code"
              inputMode="numeric"
              autoComplete="one-time-code"
              required
              autoFocus
              error={fieldError}
            />
          )}
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? "Verifying…" : "Verify"}
          </button>
        </form>
      )}
      <div className="actions">
        {methods.includes("totp") && methods.includes("recovery_code") && (
          <button
            type="button"
            className="button"
            onClick={() => {
              setRecovery(!recovery);
              setFieldError(undefined);
            }}
          >
            {recovery ? "Use an authentication code" : "Use a recovery code"}
          </button>
        )}
        {passkey && (
          <button
            type="button"
            className="button"
            aria-disabled={busy}
            onClick={() => void attempt(() => auth.signInWithPasskey())}
          >
            Use a passkey
          </button>
        )}
        <button type="button" className="button" onClick={() => onStartOver(null)}>
          Start over
        </button>
      </div>
    </section>
  );
}
