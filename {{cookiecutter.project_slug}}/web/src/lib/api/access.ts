/** Getting in without a password that works here: a password reset by email, an invitation from
 * staff. The flows that end signed in sign this browser in, like a login. */

import type { AuthEvents } from "./account";
import { type ApiClient, type Schemas, unwrap } from "./client";

export type InvitationPreview = Schemas["InvitationPreview"];

type Init = { signal?: AbortSignal };

export function accessApi(api: ApiClient, auth: Pick<AuthEvents, "signedIn">) {
  return {
    /** Mails a reset link if an account uses `email`; the answer is the same either way. */
    requestPasswordReset: (email: string, init?: Init) =>
      unwrap(api.POST("/api/auth/password-reset/", { ...init, body: { email } })),

    /** Sets a new password with the link's uid and token, and signs in (every other session of
     * the user ends). Null when the account has two-factor on (202 `sign_in_required`): a
     * mailbox alone must not get past it, the user signs in with the new password and a code. */
    resetPassword: async (uid: string, token: string, new_password: string, init?: Init) => {
      const answer = await unwrap(
        api.POST("/api/auth/password-reset/confirm/", { ...init, body: { uid, token, new_password } }),
      );
      if (!("user" in answer)) return null;
      auth.signedIn(answer);
      return answer.user;
    },

    /** Who an invitation is for (its address and role); a 404 or 410 says why it can't be used. */
    getInvitation: (token: string, init?: Init) =>
      unwrap(api.GET("/api/auth/invitations/{token}/", { ...init, params: { path: { token } } })),

    /** Accepts an invitation: the account is made and this browser signed in. */
    acceptInvitation: async (token: string, name: string, password: string, init?: Init) => {
      const answer = await unwrap(
        api.POST("/api/auth/invitations/accept/", { ...init, body: { token, name, password } }),
      );
      auth.signedIn(answer);
      return answer.user;
    },
  };
}
