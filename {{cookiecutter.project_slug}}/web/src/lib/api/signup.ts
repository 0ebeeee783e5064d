/** Open sign-up: anyone makes an account, which works once its address is verified (the link
 * of the mail signs them in). The answers are the same whether or not the address has one. */

import type { AuthEvents } from "./account";
import { type ApiClient, unwrap } from "./client";

type Init = { signal?: AbortSignal };

export function signupApi(api: ApiClient, auth: Pick<AuthEvents, "signedIn">) {
  return {
    signUp: (email: string, name: string, password: string, init?: Init) =>
      unwrap(api.POST("/api/auth/signup/", { ...init, body: { email, name, password } })),

    /** Mails the verification link again (throttled). */
    resendVerification: (email: string, init?: Init) =>
      unwrap(api.POST("/api/auth/signup/resend/", { ...init, body: { email } })),

    /** Verifies the address with the token of its link, and signs in. */
    verifyEmail: async (token: string, init?: Init) => {
      const answer = await unwrap(api.POST("/api/auth/signup/verify/", { ...init, body: { token } }));
      auth.signedIn(answer);
      return answer.user;
    },
  };
}
