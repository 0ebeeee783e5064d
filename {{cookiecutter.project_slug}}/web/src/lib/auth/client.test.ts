import { afterEach, describe, expect, it, vi } from "vitest";

import { ApiError, NetworkError, SignedOutError } from "./errors";
import { FakeApi, FakeBus, FakeLock, MemoryStore, USER, tab } from "./testing";
import type { AuthEvent } from "./client";

function browser() {
  const api = new FakeApi();
  const lock = new FakeLock();
  const bus = new FakeBus();
  const store = new MemoryStore(); // localStorage is shared by the tabs too
  return { api, lock, bus, store, newTab: () => tab(api, lock, bus, store) };
}

const count = (api: FakeApi, request: string) => api.requests.filter((r) => r === request).length;

afterEach(() => {
  vi.useRealTimers();
});

describe("apiFetch", () => {
  it("sends cookies, JSON and the CSRF header", async () => {
    const { api, newTab } = browser();
    const client = newTab();
    const seen: RequestInit[] = [];
    const realFetch = api.fetch;
    api.fetch = (input, init) => {
      seen.push(init ?? {});
      return realFetch(input, init);
    };
    api.login();
    await client.apiFetch("/api/things/", { method: "POST", json: { a: 1 } });
    const post = seen.find((init) => init.method === "POST")!;
    expect(post.credentials).toBe("include");
    expect(new Headers(post.headers).get("X-CSRFToken")).toBe("csrf-1");
    expect(new Headers(post.headers).get("Content-Type")).toBe("application/json");
    expect(post.body).toBe('{"a":1}');
  });

  it("turns JSON errors into ApiError", async () => {
    const { api, newTab } = browser();
    const client = newTab();
    api.alwaysUnauthorized = true;
    api.login();
    const error = await client.apiFetch("/api/things/").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect((error as ApiError).code).toBe("token_not_valid");
  });

  it("turns an unreachable API into NetworkError", async () => {
    const { api, newTab } = browser();
    api.fetch = () => Promise.reject(new TypeError("fetch failed"));
    await expect(newTab().getMe()).rejects.toBeInstanceOf(NetworkError);
  });
});

describe("silent refresh", () => {
  it("renews an expired access token and retries the request", async () => {
    const { api, newTab } = browser();
    const client = newTab();
    api.login();
    api.expireAccess();
    await expect(client.getMe()).resolves.toEqual(USER);
    expect(api.refreshCalls).toBe(1);
  });

  it("makes one refresh for 10 concurrent 401s (single flight)", async () => {
    const { api, lock, newTab } = browser();
    const client = newTab();
    api.login();
    api.expireAccess();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => client.apiFetch<{ path: string }>(`/api/things/${i}/`)),
    );
    expect(results.map((r) => r.path)).toEqual(Array.from({ length: 10 }, (_, i) => `/api/things/${i}/`));
    expect(api.refreshCalls).toBe(1);
    expect(lock.acquired).toBe(1); // the other nine waited for the tab's refresh, not the lock
  });

  it("retries only once: a 401 after a successful refresh is an error, not a loop", async () => {
    const { api, newTab } = browser();
    const client = newTab();
    api.login();
    api.alwaysUnauthorized = true;
    const error = await client.apiFetch("/api/things/").catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(401);
    expect(api.refreshCalls).toBe(1);
    expect(count(api, "GET /api/things/")).toBeLessThanOrEqual(3); // first, probe, one retry
  });

  it("signs out when the refresh is refused", async () => {
    const { api, store, newTab } = browser();
    const client = newTab();
    const events: AuthEvent[] = [];
    client.subscribe((event) => events.push(event));
    await client.login("ada@example.com", "pw");
    expect(store.getItem("auth.accessExpiry")).not.toBeNull();
    api.expireAccess();
    api.refreshFails = { status: 401, code: "token_reused" };

    await expect(client.getMe()).rejects.toBeInstanceOf(SignedOutError);
    expect(events).toContainEqual({ type: "signed-out", reason: "expired" });
    expect(store.getItem("auth.accessExpiry")).toBeNull(); // state cleared
  });

  it("does not sign out when the API is unreachable during a refresh", async () => {
    const { api, newTab } = browser();
    const client = newTab();
    const events: AuthEvent[] = [];
    client.subscribe((event) => events.push(event));
    api.login();
    api.expireAccess();
    api.refreshFails = "network";
    await expect(client.getMe()).rejects.toBeInstanceOf(NetworkError);
    expect(events).toEqual([]);
    api.refreshFails = null; // the API is back: the next request renews and succeeds
    await expect(client.getMe()).resolves.toEqual(USER);
  });

  it("does not refresh on a wrong password", async () => {
    const { api, newTab } = browser();
    const client = newTab();
    api.fetch = (async () =>
      new Response(JSON.stringify({ detail: "No active account" }), { status: 401 })) as typeof fetch;
    await expect(client.login("a@b.c", "x")).rejects.toMatchObject({ status: 401 });
    expect(api.refreshCalls).toBe(0);
  });
});

describe("several tabs", () => {
  it("never refresh at once: the tab that waited for the lock retries first and does not refresh", async () => {
    const { api, lock, newTab } = browser();
    const [first, second] = [newTab(), newTab()];
    api.login();
    api.expireAccess();

    const results = await Promise.all([first.getMe(), second.getMe(), first.getMe(), second.getMe()]);

    expect(results).toEqual([USER, USER, USER, USER]);
    expect(api.refreshCalls).toBe(1); // the second tab used the cookies the first one got
    expect(lock.maxHeld).toBe(1);
  });

  it("keep refreshing afterwards, each tab in turn", async () => {
    const { api, newTab } = browser();
    const [first, second] = [newTab(), newTab()];
    api.login();
    for (let round = 0; round < 3; round++) {
      api.expireAccess();
      await Promise.all([first.getMe(), second.getMe()]);
    }
    expect(api.refreshCalls).toBe(3);
  });

  it("uses the other tab's fresh cookies when its refresh raced ours (token_rotated)", async () => {
    const { api, newTab } = browser();
    const client = newTab();
    api.login();
    api.expireAccess();
    api.refreshFails = { status: 401, code: "token_rotated" };
    const realFetch = api.fetch;
    api.fetch = async (input, init) => {
      const response = await realFetch(input, init);
      if (String(input).endsWith("/api/auth/refresh/")) {
        api.refreshFails = null;
        api.access = api.currentAccess; // the racing tab's new cookie is in the shared jar
      }
      return response;
    };
    await expect(client.getMe()).resolves.toEqual(USER);
    expect(api.refreshCalls).toBe(1);
  });

  it("tell each other about logout", async () => {
    const { api, newTab } = browser();
    const [first, second] = [newTab(), newTab()];
    const stop = second.start();
    const events: AuthEvent[] = [];
    second.subscribe((event) => events.push(event));
    await first.login("ada@example.com", "pw");
    await first.logout();
    await vi.waitFor(() => expect(events).toContainEqual({ type: "signed-out", reason: "logout" }));
    expect(count(api, "POST /api/auth/logout/")).toBe(1);
    stop();
  });
});

describe("renewal ahead of expiry", () => {
  it("refreshes before the access token expires, once for all tabs", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { api, newTab } = browser();
    const [first, second] = [newTab(), newTab()];
    const stops = [first.start(), second.start()];
    await vi.advanceTimersByTimeAsync(0);
    const login = first.login("ada@example.com", "pw");
    await vi.advanceTimersByTimeAsync(10);
    await login;
    expect(api.refreshCalls).toBe(0);

    await vi.advanceTimersByTimeAsync(3100); // access lifetime 4 s: renewed at 3 s
    expect(api.refreshCalls).toBe(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(api.refreshCalls).toBe(1); // the other tab saw it and did not renew again
    stops.forEach((stop) => stop());
  });
});

describe("after sleep", () => {
  it("does not renew an already expired token ahead; the first request renews it once", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { api, store, newTab } = browser();
    api.login();
    store.setItem("auth.accessExpiry", JSON.stringify({ issuedAt: 0, expiresAt: 1000 }));
    api.expireAccess();
    const client = newTab();
    const stop = client.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(api.refreshCalls).toBe(0);
    const me = client.getMe();
    await vi.advanceTimersByTimeAsync(100);
    await expect(me).resolves.toEqual(USER);
    expect(api.refreshCalls).toBe(1);
    stop();
  });
});
