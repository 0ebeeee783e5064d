/**
 * The decisions of the session's state machine, as pure functions (session.tsx and the pages
 * apply them): what the answer to "who is signed in?" (`auth.currentUser()`) does to the state,
 * when to try again, and what to tell the user when an action fails.
 */

import type { User } from "./client";
import { ApiError, NetworkError, SignedOutError } from "./errors";
import type { SignOutReason } from "./tabs";

/**
 * Which session of the tab something belongs to: `auth.epoch()` (it changes at every sign-in
 * and sign-out, here or in another tab) and how many times the page was restored from the
 * back/forward cache (it missed what happened meanwhile). An answer asked for under one key and
 * arriving under another is dropped; what depends on the user starts again when it changes.
 */
export type SessionKey = string;

export function sessionKey(epoch: number, restores: number): SessionKey {
  return `${epoch}.${restores}`;
}

/** Who is signed in, in the session of the tab `key`. */
export type AuthState =
  | { status: "loading"; user: null; key: SessionKey }
  | { status: "signed-in"; user: User; key: SessionKey }
  | { status: "signed-out"; user: null; reason: SignOutReason | "anonymous"; key: SessionKey }
  // The API could not say who is signed in: tried `failures` times, next try in `retryIn` ms.
  | { status: "unreachable"; user: null; key: SessionKey; failures: number; retryIn: number };

/** What `auth.currentUser()` answered: the user (null: nobody is signed in), or what it threw. */
export type MeAnswer = { user: User | null } | { error: unknown };

/**
 * What an error of `auth.currentUser()` (or GET /me) says. Only the API saying "not signed in" ends a session: a refused
 * refresh (SignedOutError; the signed-out event has already set the state) or a 401. Anything
 * else (5xx, a proxy's 502 during a deploy, 429, no network) says nothing about the session.
 */
export function meErrorMeans(error: unknown): "signed-out" | "already-signed-out" | "unreachable" {
  if (error instanceof SignedOutError) return "already-signed-out";
  if (error instanceof ApiError && error.status === 401) return "signed-out";
  return "unreachable";
}

export const RETRY_FIRST_MS = 1_000;
export const RETRY_MAX_MS = 30_000;

/** Backoff after the n-th failure in a row (n >= 1): 1 s, 2 s, 4 s... up to 30 s; longer if the
 * API asked for it (Retry-After). */
export function retryDelay(failures: number, error?: unknown): number {
  const backoff = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.max(0, failures - 1));
  const asked = error instanceof ApiError && error.retryAfter ? error.retryAfter * 1000 : 0;
  return Math.max(backoff, asked);
}

/**
 * The state once "who is signed in?", asked in the tab's session `asked`, has answered, the tab
 * now being in `current`. An answer to a question about an earlier session (a sign-out or a
 * sign-in happened meanwhile) is dropped: a late answer must not bring a signed-out user back.
 */
export function afterMe(
  state: AuthState,
  answer: MeAnswer,
  asked: SessionKey,
  current: SessionKey,
): AuthState {
  if (asked !== current) return state;
  if ("user" in answer) {
    return answer.user
      ? { status: "signed-in", user: answer.user, key: current }
      : { status: "signed-out", user: null, reason: "anonymous", key: current };
  }
  switch (meErrorMeans(answer.error)) {
    case "already-signed-out":
      return state;
    case "signed-out":
      return { status: "signed-out", user: null, reason: "anonymous", key: current };
    case "unreachable": {
      if (state.status === "signed-in") return state; // still signed in: only the API ends it
      const failures = state.status === "unreachable" ? state.failures + 1 : 1;
      const retryIn = retryDelay(failures, answer.error);
      return { status: "unreachable", user: null, key: current, failures, retryIn };
    }
  }
}

/** Whether the caller of a reload should hear about its failure (to say so): the answer is
 * current and the API could not be reached. */
export function isTransientMeFailure(
  answer: MeAnswer,
  asked: SessionKey,
  current: SessionKey,
): boolean {
  return asked === current && "error" in answer && meErrorMeans(answer.error) === "unreachable";
}

/** What the dashboard's buttons do. */
export type ActionKind = "logout" | "logout-all" | "revoke-current" | "revoke" | "refresh";

const SIGN_OUT_FAILED: Partial<Record<ActionKind, string>> = {
  logout: "We couldn't sign you out",
  "revoke-current": "We couldn't sign you out",
  "logout-all": "We couldn't sign you out everywhere",
};

/**
 * The alert for a failed action, or null when there is nothing to say. A sign-out that the API
 * did not confirm failed, whatever the reason: the user is still signed in and is told so.
 * SignedOutError means the session is over (the signed-out event has already moved on).
 */
export function failureMessage(kind: ActionKind, error: unknown): string | null {
  if (error instanceof SignedOutError) return null;
  const signOut = SIGN_OUT_FAILED[kind];
  if (signOut) {
    return error instanceof NetworkError
      ? `${signOut}: the server can't be reached. Please try again.`
      : `${signOut}. Please try again.`;
  }
  if (error instanceof NetworkError) return "We can't reach the server. Please try again.";
  return "That didn't work. Please try again.";
}
