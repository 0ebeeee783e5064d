/**
 * The browser's side of sign-in: login, logout, and the refresh every API call may need. Every
 * API call goes through `authorized` (lib/api's typed client, or `apiFetch` here):
 *
 * - cookies travel with it (`credentials: "include"`); no token is ever visible here, the API
 *   keeps them in httpOnly cookies;
 * - unsafe methods carry the CSRF token from GET /api/auth/csrf/;
 * - a 401 triggers one refresh, shared by every request of the tab (single flight) and taken
 *   under a lock shared by every tab, then one retry. After getting the lock a tab first retries
 *   its request (another tab may have just refreshed: cookies are shared) and refreshes only if
 *   that still fails, so a rotated refresh token is never replayed;
 * - a refused refresh signs the user out (all tabs are told, with the reason the API gave); an
 *   unreachable API does not.
 *
 * A 403 `reauth_required` (a sensitive action, and the last proof of who the user is is too old)
 * asks the prompt the app registered (`setReauthPrompt`: components/reauth-dialog.tsx), then sends
 * the request again once; without a prompt, or when the user cancels, the caller gets the 403.
 *
 * Sign-in may take two steps: `login` answers that a second factor is wanted, then
 * `completeSecondFactor` (a code) or `signInWithPasskey` finishes it.
 *
 * Who is signed in is asked with `currentUser()`, which an anonymous visitor's page load answers
 * without any 4xx (a browser logs every failed request as an error).
 *
 * Tokens are also renewed ahead of expiry while the tab is visible. Never call this from a
 * Server Component: a cookie rotated there never reaches the browser.
 */

import { startAuthentication } from "@simplewebauthn/browser";

import {
  ApiError,
  NetworkError,
  PasskeyCancelledError,
  PasskeyUnavailableError,
  SignedOutError,
  toApiError,
} from "./errors";
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
type Expiries = components["schemas"]["Expiry"];
type SessionState = components["schemas"]["SessionState"];

export type AuthEvent =
  | { type: "signed-in" }
  | { type: "signed-out"; reason: SignOutReason }
  // The same session, but the user changed (reloadUser(): two-factor turned on, say).
  | { type: "user-updated"; user: User | null };

/** Ways to finish a sign-in that wants a second factor. */
export type SecondFactorMethod = "totp" | "recovery_code" | "passkey";

/** What the password step of sign-in answered: signed in, or a second step to take. */
export type LoginResult =
  | { status: "signed-in"; user: User }
  | { status: "second-factor"; methods: SecondFactorMethod[]; expiresIn: number };

/** What proves it's the user again before a sensitive action (POST /api/auth/reauth/). */
export type ReauthProof = { password: string } | { code: string } | { passkey: true };

/** Asks the user to prove it's them (a dialog): resolves once POST /api/auth/reauth/ has
 * succeeded, rejects if they cancel. `error` is the API's 403. */
export type ReauthPrompt = (error: ApiError) => Promise<void>;

/** The browser's WebAuthn, through @simplewebauthn/browser (replaced in unit tests). */
export type WebAuthn = { startAuthentication: typeof startAuthentication };

export type ExpiryStore = Pick<Storage, "getItem" | "setItem" | "removeItem">;

export interface AuthClientOptions {
  apiUrl: string;
  fetch?: typeof fetch;
  lock?: TabLock;
  channel?: TabChannel;
  /** Where the access expiry time (not a token) is kept, shared by the tabs. */
  expiryStore?: ExpiryStore | null;
  now?: () => number;
  /** How long an auth request (refresh, login, logout, /me...) may take before it counts as
   * failed: a dead connection must not leave the tabs waiting for ever. */
  timeoutMs?: number;
  /** Waits between the attempts of a refresh that got no answer (or a 5xx). */
  retryDelaysMs?: number[];
  webauthn?: WebAuthn;
}

/** A request: `json` is sent as JSON; a raw `body` must be one that can be sent twice (the
 * retry after a refresh), so never a stream. */
export type ApiInit = Omit<RequestInit, "body"> & { json?: unknown; body?: RetriableBody | null };
export type RetriableBody = string | ArrayBuffer | Blob | FormData | URLSearchParams;

/** The signed-in user; a 401 when nobody is (then refreshed and retried, like any call). */
export const ME_PATH = "/api/auth/me/";
/** Who is signed in, always a 200: `{user: User | null, refreshable}` (see currentUser()). */
export const SESSION_PATH = "/api/auth/session/";

const EXPIRY_KEY = "auth.accessExpiry";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
// Paths whose 401 means "wrong credentials" or "no session", never "refresh and retry".
const NO_REFRESH = ["/api/auth/login/", "/api/auth/refresh/", "/api/auth/logout/", "/api/auth/csrf/"];
// Paths whose 403 never asks the user to confirm it's them (the confirmation itself).
const NO_STEP_UP = ["/api/auth/reauth/", "/api/auth/passkeys/options/"];
const REAUTH_PATH = "/api/auth/reauth/";
// setTimeout fires at once for longer delays (a 32-bit count of milliseconds).
const MAX_TIMER_MS = 2 ** 31 - 1;
// A renewal ahead of expiry that failed is tried again this soon (inside the server's grace).
const RENEW_RETRY_MS = 5000;

export function createAuthClient(options: AuthClientOptions) {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const lock = options.lock ?? browserLock();
  const channel = options.channel ?? browserChannel();
  const store = options.expiryStore ?? null;
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 8000;
  const retryDelays = options.retryDelaysMs ?? [1000, 3000];
  const webauthn = options.webauthn ?? { startAuthentication };
  const apiUrl = options.apiUrl.replace(/\/+$/, "");
  const listeners = new Set<(event: AuthEvent) => void>();

  let csrfToken: Promise<string> | null = null;
  // Bumped whenever fresh tokens arrive, here or in another tab: a 401 seen before a bump is
  // answered by retrying, not by refreshing again.
  let generation = 0;
  // Bumped at every sign-in and sign-out, here or in another tab: an answer that arrives after
  // the session it was asked for has changed is dropped (see `epoch()`).
  let epoch = 0;
  // The refresh under way in this tab, if any: every request that needs it waits for this one.
  let refreshing: Promise<void> | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  // The app's "confirm it's you" prompt, and the one under way (shared by every 403 meanwhile).
  let reauthPrompt: ReauthPrompt | null = null;
  let confirming: Promise<boolean> | null = null;

  // --- Plain requests ---------------------------------------------------------------------

  /**
   * fetch, with the cookies. The auth endpoints are bounded in time (`timeoutMs`): a refresh
   * that hangs must not hold the tabs' lock for ever. A caller's abort (its `signal`) rejects
   * with its AbortError, untouched; anything else that fails is a NetworkError.
   */
  async function send(path: string, init: RequestInit): Promise<Response> {
    const caller = init.signal ?? undefined;
    const bounded = path.startsWith("/api/auth/");
    const controller = new AbortController();
    let timedOut = false;
    const timeout = bounded
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, timeoutMs)
      : undefined;
    const onAbort = () => controller.abort(caller?.reason);
    caller?.addEventListener("abort", onAbort, { once: true });
    try {
      if (caller?.aborted) throw caller.reason;
      return await fetchImpl(apiUrl + path, {
        ...init,
        signal: controller.signal,
        credentials: "include",
      });
    } catch (error) {
      if (caller?.aborted) throw abortError(caller);
      const why = timedOut ? `no answer in ${timeoutMs / 1000} s` : (error as Error).message;
      throw new NetworkError(`Cannot reach the API (${why})`);
    } finally {
      clearTimeout(timeout);
      caller?.removeEventListener("abort", onAbort);
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
    const { json, body: raw, ...rest } = init;
    const method = (rest.method ?? "GET").toUpperCase();
    const attempt = async (renewCsrf: boolean) => {
      const headers = new Headers(rest.headers);
      headers.set("Accept", "application/json");
      if (json !== undefined) headers.set("Content-Type", "application/json");
      if (!SAFE_METHODS.has(method)) {
        headers.set("X-CSRFToken", await untilAborted(getCsrfToken(renewCsrf), rest.signal));
      }
      const body = json === undefined ? raw : JSON.stringify(json);
      return send(path, { ...rest, method, headers, body });
    };
    const response = await attempt(false);
    if (response.status === 403 && !SAFE_METHODS.has(method) && (await isCsrfFailure(response))) {
      return attempt(true);
    }
    return response;
  }

  // --- Refresh: single flight in the tab, one tab at a time ---------------------------------

  /**
   * Sends a request; on 401, refreshes (or waits for the refresh under way) and retries once; on
   * 403 `reauth_required`, asks the user to confirm it's them and sends it again once.
   */
  async function authorized(path: string, init: ApiInit = {}): Promise<Response> {
    const response = await refreshed(path, init);
    if (response.status !== 403 || NO_STEP_UP.includes(path)) return response;
    const error = await toApiError(response.clone());
    if (error.code !== "reauth_required") return response;
    if (!(await untilAborted(confirmIdentity(error), init.signal))) return response;
    return refreshed(path, init);
  }

  /** True once the user has confirmed it's them; false without a prompt or if they cancelled. */
  function confirmIdentity(error: ApiError): Promise<boolean> {
    const prompt = reauthPrompt;
    if (!prompt) return Promise.resolve(false);
    if (!confirming) {
      const pending = prompt(error).then(
        () => true,
        () => false,
      );
      confirming = pending;
      void pending.finally(() => {
        if (confirming === pending) confirming = null;
      });
    }
    return confirming;
  }

  /** A request, refreshed and retried once after a 401. */
  async function refreshed(path: string, init: ApiInit): Promise<Response> {
    const seen = { generation, stamp: stamp() };
    const response = await request(path, init);
    if (response.status !== 401 || NO_REFRESH.includes(path)) return response;
    // The refresh is the tab's, not this caller's: aborting this request stops only the wait.
    await untilAborted(renew(seen, true), init.signal);
    return request(path, init);
  }

  /**
   * The tab's one refresh, under the tabs' lock, unless fresh tokens arrived since `seen`: in
   * this tab (generation), or in another one, which writes the shared expiry before it lets go
   * of the lock (stamp). That write may reach this tab's storage later than the lock does, so
   * after a 401 (`probe`) the shared cookies are asked too, with a cheap GET of /me: a tab
   * that renewed a moment ago makes it succeed. The lock is held for that and the refresh
   * alone, never for a caller's own request (a slow report must not hold up every tab).
   */
  function renew(seen: { generation: number; stamp: string }, probe = false): Promise<void> {
    const renewedSince = () => generation !== seen.generation || stamp() !== seen.stamp;
    if (renewedSince()) return Promise.resolve();
    if (!refreshing) {
      const run = lock.run(async () => {
        if (renewedSince() || (probe && (await signedInAlready()))) return;
        await refresh();
      });
      refreshing = run.finally(() => {
        if (refreshing === settled) refreshing = null;
      });
      const settled = refreshing;
      settled.catch(() => {}); // its awaiters see the error; unawaited, it is no unhandled rejection
    }
    return refreshing;
  }

  /** Do the cookies work already (another tab renewed them)? False if unsure. */
  async function signedInAlready(): Promise<boolean> {
    try {
      const response = await request(SESSION_PATH);
      return response.ok && ((await response.json()) as SessionState).user !== null;
    } catch {
      return false; // the refresh will say (and retry)
    }
  }

  /**
   * POST /api/auth/refresh/ (holding the lock), retried after a network failure, a timeout or a
   * 5xx with the token the browser holds: if the server rotated it but its answer was lost,
   * the server answers a retry within its grace window with the same successor, so a lost
   * answer costs a retry, not the session.
   */
  async function refresh(): Promise<void> {
    const started = { epoch, stamp: stamp() };
    // What this refresh found is stale if the session changed meanwhile: a sign-in or sign-out
    // here (epoch) or in another tab (the shared expiry).
    const current = () => epoch === started.epoch && stamp() === started.stamp;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await request("/api/auth/refresh/", { method: "POST" });
      } catch (error) {
        if (!(error instanceof NetworkError) || attempt >= retryDelays.length) throw error;
        await sleep(retryDelays[attempt] ?? 0);
        continue;
      }
      if (response.ok) {
        const expiries = (await response.json()) as Expiries;
        if (current()) renewed(expiries);
        return;
      }
      const error = await toApiError(response);
      if (response.status >= 500 && attempt < retryDelays.length) {
        await sleep(retryDelays[attempt] ?? 0);
        continue;
      }
      if (response.status === 401 && error.code === "token_rotated") {
        // A tab that could not take the lock has just rotated it: its cookies are ours too.
        generation++;
        return;
      }
      if (response.status === 401) {
        if (!current()) return; // signed in (or out) since: not this session's answer
        signedOut(signOutReason(error.code));
        throw new SignedOutError(error.detail);
      }
      throw error; // 5xx, 429...: the session may well be fine; let the caller retry later
    }
  }

  function renewed(expiries: Expiries) {
    generation++;
    const expiry = expiryFrom(expiries);
    store?.setItem(EXPIRY_KEY, JSON.stringify(expiry));
    schedule(expiry);
    channel.post({ type: "refreshed", expiry });
  }

  /** The expiry on this browser's clock: from the seconds left, never from the server's time
   * (a browser's clock may be minutes or days off). */
  function expiryFrom(expiries: Expiries): AccessExpiry {
    const issuedAt = now();
    const seconds =
      typeof expiries.access_expires_in === "number"
        ? expiries.access_expires_in
        : (Date.parse(expiries.access_expires_at) - issuedAt) / 1000;
    return { issuedAt, expiresAt: issuedAt + Math.max(0, seconds) * 1000, id: randomId() };
  }

  function signedOut(reason: SignOutReason, announce = true) {
    generation++;
    epoch++;
    clearTimeout(timer);
    const seen = stamp();
    store?.removeItem(EXPIRY_KEY);
    if (announce) channel.post({ type: "signed-out", reason, stamp: seen });
    emit({ type: "signed-out", reason });
  }

  // --- Ahead of expiry ------------------------------------------------------------------------

  /** The shared expiry's text, "" if none: it changes at every renewal and sign-in, in any tab. */
  function stamp(): string {
    return store?.getItem(EXPIRY_KEY) ?? "";
  }

  function readExpiry(): AccessExpiry | null {
    try {
      const value = JSON.parse(stamp() || "null") as AccessExpiry | null;
      return value && Number.isFinite(value.expiresAt) && Number.isFinite(value.issuedAt)
        ? value
        : null;
    } catch {
      return null;
    }
  }

  /** Renew when a quarter of the lifetime is left (at most one minute before expiry). */
  function renewAt(expiry: AccessExpiry): number {
    const margin = Math.min(60_000, (expiry.expiresAt - expiry.issuedAt) / 4);
    return expiry.expiresAt - margin;
  }

  function schedule(expiry: AccessExpiry | null, delay?: number) {
    clearTimeout(timer);
    if (!expiry) return;
    // Never later than the lifetime allows, even if the clock was set back since it was issued.
    const due = Math.min(renewAt(expiry) - now(), renewAt(expiry) - expiry.issuedAt);
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, delay ?? due));
    timer = setTimeout(() => void renewIfDue(), wait);
  }

  function isHidden(): boolean {
    return typeof document !== "undefined" && document.visibilityState === "hidden";
  }

  /**
   * Proactive renewal, in the window between renewAt and expiry. Hidden tabs skip it, and so
   * does an already expired token (after sleep, say): the first request renews it, and only
   * that path retries before refreshing, which keeps tabs waking together to one refresh. If it
   * fails (API unreachable), it is tried again a few seconds later, not left to expire.
   */
  async function renewIfDue(): Promise<void> {
    const expiry = readExpiry();
    if (!expiry || isHidden() || refreshing || now() >= expiry.expiresAt) return;
    if (now() < renewAt(expiry) && now() >= expiry.issuedAt) {
      schedule(expiry); // woken early: timers are not exact
      return;
    }
    try {
      await renew({ generation, stamp: stamp() });
    } catch (error) {
      if (error instanceof SignedOutError) return;
      const current = readExpiry(); // tried again soon, and before it expires
      if (current) schedule(current, Math.min(RENEW_RETRY_MS, (current.expiresAt - now()) / 2));
    }
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
        // Not if this browser has signed in again since the other tab decided.
        if (message.stamp === undefined || !stamp() || stamp() === message.stamp) {
          signedOut(message.reason, false);
        }
      } else {
        epoch++;
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

  /**
   * Who is signed in (null: nobody), the question of every page load. GET /api/auth/session/
   * always answers 200: the user the access cookie signs in, else whether a refresh cookie is
   * there. Only then is a refresh tried (under the lock, as after a 401) and /me asked, so an
   * anonymous visitor's page load sends no request that fails. No cookies left where this
   * browser last had a session (the shared expiry): it ended while away, "expired". Throws
   * ApiError, NetworkError or SignedOutError (a refused refresh: the user has been signed out,
   * with its reason).
   */
  async function currentUser(init: Pick<ApiInit, "signal"> = {}): Promise<User | null> {
    const seen = { generation, stamp: stamp() };
    const asked = epoch;
    const response = await request(SESSION_PATH, init);
    if (!response.ok) throw await toApiError(response);
    const state = (await response.json()) as SessionState;
    if (state.user) return state.user;
    if (state.refreshable) {
      await untilAborted(renew(seen, true), init.signal);
      return apiFetch<User>(ME_PATH, init);
    }
    // Unless this browser signed in or out meanwhile, here or in another tab.
    if (seen.stamp && stamp() === seen.stamp && epoch === asked) signedOut("expired");
    return null;
  }

  /** The password step. A 202 means a second factor is wanted: the API has set only its
   * short-lived challenge cookie, and `completeSecondFactor` or `signInWithPasskey` goes on. */
  async function login(email: string, password: string): Promise<LoginResult> {
    const response = await request("/api/auth/login/", {
      method: "POST",
      json: { email, password },
    });
    if (!response.ok) throw await toApiError(response);
    if (response.status === 202) {
      const body = (await response.json()) as { methods?: unknown; expires_in?: unknown };
      return { status: "second-factor", ...secondStep(body) };
    }
    return { status: "signed-in", user: await signedInBy(response) };
  }

  /** The second step: a code of the authenticator app, or a recovery code. A 401 with code
   * `second_factor_expired` means the attempt is over: start again from the password. */
  async function completeSecondFactor(code: string): Promise<User> {
    const response = await request("/api/auth/login/second-factor/", {
      method: "POST",
      json: { code },
    });
    if (!response.ok) throw await toApiError(response);
    return signedInBy(response);
  }

  /** Signs in with a passkey (discoverable: no address typed), alone or as the second step.
   * Throws PasskeyCancelledError if the user closes the browser's prompt. */
  async function signInWithPasskey(): Promise<User> {
    const credential = await passkeyAssertion(request);
    const response = await request("/api/auth/passkeys/login/", {
      method: "POST",
      json: { credential },
    });
    if (!response.ok) throw await toApiError(response);
    return signedInBy(response);
  }

  /** The browser's passkey prompt, for the options the API gives (`send`: signed in or not). */
  async function passkeyAssertion(send: typeof request): Promise<unknown> {
    const response = await send("/api/auth/passkeys/options/", { method: "POST" });
    if (!response.ok) throw await toApiError(response);
    const { options } = (await response.json()) as {
      options: Parameters<WebAuthn["startAuthentication"]>[0]["optionsJSON"];
    };
    try {
      return await webauthn.startAuthentication({ optionsJSON: options });
    } catch (error) {
      throw passkeyError(error);
    }
  }

  /** Login's answer (200): the user is signed in, in every tab. */
  async function signedInBy(response: Response): Promise<User> {
    const body = (await response.json()) as Expiries & { user: User };
    signedIn(body);
    return body.user;
  }

  /** Proves again it's the user (password, code or passkey) for the sensitive actions that
   * follow; a wrong one throws the API's InvalidInputError (`fields.password`, `fields.code`). */
  async function reauthenticate(proof: ReauthProof): Promise<void> {
    const json =
      "passkey" in proof ? { credential: await passkeyAssertion(authorized) } : proof;
    await apiFetch(REAUTH_PATH, { method: "POST", json });
  }

  /** Asks who is signed in again (the user changed: two-factor turned on, say) and tells the
   * pages, without starting a new session of the tab. */
  async function reloadUser(): Promise<void> {
    const asked = epoch;
    const user = await currentUser();
    if (epoch === asked) emit({ type: "user-updated", user });
  }

  /** This browser is signed in by `answer`, login's answer to another flow that ends signed in
   * (an accepted invitation, a password reset...), whose cookies came with it. Every tab is told. */
  function signedIn(answer: Expiries): void {
    epoch++;
    renewed(answer);
    channel.post({ type: "signed-in" });
    emit({ type: "signed-in" });
  }

  /** Signs out once the API has confirmed it; otherwise throws (ApiError, NetworkError) and the
   * user stays signed in: a proxy's 502 during a deploy ended nothing on the server. */
  async function logout(): Promise<void> {
    const response = await request("/api/auth/logout/", { method: "POST" });
    if (!response.ok) throw await toApiError(response);
    signedOut("logout");
  }

  async function logoutEverywhere(): Promise<void> {
    await apiFetch("/api/auth/logout-all/", { method: "POST" });
    signedOut("logout");
  }

  return {
    apiFetch,
    currentUser,
    /** `apiFetch`'s Response, whatever its status (lib/api's typed client reads it). Throws
     * NetworkError, SignedOutError or the caller's AbortError. */
    authorized,
    login,
    completeSecondFactor,
    signInWithPasskey,
    reauthenticate,
    reloadUser,
    /** Registers the app's "confirm it's you" prompt (one at a time); returns its removal. */
    setReauthPrompt(prompt: ReauthPrompt): () => void {
      reauthPrompt = prompt;
      return () => {
        if (reauthPrompt === prompt) reauthPrompt = null;
      };
    },
    logout,
    logoutEverywhere,
    signedIn,
    /** The API has closed the account (and cleared the cookies): signs out every tab. */
    accountClosed: (): void => signedOut("closed"),
    /** The same user got a new session on this device (a password change: `answer` is login's,
     * its cookies came with it): its expiry is kept, and the tabs renew on time. */
    renewedBy: (answer: Expiries): void => renewed(answer),
    /** Which session this tab is in: changes at every sign-in and sign-out. Compare it before
     * applying an answer that was asked for earlier (a late /me must not bring a user back). */
    epoch: () => epoch,
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

/** Why the API refused a refresh (the `code` of its 401), as the user is told it. */
export function signOutReason(code: string | undefined): SignOutReason {
  switch (code) {
    case "session_revoked": // revoked from another device, "log out everywhere", the admin
    case "user_inactive":
      return "revoked";
    case "token_reused":
      return "reused";
    default: // session_expired, or a token that is no longer valid
      return "expired";
  }
}

const METHODS: readonly SecondFactorMethod[] = ["totp", "recovery_code", "passkey"];

/** The second step login's 202 asks for; the methods this client knows, in its order. */
function secondStep(body: { methods?: unknown; expires_in?: unknown }) {
  const given = Array.isArray(body.methods) ? body.methods : [];
  const methods = METHODS.filter((method) => given.includes(method));
  const expiresIn = typeof body.expires_in === "number" ? body.expires_in : 300;
  return { methods, expiresIn };
}

/** What a failed passkey prompt means: the user closed it (NotAllowedError, also a timeout),
 * or this browser cannot do it. */
function passkeyError(error: unknown): Error {
  const name = error instanceof Error ? error.name : "";
  if (name === "NotAllowedError" || name === "AbortError") {
    return new PasskeyCancelledError("The passkey prompt was closed.");
  }
  return new PasskeyUnavailableError(error instanceof Error ? error.message : String(error));
}

async function isCsrfFailure(response: Response): Promise<boolean> {
  const error = await toApiError(response.clone());
  return error.detail.startsWith("CSRF Failed");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("The operation was aborted.", "AbortError");
}

/** `promise`, or the caller's AbortError as soon as `signal` aborts (the work goes on). */
function untilAborted<T>(promise: Promise<T>, signal?: AbortSignal | null): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function randomId(): string {
  return Math.random().toString(36).slice(2);
}

export { ApiError };
