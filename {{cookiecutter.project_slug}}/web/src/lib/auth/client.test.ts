import { afterEach, describe, expect, it, vi } from "vitest";

import { ApiError, NetworkError, SignedOutError } from "./errors";
import { FakeApi, FakeBus, FakeLock, MemoryStore, USER, recordEvents, tab } from "./testing";
import { ME_PATH, signOutReason } from "./client";

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
    api.login();
    await client.apiFetch("/api/things/", { method: "POST", json: { a: 1 } });
    const post = api.sent.find((init) => init.method === "POST")!;
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
    await expect(newTab().apiFetch(ME_PATH)).rejects.toBeInstanceOf(NetworkError);
  });
});

describe("silent refresh", () => {
  it("renews an expired access token and retries the request", async () => {
    const { api, newTab } = browser();
    const client = newTab();
    api.login();
    api.expireAccess();
    await expect(client.apiFetch(ME_PATH)).resolves.toEqual(USER);
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
    const events = recordEvents(client);
    await client.login("ada@example.com", "pw");
    expect(store.getItem("auth.accessExpiry")).not.toBeNull();
    api.expireAccess();
    api.refreshFails = { status: 401, code: "token_reused" };

    await expect(client.apiFetch(ME_PATH)).rejects.toBeInstanceOf(SignedOutError);
    expect(events).toContainEqual({ type: "signed-out", reason: "reused" });
    expect(store.getItem("auth.accessExpiry")).toBeNull(); // state cleared
  });

  it.each([
    ["session_revoked", "revoked"],
    ["user_inactive", "revoked"],
    ["token_reused", "reused"],
    ["session_expired", "expired"],
    ["token_not_valid", "expired"],
    [undefined, "expired"],
  ] as const)("says why when the refresh is refused with %s: %s", async (code, reason) => {
    const { api, bus, store, lock, newTab } = browser();
    const client = newTab();
    const other = tab(api, lock, bus, store); // another tab hears the same reason
    const stopOther = other.start();
    const [events, otherEvents] = [recordEvents(client), recordEvents(other)];
    await client.login("ada@example.com", "pw");
    api.expireAccess();
    api.refreshFails = { status: 401, code };
    await expect(client.apiFetch(ME_PATH)).rejects.toBeInstanceOf(SignedOutError);
    expect(events).toContainEqual({ type: "signed-out", reason });
    expect(signOutReason(code)).toBe(reason);
    await vi.waitFor(() => expect(otherEvents).toContainEqual({ type: "signed-out", reason }));
    stopOther();
  });

  it("does not sign out when the API is unreachable during a refresh", async () => {
    const { api, newTab } = browser();
    const client = newTab();
    const events = recordEvents(client);
    api.login();
    api.expireAccess();
    api.refreshFails = "network";
    await expect(client.apiFetch(ME_PATH)).rejects.toBeInstanceOf(NetworkError);
    expect(events).toEqual([]);
    api.refreshFails = null; // the API is back: the next request renews and succeeds
    await expect(client.apiFetch(ME_PATH)).resolves.toEqual(USER);
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

describe("currentUser: who is signed in, without a failed request for anyone", () => {
  /** Every answer's status, in order (the fake API's `requests` has no statuses). */
  function recordStatuses(api: FakeApi): number[] {
    const statuses: number[] = [];
    const realFetch = api.fetch;
    api.fetch = async (input, init) => {
      const response = await realFetch(input, init);
      statuses.push(response.status);
      return response;
    };
    return statuses;
  }

  it("an anonymous visitor: nobody, in one request that succeeds", async () => {
    const { api, newTab } = browser();
    const client = newTab();
    const events = recordEvents(client);
    const statuses = recordStatuses(api);
    await expect(client.currentUser()).resolves.toBeNull();
    expect(api.requests).toEqual(["GET /api/auth/session/"]);
    expect(statuses).toEqual([200]);
    expect(events).toEqual([]);
  });

  it("a signed-in user: the user, in one request", async () => {
    const { api, newTab } = browser();
    api.login();
    await expect(newTab().currentUser()).resolves.toEqual(USER);
    expect(api.requests).toEqual(["GET /api/auth/session/"]);
  });

  it("an expired access token: one refresh, then the user, and no 401 on the way", async () => {
    const { api, newTab } = browser();
    const [first, second] = [newTab(), newTab()];
    api.login();
    api.expireAccess();
    const statuses = recordStatuses(api);
    const users = await Promise.all([first.currentUser(), second.currentUser()]);
    expect(users).toEqual([USER, USER]);
    expect(api.refreshCalls).toBe(1); // the second tab's probe saw the first tab's cookies
    expect(statuses.filter((status) => status >= 400)).toEqual([]);
  });

  it("a refused refresh: signed out, with the API's reason", async () => {
    const { api, newTab } = browser();
    const client = newTab();
    const events = recordEvents(client);
    api.login();
    api.expireAccess();
    api.refreshFails = { status: 401, code: "session_revoked" };
    await expect(client.currentUser()).rejects.toBeInstanceOf(SignedOutError);
    expect(events).toEqual([{ type: "signed-out", reason: "revoked" }]);
  });

  it("an unreachable API: NetworkError, nobody signed out", async () => {
    const { api, newTab } = browser();
    const client = newTab();
    const events = recordEvents(client);
    api.fetch = () => Promise.reject(new TypeError("fetch failed"));
    await expect(client.currentUser()).rejects.toBeInstanceOf(NetworkError);
    expect(events).toEqual([]);
  });

  it("no cookies left where this browser had a session: it expired while away", async () => {
    const { api, store, newTab } = browser();
    await newTab().login("ada@example.com", "pw"); // days ago
    api.access = api.refresh = 0; // the browser dropped both cookies when they expired
    const client = newTab();
    const events = recordEvents(client);
    await expect(client.currentUser()).resolves.toBeNull();
    expect(events).toEqual([{ type: "signed-out", reason: "expired" }]);
    expect(store.getItem("auth.accessExpiry")).toBeNull();
  });

  it("no cookies, but another tab signed in meanwhile: nobody is signed out", async () => {
    const { api, store, newTab } = browser();
    const [first, second] = [newTab(), newTab()];
    const stop = first.start();
    const events = recordEvents(first);
    store.setItem("auth.accessExpiry", JSON.stringify({ issuedAt: 0, expiresAt: 1000 })); // old
    const openSession = api.gate("/api/auth/session/");
    const asked = second.currentUser();
    await flush();
    await first.login("ada@example.com", "pw"); // while the question was on its way
    openSession();
    await expect(asked).resolves.toBeNull(); // (the page drops it: the session changed)
    await flush();
    expect(events).toEqual([{ type: "signed-in" }]);
    expect(store.getItem("auth.accessExpiry")).not.toBeNull();
    stop();
  });
});

describe("several tabs", () => {
  it("never refresh at once: the tab that waited for the lock retries first and does not refresh", async () => {
    const { api, lock, newTab } = browser();
    const [first, second] = [newTab(), newTab()];
    api.login();
    api.expireAccess();

    const results = await Promise.all([
      first.apiFetch(ME_PATH),
      second.apiFetch(ME_PATH),
      first.apiFetch(ME_PATH),
      second.apiFetch(ME_PATH),
    ]);

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
      await Promise.all([first.apiFetch(ME_PATH), second.apiFetch(ME_PATH)]);
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
    await expect(client.apiFetch(ME_PATH)).resolves.toEqual(USER);
    expect(api.refreshCalls).toBe(1);
  });

  it("tell each other about logout", async () => {
    const { api, newTab } = browser();
    const [first, second] = [newTab(), newTab()];
    const stop = second.start();
    const events = recordEvents(second);
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
    const me = client.apiFetch(ME_PATH);
    await vi.advanceTimersByTimeAsync(100);
    await expect(me).resolves.toEqual(USER);
    expect(api.refreshCalls).toBe(1);
    stop();
  });
});

// --- On a flaky network: timeouts, aborts, lost answers, stale results, honest logout, clocks ---

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("bounded in time", () => {
  it("gives up on a refresh that hangs, releases the lock and retries it", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { api, lock, newTab } = browser();
    const client = newTab();
    api.login();
    api.expireAccess();
    api.hangs.set("/api/auth/refresh/", 1); // a dead connection: no answer, ever
    const me = client.apiFetch(ME_PATH);
    await vi.advanceTimersByTimeAsync(1000 + 20 + 10); // the timeout, then the retry's wait
    await expect(me).resolves.toEqual(USER);
    expect(count(api, "POST /api/auth/refresh/")).toBe(2);
    expect(lock.held).toBe(0);
  });

  it("says the API is unreachable when every attempt hangs, instead of waiting for ever", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { api, lock, newTab } = browser();
    const client = newTab();
    api.login();
    api.expireAccess();
    api.hangs.set("/api/auth/refresh/", 3);
    const me = client.apiFetch(ME_PATH).catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(3 * 1000 + 20 + 50 + 20);
    expect(await me).toBeInstanceOf(NetworkError);
    expect(count(api, "POST /api/auth/refresh/")).toBe(3);
    expect(lock.held).toBe(0);
    api.hangs.clear();
    const again = client.apiFetch(ME_PATH);
    await vi.advanceTimersByTimeAsync(10);
    await expect(again).resolves.toEqual(USER); // and it recovers once the API answers
  });

  it("does not hold the lock while the caller's own request runs", async () => {
    const { api, lock, store, newTab } = browser();
    const [first, second] = [newTab(), newTab()];
    await first.login("ada@example.com", "pw");
    api.expireAccess();
    // The second tab sends a slow report with the old token; meanwhile the first tab renews.
    const openReport = api.gate("/api/report/");
    const report = second.apiFetch<{ path: string }>("/api/report/");
    await flush();
    await first.apiFetch(ME_PATH); // refreshes (the shared expiry changes)
    expect(store.getItem("auth.accessExpiry")).not.toBeNull();
    openReport(); // the report comes back 401 (old token), and is retried with the new cookies
    const slow = api.gate("/api/report/");
    await vi.waitFor(() => expect(count(api, "GET /api/report/")).toBe(2));
    expect(lock.held).toBe(0); // the retry runs outside the lock: other tabs can refresh
    expect(api.refreshCalls).toBe(1); // and the second tab saw the renewal: no refresh of its own
    slow();
    await expect(report).resolves.toEqual({ ok: true, path: "/api/report/" });
  });
});

describe("aborts", () => {
  it("an aborted caller gets its AbortError; the others waiting on the refresh carry on", async () => {
    const { api, newTab } = browser();
    const client = newTab();
    const events = recordEvents(client);
    api.login();
    api.expireAccess();
    const openRefresh = api.gate("/api/auth/refresh/");
    const controller = new AbortController();
    const aborted = client.apiFetch("/api/search/", { signal: controller.signal });
    const other = client.apiFetch(ME_PATH);
    await vi.waitFor(() => expect(count(api, "POST /api/auth/refresh/")).toBe(1));
    controller.abort();
    const error = await aborted.catch((e: unknown) => e);
    expect((error as Error).name).toBe("AbortError");
    expect(error).not.toBeInstanceOf(NetworkError);
    openRefresh();
    await expect(other).resolves.toEqual(USER);
    expect(events).toEqual([]);
  });

  it("an abort while waiting for another tab's lock poisons nothing", async () => {
    const { api, newTab } = browser();
    const [first, second] = [newTab(), newTab()];
    api.login();
    api.expireAccess();
    const openRefresh = api.gate("/api/auth/refresh/");
    const firstMe = first.apiFetch(ME_PATH); // holds the lock, its refresh is slow
    await vi.waitFor(() => expect(count(api, "POST /api/auth/refresh/")).toBe(1));
    const controller = new AbortController();
    const aborted = second.apiFetch("/api/search/", { signal: controller.signal });
    const waiting = second.apiFetch(ME_PATH); // the same tab, waiting on the same refresh
    await flush();
    controller.abort();
    expect(((await aborted.catch((e: unknown) => e)) as Error).name).toBe("AbortError");
    openRefresh();
    await expect(firstMe).resolves.toEqual(USER);
    await expect(waiting).resolves.toEqual(USER);
  });

  it("a request aborted before it starts never reaches the API", async () => {
    const { api, newTab } = browser();
    api.login();
    const controller = new AbortController();
    controller.abort();
    const error = await newTab()
      .apiFetch("/api/search/", { signal: controller.signal })
      .catch((e: unknown) => e);
    expect((error as Error).name).toBe("AbortError");
    expect(count(api, "GET /api/search/")).toBe(0);
  });
});

describe("a lost refresh answer", () => {
  it("is retried at once with the token the browser holds, inside the server's grace", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { api, newTab } = browser();
    const client = newTab();
    const events = recordEvents(client);
    const stop = client.start();
    const login = client.login("ada@example.com", "pw");
    await vi.advanceTimersByTimeAsync(10);
    await login;
    api.loseRefreshAnswers = 1; // the renewal ahead of expiry: rotated, answer lost
    await vi.advanceTimersByTimeAsync(3100);
    expect(api.refreshCalls).toBe(2); // the retry came within the grace: the same successor
    await vi.advanceTimersByTimeAsync(40_000); // long past the grace, and more renewals
    const me = client.apiFetch(ME_PATH);
    await vi.advanceTimersByTimeAsync(10);
    await expect(me).resolves.toEqual(USER);
    expect(api.reused).toBe(false);
    expect(events).toEqual([{ type: "signed-in" }]); // never signed out
    stop();
  });

  it("after an unreachable API, a renewal ahead of expiry is tried again soon", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { api, newTab } = browser();
    const client = newTab();
    const stop = client.start();
    const login = client.login("ada@example.com", "pw");
    await vi.advanceTimersByTimeAsync(10);
    await login;
    api.refreshFails = "network";
    await vi.advanceTimersByTimeAsync(3100);
    const failed = api.refreshCalls;
    expect(failed).toBeGreaterThan(0);
    api.refreshFails = null;
    await vi.advanceTimersByTimeAsync(800); // before the access token expires (4 s)
    expect(api.refreshCalls).toBe(failed + 1);
    stop();
  });
});

describe("answers for another session", () => {
  it("a refresh refused for the anonymous page does not undo a sign-in made meanwhile", async () => {
    const { api, store, bus, newTab } = browser();
    const client = newTab();
    const other = tab(api, new FakeLock(), bus, store); // another tab of the same browser
    const stopOther = other.start();
    const otherEvents = recordEvents(other);
    const events = recordEvents(client);
    const openRefresh = api.gate("/api/auth/refresh/");
    // 401, then a refresh: no cookie
    const anonymous = client.apiFetch(ME_PATH).catch((e: unknown) => e);
    await vi.waitFor(() => expect(count(api, "POST /api/auth/refresh/")).toBe(1));
    await client.login("ada@example.com", "pw"); // signed in meanwhile
    const expiry = store.getItem("auth.accessExpiry");
    openRefresh(); // the stale refresh's 401 arrives now
    await anonymous;
    await flush();
    expect(store.getItem("auth.accessExpiry")).toBe(expiry);
    expect(events).toEqual([{ type: "signed-in" }]);
    await vi.waitFor(() => expect(otherEvents).toContainEqual({ type: "signed-in" }));
    expect(otherEvents.filter((e) => e.type === "signed-out")).toEqual([]);
    stopOther();
  });

  it("a refresh that lands after a logout does not bring the expiry back", async () => {
    const { api, store, newTab } = browser();
    const client = newTab();
    await client.login("ada@example.com", "pw");
    api.expireAccess();
    const openRefresh = api.gate("/api/auth/refresh/");
    const me = client.apiFetch(ME_PATH).catch((e: unknown) => e);
    await vi.waitFor(() => expect(count(api, "POST /api/auth/refresh/")).toBe(1));
    const seen = client.epoch();
    // The logout races the refresh: the server answers the refresh first, the browser runs the
    // logout's answer first (another connection).
    await client.logout();
    expect(client.epoch()).not.toBe(seen);
    openRefresh();
    await me;
    expect(store.getItem("auth.accessExpiry")).toBeNull();
  });

  it("epoch() changes at every sign-in and sign-out, also another tab's", async () => {
    const { newTab } = browser();
    const [first, second] = [newTab(), newTab()];
    const stop = second.start();
    const before = second.epoch();
    await first.login("ada@example.com", "pw");
    await vi.waitFor(() => expect(second.epoch()).not.toBe(before));
    const signedIn = second.epoch();
    await first.logout();
    await vi.waitFor(() => expect(second.epoch()).not.toBe(signedIn));
    stop();
  });
});

describe("logout", () => {
  it.each([502, 503, 500])("keeps the user signed in when the API answers %s", async (status) => {
    const { api, store, newTab } = browser();
    const client = newTab();
    const events = recordEvents(client);
    await client.login("ada@example.com", "pw");
    api.logoutFails = status;
    await expect(client.logout()).rejects.toMatchObject({ status });
    expect(events).toEqual([{ type: "signed-in" }]);
    expect(store.getItem("auth.accessExpiry")).not.toBeNull();
    api.logoutFails = null;
    await client.logout(); // retried: now it signs out
    expect(events).toContainEqual({ type: "signed-out", reason: "logout" });
  });

  it("keeps the user signed in when the CSRF check keeps failing", async () => {
    const { api, newTab } = browser();
    const client = newTab();
    await client.login("ada@example.com", "pw");
    const realFetch = api.fetch;
    api.fetch = async (input, init) =>
      String(input).endsWith("/api/auth/logout/")
        ? new Response(JSON.stringify({ detail: "CSRF Failed: CSRF token incorrect." }), {
            status: 403,
          })
        : realFetch(input, init);
    await expect(client.logout()).rejects.toMatchObject({ status: 403 });
    expect(count(api, "POST /api/auth/logout/")).toBe(0); // (answered by the stub above)
  });
});

describe("two clocks", () => {
  it.each([
    ["10 minutes ahead", 10 * 60_000],
    ["10 minutes behind", -10 * 60_000],
    ["30 days behind", -30 * 86_400_000],
  ])("a browser %s renews once a lifetime, ahead of expiry", async (_, skew) => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const { api, lock, bus, store } = browser();
    const client = tab(api, lock, bus, store, () => Date.now() + skew);
    const stop = client.start();
    const login = client.login("ada@example.com", "pw");
    await vi.advanceTimersByTimeAsync(10);
    await login;
    await vi.advanceTimersByTimeAsync(2900);
    expect(api.refreshCalls).toBe(0); // not before a quarter of the lifetime is left
    await vi.advanceTimersByTimeAsync(200);
    expect(api.refreshCalls).toBe(1);
    await vi.advanceTimersByTimeAsync(2700);
    expect(api.refreshCalls).toBe(1); // no spinning: the next one is a lifetime later
    await vi.advanceTimersByTimeAsync(400);
    expect(api.refreshCalls).toBe(2);
    stop();
  });
});
