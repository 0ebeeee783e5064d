/** The two-step sign-in (password, then a code or a passkey), passkey sign-in, the step-up
 * prompt after a 403 `reauth_required`, and reloadUser(), against the fake API. */

import { describe, expect, it, vi } from "vitest";

import { ApiError, InvalidInputError, PasskeyCancelledError } from "./errors";
import { isSecondFactorExpired, loginErrorMessage } from "./messages";
import {
  FakeApi,
  FakeAuthenticator,
  FakeBus,
  FakeLock,
  MemoryStore,
  USER,
  recordEvents,
  tab,
} from "./testing";

function browser() {
  const api = new FakeApi();
  const authenticator = new FakeAuthenticator();
  const client = tab(api, new FakeLock(), new FakeBus(), new MemoryStore(), Date.now, authenticator);
  return { api, authenticator, client };
}

const count = (api: FakeApi, request: string) => api.requests.filter((r) => r === request).length;

describe("login: the password step", () => {
  it("signs in at once when no second factor is on", async () => {
    const { client } = browser();
    const events = recordEvents(client);
    await expect(client.login("ada@example.com", "pw")).resolves.toEqual({
      status: "signed-in",
      user: USER,
    });
    expect(events).toEqual([{ type: "signed-in" }]);
  });

  it("answers a 202 with the second step's methods, and is not signed in yet", async () => {
    const { api, client } = browser();
    api.secondFactor = { methods: ["totp", "recovery_code", "passkey", "sms"], code: "123456" };
    const events = recordEvents(client);
    await expect(client.login("ada@example.com", "pw")).resolves.toEqual({
      status: "second-factor",
      methods: ["totp", "recovery_code", "passkey"], // only the ones this client knows
      expiresIn: 300,
    });
    expect(events).toEqual([]);
    expect(api.access).toBe(0); // no token: only the challenge cookie
    expect(api.mfa).toBe(true);
  });
});

describe("completeSecondFactor", () => {
  async function atSecondStep() {
    const b = browser();
    b.api.secondFactor = { methods: ["totp", "recovery_code"], code: "123456" };
    await b.client.login("ada@example.com", "pw");
    return b;
  }

  it("signs in with the right code, like login", async () => {
    const { api, client } = await atSecondStep();
    const events = recordEvents(client);
    await expect(client.completeSecondFactor("123456")).resolves.toEqual(USER);
    expect(events).toEqual([{ type: "signed-in" }]);
    expect(api.mfa).toBe(false);
    await expect(client.currentUser()).resolves.toEqual(USER);
    const post = api.sent[api.requests.indexOf("POST /api/auth/login/second-factor/")]!;
    expect(new Headers(post.headers).get("X-CSRFToken")).toBe("csrf-1");
    expect(post.body).toBe('{"code":"123456"}');
  });

  it("a wrong code: the field's message, still at the second step, and the right one works", async () => {
    const { client } = await atSecondStep();
    const error = await client.completeSecondFactor("000000").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).fields).toEqual({ code: "That code is not valid." });
    expect(isSecondFactorExpired(error)).toBe(false);
    await expect(client.completeSecondFactor("123456")).resolves.toEqual(USER);
  });

  it("too many wrong codes end the attempt: back to the password, with a message, no refresh", async () => {
    const { api, client } = await atSecondStep();
    const events = recordEvents(client);
    await client.completeSecondFactor("1").catch(() => {});
    await client.completeSecondFactor("2").catch(() => {});
    const error = await client.completeSecondFactor("3").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(isSecondFactorExpired(error)).toBe(true);
    expect(loginErrorMessage(error)).toMatch(/enter your email and password again/);
    // The right code no longer helps: the attempt is over.
    await expect(client.completeSecondFactor("123456")).rejects.toMatchObject({
      status: 401,
      code: "second_factor_expired",
    });
    expect(api.refreshCalls).toBe(0);
    expect(events).toEqual([]);
  });

  it("without a password step first it is refused (no challenge cookie)", async () => {
    const { api, client } = browser();
    api.secondFactor = { methods: ["totp"], code: "123456" };
    const error = await client.completeSecondFactor("123456").catch((e: unknown) => e);
    expect(isSecondFactorExpired(error)).toBe(true);
    expect(api.access).toBe(0);
  });
});

describe("signInWithPasskey", () => {
  it("asks the API for options, the browser for a passkey, then signs in", async () => {
    const { api, authenticator, client } = browser();
    const events = recordEvents(client);
    await expect(client.signInWithPasskey()).resolves.toEqual(USER);
    expect(events).toEqual([{ type: "signed-in" }]);
    expect(authenticator.asked).toEqual([
      { challenge: "Y2hhbGxlbmdl", rpId: "api.test", allowCredentials: [] }, // discoverable
    ]);
    expect(api.requests.filter((r) => r.startsWith("POST"))).toEqual([
      "POST /api/auth/passkeys/options/",
      "POST /api/auth/passkeys/login/",
    ]);
    const login = api.sent[api.requests.indexOf("POST /api/auth/passkeys/login/")]!;
    expect(JSON.parse(String(login.body)).credential.id).toBe("passkey-1");
  });

  it("finishes a sign-in that wanted a second factor", async () => {
    const { api, client } = browser();
    api.secondFactor = { methods: ["totp", "passkey"], code: "123456" };
    await client.login("ada@example.com", "pw");
    await expect(client.signInWithPasskey()).resolves.toEqual(USER);
    expect(api.mfa).toBe(false);
  });

  it("a closed prompt is PasskeyCancelledError, said calmly, and nothing is sent", async () => {
    const { api, authenticator, client } = browser();
    authenticator.cancel = true;
    const events = recordEvents(client);
    const error = await client.signInWithPasskey().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PasskeyCancelledError);
    expect(loginErrorMessage(error)).toMatch(/passkey prompt was closed/);
    expect(count(api, "POST /api/auth/passkeys/login/")).toBe(0);
    expect(events).toEqual([]);
  });

  it("a passkey the API refuses is its 400, not a sign-in", async () => {
    const { api, authenticator, client } = browser();
    authenticator.credentialId = "someone-elses";
    const error = await client.signInWithPasskey().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, code: "passkey_invalid" });
    expect(loginErrorMessage(error)).toBe("That passkey could not be used.");
    expect(api.access).toBe(0);
  });
});

describe("step-up: 403 reauth_required", () => {
  function signedIn() {
    const b = browser();
    b.api.login();
    b.api.stepUp.add("/api/account/password/");
    return b;
  }

  it("asks the registered prompt, then sends the request again once", async () => {
    const { api, client } = signedIn();
    const asked: ApiError[] = [];
    client.setReauthPrompt(async (error) => {
      asked.push(error);
      await client.reauthenticate({ password: "pw" });
    });
    const answer = await client.apiFetch<{ path: string }>("/api/account/password/", {
      method: "POST",
      json: { new_password: "x" },
    });
    expect(answer.path).toBe("/api/account/password/");
    expect(asked.map((e) => [e.status, e.code])).toEqual([[403, "reauth_required"]]);
    expect(api.reauths).toEqual([{ password: "pw" }]);
    expect(count(api, "POST /api/account/password/")).toBe(2);
    // Both sends carried the same body.
    const bodies = api.requests
      .map((r, i) => (r === "POST /api/account/password/" ? api.sent[i]!.body : null))
      .filter(Boolean);
    expect(bodies).toEqual(['{"new_password":"x"}', '{"new_password":"x"}']);
  });

  it("without a prompt, the caller gets the 403", async () => {
    const { api, client } = signedIn();
    await expect(
      client.apiFetch("/api/account/password/", { method: "POST" }),
    ).rejects.toMatchObject({ status: 403, code: "reauth_required" });
    expect(count(api, "POST /api/account/password/")).toBe(1);
  });

  it("a cancelled prompt: the caller gets the 403, the request is not sent again", async () => {
    const { api, client } = signedIn();
    client.setReauthPrompt(() => Promise.reject(new Error("cancelled")));
    await expect(
      client.apiFetch("/api/account/password/", { method: "POST" }),
    ).rejects.toMatchObject({ status: 403, code: "reauth_required" });
    expect(count(api, "POST /api/account/password/")).toBe(1);
  });

  it("sends it again only once: a second 403 is the caller's", async () => {
    const { api, client } = signedIn();
    const prompt = vi.fn(async () => {}); // "confirmed", but the API still wants it
    client.setReauthPrompt(prompt);
    await expect(
      client.apiFetch("/api/account/password/", { method: "POST" }),
    ).rejects.toMatchObject({ status: 403, code: "reauth_required" });
    expect(prompt).toHaveBeenCalledTimes(1);
    expect(count(api, "POST /api/account/password/")).toBe(2);
  });

  it("one prompt for requests refused at once", async () => {
    const { api, client } = signedIn();
    api.stepUp.add("/api/auth/logout-all/");
    let open!: () => void;
    const prompt = vi.fn(() => new Promise<void>((resolve) => (open = resolve)));
    client.setReauthPrompt(prompt);
    const both = Promise.all([
      client.apiFetch("/api/account/password/", { method: "POST" }),
      client.apiFetch("/api/auth/logout-all/", { method: "POST" }),
    ]);
    await vi.waitFor(() => expect(count(api, "POST /api/auth/logout-all/")).toBe(1));
    await vi.waitFor(() => expect(count(api, "POST /api/account/password/")).toBe(1));
    await client.reauthenticate({ password: "pw" });
    open();
    await both;
    expect(prompt).toHaveBeenCalledTimes(1);
  });

  it("a 403 that is not reauth_required is the caller's, without a prompt", async () => {
    const { api, client } = signedIn();
    const prompt = vi.fn(async () => {});
    client.setReauthPrompt(prompt);
    api.fetch = (async () =>
      new Response(JSON.stringify({ detail: "No.", code: "permission_denied" }), {
        status: 403,
      })) as typeof fetch;
    await expect(client.apiFetch("/api/users/")).rejects.toMatchObject({ status: 403 });
    expect(prompt).not.toHaveBeenCalled();
  });

  it("a removed prompt is no longer asked", async () => {
    const { client } = signedIn();
    const prompt = vi.fn(async () => {});
    const remove = client.setReauthPrompt(prompt);
    remove();
    await expect(
      client.apiFetch("/api/account/password/", { method: "POST" }),
    ).rejects.toMatchObject({ code: "reauth_required" });
    expect(prompt).not.toHaveBeenCalled();
  });
});

describe("reauthenticate", () => {
  it("a wrong password is the field's message (the dialog stays open)", async () => {
    const { api, client } = browser();
    api.login();
    const error = await client.reauthenticate({ password: "nope" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).fields).toEqual({ password: "That is not right." });
    expect(api.reauthenticated).toBe(false);
  });

  it("with a code", async () => {
    const { api, client } = browser();
    api.secondFactor = { methods: ["totp"], code: "654321" };
    api.login();
    await client.reauthenticate({ code: "654321" });
    expect(api.reauths).toEqual([{ code: "654321" }]);
  });

  it("with a passkey: the signed-in user's options, then the credential", async () => {
    const { api, authenticator, client } = browser();
    api.login();
    await client.reauthenticate({ passkey: true });
    expect(authenticator.asked).toEqual([
      { challenge: "Y2hhbGxlbmdl", rpId: "api.test", allowCredentials: [{ id: "passkey-1", type: "public-key" }] },
    ]);
    expect((api.reauths[0] as { credential: { id: string } }).credential.id).toBe("passkey-1");
    expect(api.reauthenticated).toBe(true);
  });

  it("a closed passkey prompt sends nothing", async () => {
    const { api, authenticator, client } = browser();
    api.login();
    authenticator.cancel = true;
    await expect(client.reauthenticate({ passkey: true })).rejects.toBeInstanceOf(
      PasskeyCancelledError,
    );
    expect(api.reauths).toEqual([]);
  });
});

describe("reloadUser", () => {
  it("asks who is signed in again and tells the pages, in the same session", async () => {
    const { api, client } = browser();
    api.login();
    const epoch = client.epoch();
    const events = recordEvents(client);
    await client.reloadUser();
    expect(events).toEqual([{ type: "user-updated", user: USER }]);
    expect(client.epoch()).toBe(epoch);
  });

  it("an answer that lands after a sign-out is dropped", async () => {
    const { api, client } = browser();
    api.login();
    const open = api.gate("/api/auth/session/");
    const events = recordEvents(client);
    const reload = client.reloadUser();
    await vi.waitFor(() => expect(count(api, "GET /api/auth/session/")).toBe(1));
    await client.logout();
    open();
    await reload;
    expect(events).toEqual([{ type: "signed-out", reason: "logout" }]);
  });
});
