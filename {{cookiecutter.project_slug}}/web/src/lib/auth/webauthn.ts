"use client";

/** Whether this browser can use passkeys, for the buttons that offer one. */

import { browserSupportsWebAuthn } from "@simplewebauthn/browser";
import { useSyncExternalStore } from "react";

const unchanging = () => () => {};

/** True when the browser has WebAuthn; false while rendering on the server (the page renders
 * again in the browser, without a hydration mismatch). */
export function useWebAuthnSupport(): boolean {
  return useSyncExternalStore(unchanging, browserSupportsWebAuthn, () => false);
}
