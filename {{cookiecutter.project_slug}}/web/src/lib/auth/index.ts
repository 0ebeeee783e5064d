/**
 * Sign-in for the web client. Where things live:
 * - client.ts: apiFetch, silent refresh (single flight, cross-tab lock), login and logout
 * - tabs.ts: the lock and channel the tabs share
 * - session.tsx: AuthProvider, useAuth(), RequireAuth
 * - next-path.ts: where to go after login (no open redirects)
 */

import { API_URL } from "@/config";

import { createAuthClient } from "./client";

export { ApiError, NetworkError, SignedOutError } from "./errors";
export type { DeviceSession, User } from "./client";
export { loginPath, safeNextPath } from "./next-path";

/** The one client of this browser tab. */
export const auth = createAuthClient({
  apiUrl: API_URL,
  expiryStore: typeof window === "undefined" ? null : window.localStorage,
});
