import { describe, expect, it } from "vitest";

import type { User } from "./client";
import { ApiError, NetworkError, SignedOutError } from "./errors";
import {
  type AuthState,
  afterMe,
  failureMessage,
  isTransientMeFailure,
  meErrorMeans,
  retryDelay,
  sessionKey,
} from "./state";

const ADA = { id: 1, email: "ada@example.com", name: "Ada", role: "client" } as User;
const GRACE = { id: 2, email: "grace@example.com", name: "Grace", role: "client" } as User;
const K0 = sessionKey(0, 0);
const K1 = sessionKey(1, 0);

const loading: AuthState = { status: "loading", user: null, key: K0 };
const signedIn: AuthState = { status: "signed-in", user: ADA, key: K0 };
const signedOut: AuthState = { status: "signed-out", user: null, reason: "logout", key: K1 };

describe("sessionKey", () => {
  it("changes with the epoch and with a restore from the back/forward cache", () => {
    expect(new Set([sessionKey(0, 0), sessionKey(1, 0), sessionKey(0, 1)]).size).toBe(3);
  });
});

describe("meErrorMeans: only 'not signed in' ends a session", () => {
  it.each([
    [new SignedOutError("refresh refused"), "already-signed-out"],
    [new ApiError(401, "Not authenticated"), "signed-out"],
    [new ApiError(502, "Bad Gateway"), "unreachable"],
    [new ApiError(503, "Service Unavailable"), "unreachable"],
    [new ApiError(500, "Server Error"), "unreachable"],
    [new ApiError(429, "Throttled", undefined, 10), "unreachable"],
    [new ApiError(403, "Forbidden"), "unreachable"],
    [new NetworkError("offline"), "unreachable"],
    [new TypeError("anything else"), "unreachable"],
  ])("%s → %s", (error, meaning) => {
    expect(meErrorMeans(error)).toBe(meaning);
  });
});

describe("afterMe", () => {
  it("signs the user in", () => {
    expect(afterMe(loading, { user: ADA }, K0, K0)).toEqual({
      status: "signed-in",
      user: ADA,
      key: K0,
    });
  });

  it("drops an answer asked before a sign-out: the old user does not come back", () => {
    expect(afterMe(signedOut, { user: ADA }, K0, K1)).toBe(signedOut);
  });

  it("drops a failure asked before a sign-in", () => {
    const newUser: AuthState = { status: "signed-in", user: GRACE, key: K1 };
    expect(afterMe(newUser, { error: new ApiError(401, "no") }, K0, K1)).toBe(newUser);
    expect(afterMe(newUser, { error: new ApiError(502, "no") }, K0, K1)).toBe(newUser);
    expect(isTransientMeFailure({ error: new ApiError(502, "no") }, K0, K1)).toBe(false);
  });

  it("drops an answer asked before the page was restored from the back/forward cache", () => {
    const restored: AuthState = { status: "loading", user: null, key: sessionKey(0, 1) };
    expect(afterMe(restored, { user: ADA }, K0, sessionKey(0, 1))).toBe(restored);
  });

  it("signs out when nobody is signed in", () => {
    expect(afterMe(loading, { user: null }, K0, K0)).toEqual({
      status: "signed-out",
      user: null,
      reason: "anonymous",
      key: K0,
    });
    expect(afterMe(signedOut, { user: null }, K0, K1)).toBe(signedOut); // asked before: dropped
  });

  it("signs out on a 401", () => {
    expect(afterMe(signedIn, { error: new ApiError(401, "no") }, K0, K0)).toEqual({
      status: "signed-out",
      user: null,
      reason: "anonymous",
      key: K0,
    });
  });

  it("leaves a refused refresh to the signed-out event", () => {
    expect(afterMe(signedOut, { error: new SignedOutError("no") }, K1, K1)).toBe(signedOut);
  });

  it.each([
    new ApiError(502, "Bad Gateway"),
    new ApiError(503, "Service Unavailable"),
    new ApiError(500, "Server Error"),
    new ApiError(429, "Throttled"),
    new NetworkError("offline"),
  ])("keeps a signed-in user signed in on %s", (error) => {
    expect(afterMe(signedIn, { error }, K0, K0)).toBe(signedIn);
    expect(isTransientMeFailure({ error }, K0, K0)).toBe(true);
  });

  it.each([new ApiError(502, "Bad Gateway"), new ApiError(500, "oops"), new NetworkError("x")])(
    "is unreachable, not signed out, for anyone else on %s",
    (error) => {
      expect(afterMe(loading, { error }, K0, K0)).toEqual({
        status: "unreachable",
        user: null,
        key: K0,
        failures: 1,
        retryIn: 1000,
      });
    },
  );

  it("backs off while unreachable, and starts again once it answers", () => {
    let state: AuthState = loading;
    const delays: number[] = [];
    for (let i = 0; i < 8; i++) {
      state = afterMe(state, { error: new ApiError(502, "Bad Gateway") }, K0, K0);
      if (state.status !== "unreachable") throw new Error(state.status);
      delays.push(state.retryIn);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    state = afterMe(state, { user: ADA }, K0, K0);
    expect(state.status).toBe("signed-in");
    const reloading: AuthState = { status: "loading", user: null, key: K0 };
    state = afterMe(reloading, { error: new NetworkError("x") }, K0, K0);
    expect(state).toMatchObject({ status: "unreachable", failures: 1, retryIn: 1000 });
  });
});

describe("retryDelay", () => {
  it("doubles from 1 s up to 30 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 100].map((n) => retryDelay(n))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
    ]);
  });

  it("waits as long as a 429 asks", () => {
    expect(retryDelay(1, new ApiError(429, "Throttled", undefined, 45))).toBe(45_000);
    expect(retryDelay(3, new ApiError(429, "Throttled", undefined, 1))).toBe(4000);
  });
});

describe("failureMessage", () => {
  const errors = [
    new ApiError(503, "Service Unavailable"),
    new ApiError(500, "Server Error"),
    new ApiError(403, "CSRF Failed: CSRF token missing."),
    new NetworkError("offline"),
  ];

  it.each(errors)("says that logging out failed on %s", (error) => {
    expect(failureMessage("logout", error)).toMatch(/^We couldn't sign you out\b.*try again/);
    expect(failureMessage("revoke-current", error)).toMatch(/^We couldn't sign you out\b/);
    expect(failureMessage("logout-all", error)).toMatch(/^We couldn't sign you out everywhere/);
  });

  it("says nothing once the session is over anyway (refresh refused)", () => {
    expect(failureMessage("logout-all", new SignedOutError("no"))).toBeNull();
    expect(failureMessage("refresh", new SignedOutError("no"))).toBeNull();
  });

  it("keeps the general messages for the other actions", () => {
    expect(failureMessage("refresh", new NetworkError("x"))).toMatch(/can't reach the server/);
    expect(failureMessage("revoke", new ApiError(404, "Not found"))).toBe(
      "That didn't work. Please try again.",
    );
  });
});
