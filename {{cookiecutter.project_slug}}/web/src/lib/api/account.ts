/** The signed-in user's account: their profile and where they are signed in (sign-in itself,
 * login, logout and refresh, is lib/auth's). */

import { type ApiClient, type Schemas, unwrap } from "./client";

export type DeviceSession = Schemas["DeviceSession"];

type Init = { signal?: AbortSignal };

export function accountApi(api: ApiClient) {
  return {
    /** Who is signed in (the sign-in state, useAuth(), has it already). */
    getMe: (init?: Init) => unwrap(api.GET("/api/auth/me/", init)),

    /** The user's device sessions, most recently used first. */
    listSessions: (init?: Init) => unwrap(api.GET("/api/auth/sessions/", init)),

    /** Signs one device out (for this very device, log out instead: auth.logout()). */
    revokeSession: async (id: string, init?: Init): Promise<void> => {
      await unwrap(api.DELETE("/api/auth/sessions/{id}/", { ...init, params: { path: { id } } }));
    },
  };
}
