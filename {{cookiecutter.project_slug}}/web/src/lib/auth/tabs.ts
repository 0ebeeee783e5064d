/**
 * What the tabs of one browser share to refresh one at a time: a lock (Web Locks API) and a
 * message channel (BroadcastChannel). Both are interfaces so unit tests can fake several tabs.
 */

export type SignOutReason = "logout" | "expired";

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
    return { post: () => {}, subscribe: () => () => {} };
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
