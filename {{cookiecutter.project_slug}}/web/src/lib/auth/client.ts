/**
 * The browser's side of sign-in. Every API call goes through `apiFetch`:
 *
 * - cookies travel with it (`credentials: "include"`); no token is ever visible here, the API
 *   keeps them in httpOnly cookies;
 * - unsafe methods carry the CSRF token from GET /api/auth/csrf/;
 * - a 401 triggers one refresh, shared by every request of the tab (single flight) and taken
 *   under a lock shared by every tab, then one retry. After getting the lock a tab first retries
 *   its request (another tab may have just refreshed: cookies are shared) and refreshes only if
 *   that still fails, so a rotated refresh token is never replayed;
 * - a refused refresh signs the user out (all tabs are told); an unreachable API does not.
 *
 * Tokens are also renewed ahead of expiry while the tab is visible. Never call this from a
 * Server Component: a cookie rotated there never reaches the browser.
 */

import { ApiError, NetworkError, SignedOutError, toApiError } from "./errors";
import {
  type AccessExpiry,
  type SignOutReason,
  type TabChannel,
  type TabLock,
  browserChannel,
  browserLock,
} from "./tabs";
import type { components } from "../api/schema";

export type User = components["schemas"]["User"];
export type DeviceSession = components["schemas"]["DeviceSession"];
type Expiries = components["schemas"]["Expiry"];

export type AuthEvent = { type: "signed-in" } | { type: "signed-out"; reason: SignOutReason };

export type ExpiryStore = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export interface AuthClientOptions {
  apiUrl: string;
  fetch?: typeof fetch;
  lock?: TabLock;
  channel?: TabChannel;
  /** Where the access expiry time (not a token) is kept, shared by the tabs. */
  expiryStore?: ExpiryStore | null;
  now?: () => number;
}

export type ApiInit = Omit<RequestInit, "body"> & { json?: unknown };

const EXPIRY_KEY = "auth.accessExpiry";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
// Paths whose 401 means "wrong credentials" or "no session", never "refresh and retry".
const NO_REFRESH = ["/api/auth/login/", "/api/auth/refresh/", "/api/auth/logout/", "/api/auth/csrf/"];

export function createAuthClient(options: AuthClientOptions) {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const lock = options.lock ?? browserLock();
  const channel = options.channel ?? browserChannel();
  const store = options.expiryStore ?? null;
  const now = options.now ?? Date.now;
  const apiUrl = options.apiUrl.replace(/\/+$/, "");
  const listeners = new Set<(event: AuthEvent) => void>();

  let csrfToken: Promise<string> | null = null;
  // Bumped whenever fresh tokens arrive, here or in another tab: a 401 seen before a bump is
  // answered by retrying, not by refreshing again.
  let generation = 0;
  let refreshing: Promise<unknown> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  // --- Plain requests ---------------------------------------------------------------------

  async function send(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetchImpl(apiUrl + path, { ...init, credentials: "include" });
    } catch (error) {
      throw new NetworkError(`Cannot reach the API (${(error as Error).message})`);
    }
  }

  function getCsrfToken(renew = false): Promise<string> {
    if (renew || !csrfToken) {
      const pending = send("/api/auth/csrf/", { method: "GET" }).then(async (response) => {
        if (!response.ok) throw await toApiError(response);
        return ((await response.json()) as { csrfToken: string }).csrfToken;
      });
      pending.catch(() => {
        if (csrfToken === pending) csrfToken = null;
      });
      csrfToken = pending;
    }
    return csrfToken;
  }

  /** One request: JSON body, CSRF header on unsafe methods (renewed once if refused). */
  async function request(path: string, init: ApiInit = {}): Promise<Response> {
    const { json, ...rest } = init;
    const method = (rest.method ?? "GET").toUpperCase();
    const attempt = async (renewCsrf: boolean) => {
      const headers = new Headers(rest.headers);
      headers.set("Accept", "application/json");
      if (json !== undefined) headers.set("Content-Type", "application/json");
      if (!SAFE_METHODS.has(method)) headers.set("X-CSRFToken", await getCsrfToken(renewCsrf));
      const body = json === undefined ? undefined : JSON.stringify(json);
      return send(path, { ...rest, method, headers, body });
    };
    const response = await attempt(false);
    if (response.status === 403 && !SAFE_METHODS.has(method) && (await isCsrfFailure(response))) {
      return attempt(true);
    }
    return response;
  }

  // --- Refresh: single flight in the tab, one tab at a time ---------------------------------

  /** Sends a request; on 401, refreshes (or waits for the refresh under way) and retries once. */
  async function authorized(path: string, init: ApiInit = {}): Promise<Response> {
    const seen = generation;
    const attempt = () => request(path, init);
    const response = await attempt();
    if (response.status !== 401 || NO_REFRESH.includes(path)) return response;
    if (generation !== seen) return attempt(); // renewed while this request was in flight
    if (refreshing) {
      await refreshing;
      return attempt();
    }
    const run = lock.run(async () => {
      if (generation !== seen) return null; // another tab renewed and said so
      const retried = await attempt(); // another tab may have renewed before saying so
      if (retried.status !== 401) return retried;
      await refresh();
      return null;
    });
    share(run);
    return (await run) ?? attempt();
  }

  /** Lets the tab's other requests wait for this refresh instead of starting their own. */
  function share(run: Promise<unknown>) {
    const shared = run.finally(() => {
      if (refreshing === shared) refreshing = null;
    });
    shared.catch(() => {}); // its awaiters see the error; unawaited, it is no unhandled rejection
    refreshing = shared;
  }

  /** POST /api/auth/refresh/ (call it holding the lock). */
  async function refresh(): Promise<void> {
    const response = await request("/api/auth/refresh/", { method: "POST" });
    if (response.ok) {
      renewed((await response.json()) as Expiries);
      return;
    }
    const error = await toApiError(response);
    if (response.status === 401 && error.code === "token_rotated") {
      // A tab that could not take the lock has just rotated it: its cookies are ours too.
      generation++;
      return;
    }
    if (response.status === 401) {
      signedOut("expired");
      throw new SignedOutError(error.detail);
    }
    throw error; // 5xx, 429...: the session may well be fine; let the caller retry later
  }

  function renewed(expiries: Expiries) {
    generation++;
    const expiry = {
      issuedAt: now(),
      expiresAt: Date.parse(expiries.access_expires_at),
    } satisfies AccessExpiry;
    store?.setItem(EXPIRY_KEY, JSON.stringify(expiry));
    schedule(expiry);
    channel.post({ type: "refreshed", expiry });
  }

  function signedOut(reason: SignOutReason, announce = true) {
    generation++;
    clearTimeout(timer);
    store?.removeItem(EXPIRY_KEY);
    if (announce) channel.post({ type: "signed-out", reason });
    emit({ type: "signed-out", reason });
  }

  // --- Ahead of expiry ------------------------------------------------------------------------

  function readExpiry(): AccessExpiry | null {
    try {
      const value = JSON.parse(store?.getItem(EXPIRY_KEY) ?? "null") as AccessExpiry | null;
      return value && Number.isFinite(value.expiresAt) ? value : null;
    } catch {
      return null;
    }
  }

  /** Renew when a quarter of the lifetime is left (at most one minute before expiry). */
  function renewAt(expiry: AccessExpiry): number {
    const margin = Math.min(60_000, (expiry.expiresAt - expiry.issuedAt) / 4);
    return expiry.expiresAt - margin;
  }

  function schedule(expiry: AccessExpiry | null) {
    clearTimeout(timer);
    if (!expiry) return;
    timer = setTimeout(() => void renewIfDue(), Math.max(0, renewAt(expiry) - now()));
  }

  function isHidden(): boolean {
    return typeof document !== "undefined" && document.visibilityState === "hidden";
  }

  /**
   * Proactive renewal, in the window between renewAt and expiry. Hidden tabs skip it, and so
   * does an already expired token (after sleep, say): the first request renews it, and only
   * that path retries before refreshing, which keeps tabs waking together to one refresh.
   */
  async function renewIfDue(): Promise<void> {
    const expiry = readExpiry();
    if (!expiry || isHidden() || refreshing || now() >= expiry.expiresAt) return;
    if (now() < renewAt(expiry)) {
      schedule(expiry); // woken early: timers are not exact
      return;
    }
    const seen = generation;
    const run = lock.run(async () => {
      const current = readExpiry(); // renewed by another tab while we waited?
      if (generation === seen && current && now() >= renewAt(current)) await refresh();
    });
    share(run);
    await run.catch(() => {}); // a failure here surfaces on the next request
  }

  // --- Tabs and lifecycle -----------------------------------------------------------------

  function emit(event: AuthEvent) {
    for (const listener of listeners) listener(event);
  }

  /** Starts listening to the other tabs and to visibility; returns a stop function. */
  function start(): () => void {
    const unsubscribe = channel.subscribe((message) => {
      if (message.type === "refreshed") {
        generation++;
        schedule(message.expiry);
      } else if (message.type === "signed-out") {
        signedOut(message.reason, false);
      } else {
        emit({ type: "signed-in" });
      }
    });
    const onVisible = () => void renewIfDue();
    if (typeof document !== "undefined") {
      document.addEventListener("visibilitychange", onVisible);
      window.addEventListener("online", onVisible);
    }
    schedule(readExpiry());
    return () => {
      unsubscribe();
      clearTimeout(timer);
      if (typeof document !== "undefined") {
        document.removeEventListener("visibilitychange", onVisible);
        window.removeEventListener("online", onVisible);
      }
    };
  }

  // --- The API ------------------------------------------------------------------------------

  /** Any API call, with silent refresh. Throws ApiError, NetworkError or SignedOutError. */
  async function apiFetch<T>(path: string, init: ApiInit = {}): Promise<T> {
    const response = await authorized(path, init);
    if (!response.ok) throw await toApiError(response);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  async function login(email: string, password: string): Promise<User> {
    const response = await request("/api/auth/login/", {
      method: "POST",
      json: { email, password },
    });
    if (!response.ok) throw await toApiError(response);
    const body = (await response.json()) as Expiries & { user: User };
    renewed(body);
    channel.post({ type: "signed-in" });
    emit({ type: "signed-in" });
    return body.user;
  }

  async function logout(): Promise<void> {
    await request("/api/auth/logout/", { method: "POST" }); // NetworkError: still signed in
    signedOut("logout");
  }

  async function logoutEverywhere(): Promise<void> {
    await apiFetch("/api/auth/logout-all/", { method: "POST" });
    signedOut("logout");
  }

  return {
    apiFetch,
    login,
    logout,
    logoutEverywhere,
    getMe: () => apiFetch<User>("/api/auth/me/"),
    listSessions: () => apiFetch<DeviceSession[]>("/api/auth/sessions/"),
    revokeSession: (id: string) =>
      apiFetch<void>(`/api/auth/sessions/${encodeURIComponent(id)}/`, { method: "DELETE" }),
    /** Renews now if the access token is due (e.g. after the laptop wakes up). */
    renewIfDue,
    start,
    subscribe(listener: (event: AuthEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type AuthClient = ReturnType<typeof createAuthClient>;

async function isCsrfFailure(response: Response): Promise<boolean> {
  const error = await toApiError(response.clone());
  return error.detail.startsWith("CSRF Failed");
}

export { ApiError };
