/**
 * What the login page tells the user: why they were signed out (carried in `/login?reason=`)
 * and why signing in failed.
 */

import {
  ApiError,
  NetworkError,
  PasskeyCancelledError,
  PasskeyUnavailableError,
} from "./errors";
import type { SignOutReason } from "./tabs";

/** Sessions that ended without the user logging out: the login page says so. Only these keys
 * are read from `?reason=`; nothing of the URL itself is ever shown. */
const SIGNED_OUT_NOTICES = {
  closed: "Your account is closed and you have been signed out.",
  expired: "Your session has expired. Please sign in again.",
  revoked:
    "You were signed out because your session was ended elsewhere, for example from another device. Please sign in again.",
  reused:
    "For your security, you were signed out: your session was used from two places at once. Please sign in again.",
} as const satisfies Partial<Record<SignOutReason, string>>;

export type NoticeReason = keyof typeof SIGNED_OUT_NOTICES;

function isNoticeReason(value: string): value is NoticeReason {
  return Object.prototype.hasOwnProperty.call(SIGNED_OUT_NOTICES, value);
}

/** The `reason` to carry to /login, when the user should be told why: never after their own
 * logout, nor for a visitor who was not signed in. */
export function noticeReason(reason: SignOutReason | "anonymous"): NoticeReason | undefined {
  return isNoticeReason(reason) ? reason : undefined;
}

/** The notice for /login's `?reason=` value; null for anything else. */
export function signedOutNotice(param: string | null | undefined): string | null {
  return param && isNoticeReason(param) ? SIGNED_OUT_NOTICES[param] : null;
}

/** "30 seconds", "1 minute", "2 hours": a wait of `seconds`, rounded up to the unit said. */
export function waitPhrase(seconds: number): string {
  const [count, unit] =
    seconds < 60
      ? [Math.max(1, Math.ceil(seconds)), "second"]
      : seconds < 3600
        ? [Math.ceil(seconds / 60), "minute"]
        : [Math.ceil(seconds / 3600), "hour"];
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}

/** Why the second step of sign-in ended (401 `second_factor_expired`): back to the password. */
export const SECOND_FACTOR_EXPIRED =
  "That sign-in attempt has ended (it took too long, or too many codes were wrong). Please enter your email and password again.";

/** Did the second step of sign-in end, so that it must start again from the password? */
export function isSecondFactorExpired(error: unknown): boolean {
  return error instanceof ApiError && error.code === "second_factor_expired";
}

/** What a passkey prompt that did not work says (null: not a passkey problem). */
export function passkeyErrorMessage(error: unknown): string | null {
  if (error instanceof PasskeyCancelledError) {
    return "The passkey prompt was closed before a passkey was used. You can try again.";
  }
  if (error instanceof PasskeyUnavailableError) {
    return "This browser couldn't use a passkey here. Please use another way.";
  }
  return null;
}

/** Why signing in failed, in words for the login form (password, code or passkey step). */
export function loginErrorMessage(error: unknown): string {
  if (error instanceof NetworkError) {
    return "We can't reach the server right now. Check your connection and try again.";
  }
  const passkey = passkeyErrorMessage(error);
  if (passkey) return passkey;
  if (isSecondFactorExpired(error)) return SECOND_FACTOR_EXPIRED;
  if (error instanceof ApiError && error.status === 401) {
    return "That email and password don't match an active account.";
  }
  if (error instanceof ApiError && error.status === 429) {
    // Retry-After, which the API's CORS settings let the page read.
    const wait = error.retryAfter ? ` Please wait ${waitPhrase(error.retryAfter)} before trying again.` : " Please wait a moment before trying again.";
    return `Too many sign-in attempts.${wait}`;
  }
  if (error instanceof ApiError && error.status === 400) return error.detail;
  return "Something went wrong. Please try again.";
}
