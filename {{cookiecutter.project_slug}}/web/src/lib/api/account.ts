/** The signed-in user's account: their profile, password, address, where they are signed in,
 * and closing it (sign-in itself, login, logout and refresh, is lib/auth's). */

import type { AuthClient } from "@/lib/auth/client";

import { type ApiClient, type Schemas, unwrap } from "./client";

export type DeviceSession = Schemas["DeviceSession"];

type Init = { signal?: AbortSignal };
/** What the account's flows tell the tab's auth client. */
export type AuthEvents = Pick<AuthClient, "signedIn" | "renewedBy" | "accountClosed">;

export function accountApi(api: ApiClient, auth: AuthEvents) {
  return {
    /** Who is signed in (the sign-in state, useAuth(), has it already). */
    getMe: (init?: Init) => unwrap(api.GET("/api/auth/me/", init)),

    /** The user's device sessions, most recently used first. */
    listSessions: (init?: Init) => unwrap(api.GET("/api/auth/sessions/", init)),

    /** Signs one device out (for this very device, log out instead: auth.logout()). */
    revokeSession: async (id: string, init?: Init): Promise<void> => {
      await unwrap(api.DELETE("/api/auth/sessions/{id}/", { ...init, params: { path: { id } } }));
    },

    /** Changes the user's name; it answers the user. */
    updateProfile: (name: string, init?: Init) =>
      unwrap(api.PATCH("/api/account/profile/", { ...init, body: { name } })),

    /** Changes the password: every other device is signed out, this one gets a new session. */
    changePassword: async (current_password: string, new_password: string, init?: Init) => {
      const answer = await unwrap(
        api.POST("/api/account/password/", { ...init, body: { current_password, new_password } }),
      );
      auth.renewedBy(answer);
      return answer.user;
    },

    /** Sends a confirmation link to `new_email`; the address changes once it is opened. */
    changeEmail: (new_email: string, password: string, init?: Init) =>
      unwrap(api.POST("/api/account/email/", { ...init, body: { new_email, password } })),

    /** Confirms a new address with the token of its link (signed in or not); answers the user. */
    confirmEmail: (token: string, init?: Init) =>
      unwrap(api.POST("/api/account/email/confirm/", { ...init, body: { token } })),

    /** Closes the account (the password confirms it) and signs out every tab. */
    closeAccount: async (password: string, init?: Init): Promise<void> => {
      await unwrap(api.POST("/api/account/close/", { ...init, body: { password } }));
      auth.accountClosed();
    },
  };
}
