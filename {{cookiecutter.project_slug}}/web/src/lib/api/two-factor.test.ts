import { describe, expect, it, vi } from "vitest";

import { ApiError } from "@/lib/auth/errors";
import { FakeApi, FakeBus, FakeLock, tab } from "@/lib/auth/testing";

import { InvalidInputError, createApiClient } from "./client";
import { isNotFound } from "./messages";
import { serve } from "./testing";
import { type Registrar, passkeyProblem, passkeyRefusal, twoFactorApi } from "./two-factor";

const CODES = Array.from({ length: 10 }, (_, i) => `abcd-efgh-ijkl-mn${String(i).padStart(2, "0")}`);
const PASSKEY = { id: 7, name: "Laptop", created_at: "2026-11-30T10:00:00Z", last_used_at: null };
const CREATION_OPTIONS = {
  rp: { id: "localhost", name: "Portal" },
  user: { id: "dXNlcg", name: "ada@example.com", displayName: "Ada" },
  challenge: "Y2hhbGxlbmdl",
  pubKeyCredParams: [{ type: "public-key", alg: -7 }],
  excludeCredentials: [],
};
const CREDENTIAL = {
  id: "Y3JlZA",
  rawId: "Y3JlZA",
  type: "public-key" as const,
  response: { clientDataJSON: "e30", attestationObject: "o2Nm" },
  clientExtensionResults: {},
};

/** A browser error as WebAuthn throws it (a DOMException's name says what happened). */
function browserError(name: string): Error {
  const error = new Error("The operation either timed out or was not allowed.");
  error.name = name;
  return error;
}

function setup(register: Registrar = vi.fn(async () => CREDENTIAL)) {
  const server = new FakeApi();
  server.login();
  const auth = tab(server, new FakeLock(), new FakeBus());
  auth.start();
  const order: string[] = [];
  const events = {
    reloadUser: vi.fn(async () => {
      order.push("reloadUser");
    }),
  };
  const twoFactor = twoFactorApi(createApiClient(auth), events, register);
  // Records the order of the requests and the auth client's reload.
  const seen = server.fetch;
  server.fetch = async (input, init) => {
    const response = await seen(input, init);
    order.push(`${init?.method ?? "GET"} ${new URL(String(input)).pathname}`);
    return response;
  };
  return { server, twoFactor, events, order, register };
}

const refused = (status: number, detail: string, code?: string, errors?: Record<string, string[]>) => ({
  status,
  body: { detail, ...(code && { code }), ...(errors && { errors }) },
});

describe("the authenticator app", () => {
  it("reads the two-factor status", async () => {
    const { server, twoFactor } = setup();
    const status = { enabled: false, required: true, totp: false, recovery_codes_left: 0, passkeys: 0 };
    serve(server, { "GET /api/account/two-factor/": () => ({ body: status }) });
    await expect(twoFactor.getTwoFactor()).resolves.toEqual(status);
  });

  it("enrols: the secret and QR code, then a code from the app turns it on and answers the recovery codes", async () => {
    const { server, twoFactor, events, order } = setup();
    const setupAnswer = { secret: "JBSWY3DPEHPK3PXP", otpauth_url: "otpauth://totp/x", qr_code: "data:image/svg+xml;base64,PHN2Zz4=" };
    const asked = serve(server, {
      "POST /api/account/totp/": () => ({ body: setupAnswer }),
      "POST /api/account/totp/confirm/": () => ({ body: { recovery_codes: CODES } }),
    });
    await expect(twoFactor.startTotp()).resolves.toEqual(setupAnswer);
    expect(events.reloadUser).not.toHaveBeenCalled(); // nothing is on yet
    await expect(twoFactor.confirmTotp("123456")).resolves.toEqual(CODES);
    expect(asked.map((a) => a.body)).toEqual([undefined, { code: "123456" }]);
    // The user is read again once it is on (two_factor_setup_required may now be false).
    expect(order.slice(-2)).toEqual(["POST /api/account/totp/confirm/", "reloadUser"]);
  });

  it("a wrong code names the field and changes nothing", async () => {
    const { server, twoFactor, events } = setup();
    serve(server, {
      "POST /api/account/totp/confirm/": () =>
        refused(400, "code: That code is not valid.", undefined, { code: ["That code is not valid."] }),
    });
    const error = await twoFactor.confirmTotp("000000").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).fields).toEqual({ code: "That code is not valid." });
    expect(events.reloadUser).not.toHaveBeenCalled();
  });

  it("a failed reload of the user is no failure of the enrolment", async () => {
    const { server, twoFactor, events } = setup();
    events.reloadUser.mockRejectedValueOnce(new Error("offline"));
    serve(server, { "POST /api/account/totp/confirm/": () => ({ body: { recovery_codes: CODES } }) });
    await expect(twoFactor.confirmTotp("123456")).resolves.toEqual(CODES);
  });

  it("turns it off, then reads the user again", async () => {
    const { server, twoFactor, order } = setup();
    const asked = serve(server, { "DELETE /api/account/totp/": () => ({ status: 204 }) });
    await expect(twoFactor.disableTotp()).resolves.toBeUndefined();
    expect(asked).toHaveLength(1);
    expect(order.slice(-2)).toEqual(["DELETE /api/account/totp/", "reloadUser"]);
  });

  it("turning it off is refused with the API's words when the role requires it, or a stale sign-in", async () => {
    const { server, twoFactor, events } = setup();
    const policy = "Your role requires two-factor authentication: add a passkey before you turn this off.";
    let answer = refused(400, policy, "two_factor_required");
    serve(server, { "DELETE /api/account/totp/": () => answer });
    await expect(twoFactor.disableTotp()).rejects.toMatchObject({ status: 400, code: "two_factor_required", detail: policy });
    answer = refused(403, "Confirm it's you to continue.", "reauth_required");
    const stale = await twoFactor.disableTotp().catch((caught: unknown) => caught);
    expect(stale).toBeInstanceOf(ApiError);
    expect(stale).toMatchObject({ status: 403, code: "reauth_required" });
    expect(events.reloadUser).not.toHaveBeenCalled();
  });

  it("new recovery codes replace the old ones", async () => {
    const { server, twoFactor } = setup();
    const asked = serve(server, { "POST /api/account/recovery-codes/": () => ({ body: { recovery_codes: CODES } }) });
    await expect(twoFactor.regenerateRecoveryCodes()).resolves.toEqual(CODES);
    expect(asked[0]!.method).toBe("POST");
  });
});

describe("passkeys", () => {
  it("lists them", async () => {
    const { server, twoFactor } = setup();
    serve(server, { "GET /api/account/passkeys/": () => ({ body: [PASSKEY] }) });
    await expect(twoFactor.listPasskeys()).resolves.toEqual([PASSKEY]);
  });

  it("adds one: the API's options go to the browser, its credential back with the name", async () => {
    const register = vi.fn(async () => CREDENTIAL);
    const { server, twoFactor, order } = setup(register);
    const asked = serve(server, {
      "POST /api/account/passkeys/options/": () => ({ body: { options: CREATION_OPTIONS } }),
      "POST /api/account/passkeys/": () => ({ status: 201, body: PASSKEY }),
    });
    await expect(twoFactor.addPasskey("Laptop")).resolves.toEqual(PASSKEY);
    expect(register).toHaveBeenCalledWith({ optionsJSON: CREATION_OPTIONS });
    expect(asked[1]!.body).toEqual({ name: "Laptop", credential: CREDENTIAL });
    expect(order.slice(-2)).toEqual(["POST /api/account/passkeys/", "reloadUser"]);
  });

  it("a cancelled browser prompt adds nothing and is said calmly", async () => {
    const register = vi.fn(async () => {
      throw browserError("NotAllowedError");
    });
    const { server, twoFactor, events } = setup(register);
    const asked = serve(server, {
      "POST /api/account/passkeys/options/": () => ({ body: { options: CREATION_OPTIONS } }),
      "POST /api/account/passkeys/": () => ({ status: 201, body: PASSKEY }),
    });
    const error = await twoFactor.addPasskey("Laptop").catch((caught: unknown) => caught);
    expect(asked.map((a) => a.url.pathname)).toEqual(["/api/account/passkeys/options/"]);
    expect(events.reloadUser).not.toHaveBeenCalled();
    expect(passkeyProblem(error)).toBe(
      "No passkey was added: the prompt was closed. You can try again whenever you like.",
    );
  });

  it("a credential the API refuses is its message", async () => {
    const { server, twoFactor, events } = setup();
    serve(server, {
      "POST /api/account/passkeys/options/": () => ({ body: { options: CREATION_OPTIONS } }),
      "POST /api/account/passkeys/": () => refused(400, "That passkey could not be used.", "passkey_invalid"),
    });
    const error = await twoFactor.addPasskey("Laptop").catch((caught: unknown) => caught);
    expect(passkeyProblem(error)).toBe("That passkey could not be used.");
    expect(events.reloadUser).not.toHaveBeenCalled();
  });

  it("renames one by its id; another user's id is not found", async () => {
    const { server, twoFactor } = setup();
    const asked = serve(server, {
      "PATCH /api/account/passkeys/7/": ({ body }) => ({ body: { ...PASSKEY, ...(body as object) } }),
      "PATCH /api/account/passkeys/8/": () => refused(404, "Not found."),
    });
    await expect(twoFactor.renamePasskey(7, "Work laptop")).resolves.toMatchObject({ id: 7, name: "Work laptop" });
    expect(asked[0]!.body).toEqual({ name: "Work laptop" });
    const error = await twoFactor.renamePasskey(8, "Mine now").catch((caught: unknown) => caught);
    expect(isNotFound(error)).toBe(true);
  });

  it("removes one by its id, then reads the user again", async () => {
    const { server, twoFactor, order } = setup();
    const asked = serve(server, { "DELETE /api/account/passkeys/7/": () => ({ status: 204 }) });
    await twoFactor.removePasskey(7);
    expect(asked).toHaveLength(1);
    expect(order.slice(-2)).toEqual(["DELETE /api/account/passkeys/7/", "reloadUser"]);
  });

  it("says what the browser's other refusals mean", () => {
    expect(passkeyProblem(browserError("InvalidStateError"))).toBe(
      "This device already holds a passkey for your account.",
    );
    expect(passkeyProblem(browserError("SecurityError"))).toBe("This browser or device can't create a passkey here.");
    expect(passkeyProblem(browserError("AbortError"))).toMatch(/^No passkey was added/);
    // The API's errors and the network's are not the browser's refusals.
    expect(passkeyRefusal(new ApiError(400, "That passkey could not be used.", "passkey_invalid"))).toBeNull();
    expect(passkeyRefusal(new TypeError("fetch failed"))).toBeNull();
  });
});
