/**
 * What the tabs of one browser share to refresh one at a time: a lock (Web Locks API) and a
 * message channel (BroadcastChannel, or localStorage's `storage` event where there is none).
 * Both are interfaces so unit tests can fake several tabs.
 */

/** Why a session ended: the user's own logout (in any tab), or the API refused to go on with
 * it: it expired, it was revoked (from another device, "log out everywhere", an admin, a new
 * password), or its refresh token was used twice (reuse detection). */
// "closed": the user closed their account (the signed-in user's own doing, like "logout").
export type SignOutReason = "logout" | "closed" | "expired" | "revoked" | "reused";

export type TabMessage =
  | { type: "refreshed"; expiry: AccessExpiry }
  | { type: "signed-in" }
  // `stamp`: the shared expiry the sender last saw (a receiver that has since signed in again
  // ignores the message).
  | { type: "signed-out"; reason: SignOutReason; stamp?: string };

/** When the current access token was issued and expires (epoch ms, on this browser's clock),
 * and a random id of that renewal. Not a secret. */
export type AccessExpiry = { issuedAt: number; expiresAt: number; id?: string };

export interface TabLock {
  /** Runs `task` while no other tab of this browser runs a task under the same lock. */
  run<T>(task: () => Promise<T>): Promise<T>;
}

export interface TabChannel {
  post(message: TabMessage): void;
  subscribe(listener: (message: TabMessage) => void): () => void;
}

const NAME = "auth-refresh";

export function browserLock(): TabLock {
  return {
    run: <T>(task: () => Promise<T>) =>
      typeof navigator !== "undefined" && navigator.locks
        ? (navigator.locks.request(NAME, task) as Promise<T>)
        : task(), // very old browsers: single flight within the tab only
  };
}

export function browserChannel(): TabChannel {
  if (typeof BroadcastChannel === "undefined") {
    return storageChannel() ?? { post: () => {}, subscribe: () => () => {} };
  }
  const channel = new BroadcastChannel(NAME);
  return {
    post: (message) => channel.postMessage(message),
    subscribe: (listener) => {
      const handler = (event: MessageEvent<TabMessage>) => listener(event.data);
      channel.addEventListener("message", handler);
      return () => channel.removeEventListener("message", handler);
    },
  };
}

const MESSAGE_KEY = `${NAME}-message`;

/** Without BroadcastChannel (Safari before 15.4): a localStorage write fires `storage` in the
 * other tabs of the origin (never in the writer). Null where there is no storage (the server,
 * storage blocked). */
function storageChannel(): TabChannel | null {
  let storage: Storage;
  try {
    if (typeof window === "undefined" || !window.localStorage) return null;
    storage = window.localStorage;
  } catch {
    return null;
  }
  const target = window;
  return {
    post: (message) => {
      try {
        // The nonce makes every write a change (only a change fires the event).
        const nonce = `${Date.now()}-${Math.random()}`;
        storage.setItem(MESSAGE_KEY, JSON.stringify({ nonce, message }));
        storage.removeItem(MESSAGE_KEY); // fires too, with no value: ignored
      } catch {
        // storage full: the other tabs learn at their next request
      }
    },
    subscribe: (listener) => {
      const handler = (event: StorageEvent) => {
        const message = event.key === MESSAGE_KEY ? parseMessage(event.newValue) : null;
        if (message) listener(message);
      };
      target.addEventListener("storage", handler);
      return () => target.removeEventListener("storage", handler);
    },
  };
}

function parseMessage(value: string | null): TabMessage | null {
  try {
    const message = value ? JSON.parse(value)?.message : null;
    return typeof message?.type === "string" ? message : null;
  } catch {
    return null;
  }
}
