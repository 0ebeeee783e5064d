/** The signed-in user's second factors: the authenticator app (TOTP), recovery codes and
 * passkeys (sign-in with them, and the step-up prompt, are lib/auth's). */

import {
  type PublicKeyCredentialCreationOptionsJSON,
  type RegistrationResponseJSON,
  startRegistration,
} from "@simplewebauthn/browser";

import { type ApiClient, unwrap } from "./client";
import { problemMessage } from "./messages";

type Init = { signal?: AbortSignal };
/** What the two-factor flows tell the tab's auth client (AuthClient's reloadUser): the user's `two_factor_enabled` and
 * `two_factor_setup_required` may have changed (the signed-in layout lets a user the policy
 * held on the enrolment page go once they are false). */
export type TwoFactorEvents = { reloadUser: () => Promise<unknown> };
/** The browser's side of adding a passkey (a test gives its own). */
export type Registrar = (options: {
  optionsJSON: PublicKeyCredentialCreationOptionsJSON;
}) => Promise<RegistrationResponseJSON>;

export function twoFactorApi(api: ApiClient, auth: TwoFactorEvents, register: Registrar = startRegistration) {
  /** Asks the auth client to read the user again; its failure is no failure of what was done. */
  async function userChanged(): Promise<void> {
    try {
      await auth.reloadUser();
    } catch {
      // the next page load reads it anyway
    }
  }

  return {
    /** Whether two-factor is on, whether the user's role requires it, and what they have. */
    getTwoFactor: (init?: Init) => unwrap(api.GET("/api/account/two-factor/", init)),

    /** Starts (or restarts) adding an authenticator app: its secret, as text and as a QR code
     * (a data: URI). Nothing changes until confirmTotp() gets a code from it. */
    startTotp: (init?: Init) => unwrap(api.POST("/api/account/totp/", init)),

    /** Turns the authenticator app on with a code from it; answers the new recovery codes (shown
     * once: only their digests are kept). A wrong code: InvalidInputError on `code`. */
    confirmTotp: async (code: string, init?: Init): Promise<string[]> => {
      const answer = await unwrap(api.POST("/api/account/totp/confirm/", { ...init, body: { code } }));
      await userChanged();
      return answer.recovery_codes;
    },

    /** Turns the authenticator app off (asks for a recent sign-in: the auth client prompts). */
    disableTotp: async (init?: Init): Promise<void> => {
      await unwrap(api.DELETE("/api/account/totp/", init));
      await userChanged();
    },

    /** New recovery codes, the previous ones no longer work (asks for a recent sign-in). */
    regenerateRecoveryCodes: async (init?: Init): Promise<string[]> =>
      (await unwrap(api.POST("/api/account/recovery-codes/", init))).recovery_codes,

    /** The user's passkeys, oldest first. */
    listPasskeys: (init?: Init) => unwrap(api.GET("/api/account/passkeys/", init)),

    /** Creates a passkey on this device (the browser asks the user) and adds it, named `name`.
     * Throws the browser's error (see passkeyProblem) when the user cancels the prompt. */
    addPasskey: async (name: string, init?: Init) => {
      const { options } = await unwrap(api.POST("/api/account/passkeys/options/", init));
      const credential = await register({
        optionsJSON: options as unknown as PublicKeyCredentialCreationOptionsJSON,
      });
      const passkey = await unwrap(
        api.POST("/api/account/passkeys/", {
          ...init,
          body: { name, credential: credential as unknown as Record<string, unknown> },
        }),
      );
      await userChanged();
      return passkey;
    },

    /** Renames a passkey; answers it. */
    renamePasskey: (id: number, name: string, init?: Init) =>
      unwrap(api.PATCH("/api/account/passkeys/{id}/", { ...init, params: { path: { id } }, body: { name } })),

    /** Removes a passkey (asks for a recent sign-in). */
    removePasskey: async (id: number, init?: Init): Promise<void> => {
      await unwrap(api.DELETE("/api/account/passkeys/{id}/", { ...init, params: { path: { id } } }));
      await userChanged();
    },
  };
}

type Api = ReturnType<typeof twoFactorApi>;
export type TwoFactorStatus = Awaited<ReturnType<Api["getTwoFactor"]>>;
export type TotpSetup = Awaited<ReturnType<Api["startTotp"]>>;
export type Passkey = Awaited<ReturnType<Api["listPasskeys"]>>[number];

/**
 * What to say when the browser did not create a passkey, null if the error is not the
 * browser's: its prompt closed or cancelled (NotAllowedError, also its time-out) is no error,
 * just a calm sentence; a device that holds one already says so.
 */
export function passkeyRefusal(error: unknown): string | null {
  const name = error instanceof Error ? error.name : "";
  if (name === "NotAllowedError" || name === "AbortError") {
    return "No passkey was added: the prompt was closed. You can try again whenever you like.";
  }
  if (name === "InvalidStateError") {
    return "This device already holds a passkey for your account.";
  }
  if (name === "NotSupportedError" || name === "SecurityError" || name === "ConstraintError") {
    return "This browser or device can't create a passkey here.";
  }
  return null;
}

/** What to say when adding a passkey failed: the browser's refusal, else the API's problem. */
export function passkeyProblem(error: unknown): string | null {
  return passkeyRefusal(error) ?? problemMessage(error);
}
