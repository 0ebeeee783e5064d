/** Test doubles for the auth module: an API server, a cookie jar shared by tabs, a lock and a
 * broadcast channel shared by tabs. Used by the unit tests only. */

import type { components } from "../api/schema";
import { type AuthEvent, createAuthClient } from "./client";
import type { TabChannel, TabLock, TabMessage } from "./tabs";

export const API = "http://api.test";

/** Just enough of the backend's browser flow, with one cookie jar for the whole "browser". Its
 * clock is the server's (Date.now); rotation has the server's grace window. */
export class FakeApi {
  access = 0; // the access token the browser holds (0: none); valid when === current
  refresh = 0; // the refresh token the browser holds
  currentAccess = 0;
  currentRefresh = 0;
  refreshCalls = 0;
  signedOut = false;
  /** Next refresh answers: undefined (normal), or a forced status/code. */
  refreshFails: { status: number; code?: string } | "network" | null = null;
  /** Make the protected endpoint fail with 401 even with a fresh token. */
  alwaysUnauthorized = false;
  /** Next logout answers: a forced status (a proxy's 502, say), or normal. */
  logoutFails: number | null = null;
  /** Refreshes whose answer is lost after the server rotated (the browser keeps the old token). */
  loseRefreshAnswers = 0;
  /** Requests to these paths never answer (until the caller aborts): a dead connection. */
  hangs = new Map<string, number>();
  /** Requests to these paths wait until the test opens the gate. */
  private gates = new Map<string, Promise<void>>();
  /** The server's grace window: a rotated token presented again within it gets its successor. */
  graceMs = 30_000;
  private previousRefresh = 0;
  private rotatedAt = 0;
  reused = false;
  /** Login wants a second factor: a 202 with these methods, then this code (or a passkey). */
  secondFactor: { methods: string[]; code: string } | null = null;
  /** The browser holds the challenge cookie of a second step (the API's `mfa`). */
  mfa = false;
  /** Wrong codes of the current second step; the attempt ends at `maxFailures`. */
  failures = 0;
  maxFailures = 3;
  /** The one passkey the fake authenticator holds is accepted when its id is this. */
  passkeyId = "passkey-1";
  /** The password and the code POST /api/auth/reauth/ accepts. */
  password = "pw";
  /** Paths that answer 403 reauth_required until the user has re-authenticated. */
  stepUp = new Set<string>();
  reauthenticated = false;
  /** The bodies POST /api/auth/reauth/ was sent. */
  reauths: unknown[] = [];
  requests: string[] = [];
  /** What each request was sent with (method, headers, credentials, body), in order. */
  sent: RequestInit[] = [];

  /** Holds every request to `path` until the returned function is called. */
  gate(path: string): () => void {
    let open!: () => void;
    this.gates.set(path, new Promise<void>((resolve) => (open = resolve)));
    return () => {
      this.gates.delete(path);
      open();
    };
  }

  login() {
    this.currentAccess = this.access = 1;
    this.currentRefresh = this.refresh = 1;
  }

  expireAccess() {
    this.currentAccess += 1000; // the browser's access token is no longer the valid one
  }

  fetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const method = init?.method ?? "GET";
    this.requests.push(`${method} ${url.pathname}`);
    this.sent.push(init ?? {});
    // The cookies go out with the request: what the jar holds when it is sent.
    const [access, refresh] = [this.access, this.refresh];
    await new Promise((resolve) => setTimeout(resolve, 1)); // a real round trip is async
    const signal = init?.signal ?? undefined;
    const hanging = this.hangs.get(url.pathname) ?? 0;
    if (hanging > 0) {
      this.hangs.set(url.pathname, hanging - 1);
      await untilAborted(new Promise(() => {}), signal);
    }
    const gate = this.gates.get(url.pathname);
    if (gate) await untilAborted(gate, signal);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      new Response(JSON.stringify(body), {
        status,
        headers: { "Content-Type": "application/json", ...headers },
      });
    if (url.pathname === "/api/auth/csrf/") return json(200, { csrfToken: "csrf-1" });
    if (method !== "GET" && new Headers(init?.headers).get("X-CSRFToken") !== "csrf-1") {
      return json(403, { detail: "CSRF Failed: CSRF token missing." });
    }
    if (url.pathname === "/api/auth/refresh/") {
      this.refreshCalls++;
      if (this.refreshFails === "network") throw new TypeError("fetch failed");
      if (this.refreshFails) return json(this.refreshFails.status, { detail: "no", code: this.refreshFails.code });
      if (this.reused) return json(401, { detail: "Session has ended.", code: "session_revoked" });
      if (refresh !== 0 && refresh === this.previousRefresh) {
        if (Date.now() - this.rotatedAt < this.graceMs) {
          // Its successor again (accounts/rotation.py): a retry of an answer that was lost.
          this.refresh = this.currentRefresh;
          this.access = this.currentAccess;
          return json(200, this.expiries());
        }
        this.reused = true; // reuse detection: the session is revoked
        return json(401, { detail: "Token was already used.", code: "token_reused" });
      }
      if (refresh !== this.currentRefresh || refresh === 0) {
        return json(401, { detail: "Token is blacklisted", code: "token_not_valid" });
      }
      this.previousRefresh = refresh;
      this.rotatedAt = Date.now();
      this.currentRefresh = refresh + 1;
      this.currentAccess = this.currentAccess + 1;
      if (this.loseRefreshAnswers > 0) {
        this.loseRefreshAnswers--;
        throw new TypeError("network connection lost"); // rotated, but the browser never hears
      }
      this.refresh = this.currentRefresh;
      this.access = this.currentAccess;
      return json(200, this.expiries());
    }
    const body = typeof init?.body === "string" ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    if (url.pathname === "/api/auth/login/") {
      if (body.password !== this.password) return json(401, { detail: "No active account" });
      if (this.secondFactor) {
        this.mfa = true; // the challenge cookie, and no token yet
        this.failures = 0;
        return json(202, { second_factor_required: true, methods: this.secondFactor.methods, expires_in: 300 });
      }
      this.login();
      return json(200, { user: USER, ...this.expiries() });
    }
    if (url.pathname === "/api/auth/login/second-factor/") {
      const expired = { detail: "Please sign in again.", code: "second_factor_expired" };
      if (!this.mfa || !this.secondFactor) return json(401, expired);
      if (body.code !== this.secondFactor.code) {
        if (++this.failures >= this.maxFailures) {
          this.mfa = false;
          return json(401, expired);
        }
        return json(400, { detail: "That code is not valid.", errors: { code: ["That code is not valid."] } });
      }
      this.mfa = false;
      this.login();
      return json(200, { user: USER, ...this.expiries() });
    }
    if (url.pathname === "/api/auth/passkeys/options/") {
      const mine = access !== 0 && access === this.currentAccess ? [{ id: this.passkeyId, type: "public-key" }] : [];
      return json(200, { options: { challenge: "Y2hhbGxlbmdl", rpId: "api.test", allowCredentials: mine } });
    }
    if (url.pathname === "/api/auth/passkeys/login/") {
      const credential = body.credential as { id?: string } | undefined;
      if (credential?.id !== this.passkeyId) {
        return json(400, { detail: "That passkey could not be used.", code: "passkey_invalid" });
      }
      this.mfa = false;
      this.login();
      return json(200, { user: USER, ...this.expiries() });
    }
    if (url.pathname === "/api/auth/logout/") {
      if (this.logoutFails) return json(this.logoutFails, { detail: "Bad gateway" });
      this.access = this.refresh = 0;
      return json(200, { detail: "Signed out." });
    }
    const validAccess = !this.alwaysUnauthorized && access !== 0 && access === this.currentAccess;
    if (url.pathname === "/api/auth/session/") {
      return json(200, { user: validAccess ? USER : null, refreshable: refresh !== 0 });
    }
    if (!validAccess) {
      return json(401, { detail: "Token is invalid", code: "token_not_valid" });
    }
    if (url.pathname === "/api/auth/me/") return json(200, USER);
    if (url.pathname === "/api/auth/reauth/") {
      this.reauths.push(body);
      const credential = body.credential as { id?: string } | undefined;
      const field = "password" in body ? "password" : "code" in body ? "code" : "credential";
      const right =
        body.password === this.password ||
        (this.secondFactor !== null && body.code === this.secondFactor.code) ||
        credential?.id === this.passkeyId;
      if (!right) return json(400, { detail: "Not you.", errors: { [field]: ["That is not right."] } });
      this.reauthenticated = true;
      return json(200, { reauthenticated_until: new Date(Date.now() + 300_000).toISOString() });
    }
    if (this.stepUp.has(url.pathname) && !this.reauthenticated) {
      return json(403, { detail: "Confirm it's you to continue.", code: "reauth_required" });
    }
    return json(200, { ok: true, path: url.pathname });
  };

  expiries() {
    const now = Date.now(); // the server's clock
    return {
      access_expires_at: new Date(now + 4000).toISOString(),
      refresh_expires_at: new Date(now + 60_000).toISOString(),
      access_expires_in: 4,
    };
  }
}

/** The signed-in user, as the API's schema describes it. */
export const USER: components["schemas"]["User"] = {
  id: 1,
  email: "ada@example.com",
  name: "Ada",
  role: "client",
  two_factor_enabled: false,
  two_factor_setup_required: false,
};

/** One lock for all the tabs of the fake browser; records who held it. */
export class FakeLock implements TabLock {
  private tail: Promise<unknown> = Promise.resolve();
  held = 0;
  maxHeld = 0;
  acquired = 0;

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(async () => {
      this.held++;
      this.acquired++;
      this.maxHeld = Math.max(this.maxHeld, this.held);
      try {
        return await task();
      } finally {
        this.held--;
      }
    });
    this.tail = result.catch(() => {});
    return result;
  }
}

/** A BroadcastChannel between fake tabs: delivered later, never to the sender. */
export class FakeBus {
  private listeners = new Map<number, Set<(message: TabMessage) => void>>();
  private next = 0;

  channel(): TabChannel {
    const id = this.next++;
    const mine = new Set<(message: TabMessage) => void>();
    this.listeners.set(id, mine);
    return {
      post: (message) => {
        for (const [other, listeners] of this.listeners) {
          if (other === id) continue;
          for (const listener of listeners) setTimeout(() => listener(message), 0);
        }
      },
      subscribe: (listener) => {
        mine.add(listener);
        return () => mine.delete(listener);
      },
    };
  }
}

export class MemoryStore {
  private items = new Map<string, string>();
  getItem = (key: string) => this.items.get(key) ?? null;
  setItem = (key: string, value: string) => void this.items.set(key, value);
  removeItem = (key: string) => void this.items.delete(key);
}

/** Every event `client` emits from now on, in order. */
export function recordEvents(client: { subscribe(listener: (event: AuthEvent) => void): unknown }) {
  const events: AuthEvent[] = [];
  client.subscribe((event) => events.push(event));
  return events;
}

/** A tab of the fake browser; `now` is the browser's clock (by default the same as the API's). */
/** The browser's passkey prompt: answers with the authenticator's passkey, or as a user who
 * closed it (NotAllowedError). Records the options it was given. */
export class FakeAuthenticator {
  cancel = false;
  credentialId = "passkey-1";
  asked: unknown[] = [];

  startAuthentication = async ({ optionsJSON }: { optionsJSON: unknown }) => {
    this.asked.push(optionsJSON);
    if (this.cancel) {
      throw new DOMException("The operation either timed out or was not allowed.", "NotAllowedError");
    }
    const id = this.credentialId;
    return {
      id,
      rawId: id,
      type: "public-key" as const,
      clientExtensionResults: {},
      response: { clientDataJSON: "e30", authenticatorData: "AA", signature: "AA" },
    };
  };
}

export function tab(
  api: FakeApi,
  lock: TabLock,
  bus: FakeBus,
  store = new MemoryStore(),
  now: () => number = Date.now,
  authenticator = new FakeAuthenticator(),
) {
  return createAuthClient({
    apiUrl: API,
    fetch: (input, init) => api.fetch(input, init), // late-bound: tests may swap api.fetch
    lock,
    channel: bus.channel(),
    expiryStore: store,
    now,
    timeoutMs: 1000,
    retryDelaysMs: [20, 50],
    webauthn: authenticator,
  });
}

function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason ?? new DOMException("Aborted", "AbortError"));
    if (signal.aborted) abort();
    signal.addEventListener("abort", abort, { once: true });
    promise.then(resolve, reject);
  });
}
