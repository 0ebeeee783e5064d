/**
 * Sign-in for the web client: who is signed in, login and logout, the silent refresh and the
 * tabs' coordination. Pages and components import from here only (lib/api/client.ts imports
 * errors.ts directly: importing this module creates the tab's client). Where things live:
 * - client.ts: the auth client (`authorized`/apiFetch: CSRF, silent refresh with a single
 *   flight and a cross-tab lock, the step-up prompt), login (password, second factor, passkey),
 *   re-authentication and logout
 * - instance.ts: `auth`, the one client of the tab
 * - tabs.ts: the lock and channel the tabs share
 * - state.ts: the session's state machine, as pure functions
 * - session.tsx: AuthProvider, useAuth(), useRequireAuth() (app/(signed-in)/layout.tsx)
 * - next-path.ts: where to go after login (no open redirects)
 * - messages.ts: what the login page says (why the user was signed out, why sign-in failed)
 * - roles.ts: who may see what (the server decides; the web only hides)
 * - policy.ts: the two-factor policy's forced enrolment (the signed-in layout applies it)
 * - webauthn.ts: whether the browser can use passkeys
 * The API's resources (typed from its OpenAPI schema) are in lib/api.
 */

export { auth } from "./instance";
export type {
  AuthClient,
  LoginResult,
  ReauthPrompt,
  ReauthProof,
  SecondFactorMethod,
  User,
} from "./client";
export {
  ApiError,
  InvalidInputError,
  NetworkError,
  PasskeyCancelledError,
  PasskeyUnavailableError,
  SignedOutError,
} from "./errors";
export {
  isSecondFactorExpired,
  loginErrorMessage,
  noticeReason,
  passkeyErrorMessage,
  signedOutNotice,
} from "./messages";
export { loginPath, safeNextPath } from "./next-path";
export { type Role, STAFF_ROLES, hasRole } from "./roles";
export { AuthProvider, useAuth, useRequireAuth } from "./session";
export { type ActionKind, type AuthState, failureMessage } from "./state";
export { ENROLMENT_PATH, enrolmentRedirect, mustEnrol } from "./policy";
export { useWebAuthnSupport } from "./webauthn";
