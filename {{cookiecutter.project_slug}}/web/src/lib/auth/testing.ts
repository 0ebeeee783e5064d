/** Test doubles for the auth module: an API server, a cookie jar shared by tabs, a lock and a
 * broadcast channel shared by tabs. Used by the unit tests only. */

import { createAuthClient } from "./client";
import type { TabChannel, TabLock, TabMessage } from "./tabs";

export const API = "http://api.test";

/** Just enough of the backend's browser flow, with one cookie jar for the whole "browser". */
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
  requests: string[] = [];

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
    await new Promise((resolve) => setTimeout(resolve, 1)); // a real round trip is async
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
      if (this.refresh !== this.currentRefresh || this.refresh === 0) {
        return json(401, { detail: "Token is blacklisted", code: "token_not_valid" });
      }
      this.currentRefresh = this.refresh = this.refresh + 1;
      this.currentAccess = this.access = this.currentAccess + 1;
      return json(200, this.expiries());
    }
    if (url.pathname === "/api/auth/login/") {
      this.login();
      return json(200, { user: USER, ...this.expiries() });
    }
    if (url.pathname === "/api/auth/logout/") {
      this.access = this.refresh = 0;
      return json(200, { detail: "Signed out." });
    }
    if (this.alwaysUnauthorized || this.access === 0 || this.access !== this.currentAccess) {
      return json(401, { detail: "Token is invalid", code: "token_not_valid" });
    }
    if (url.pathname === "/api/auth/me/") return json(200, USER);
    return json(200, { ok: true, path: url.pathname });
  };

  expiries() {
    const now = Date.now();
    return {
      access_expires_at: new Date(now + 4000).toISOString(),
      refresh_expires_at: new Date(now + 60_000).toISOString(),
    };
  }
}

export const USER = { id: 1, email: "ada@example.com", name: "Ada", role: "client" };

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

/** A tab of the fake browser. */
export function tab(api: FakeApi, lock: TabLock, bus: FakeBus, store = new MemoryStore()) {
  return createAuthClient({
    apiUrl: API,
    fetch: (input, init) => api.fetch(input, init), // late-bound: tests may swap api.fetch
    lock,
    channel: bus.channel(),
    expiryStore: store,
  });
}
