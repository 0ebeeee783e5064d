import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { browserChannel, type TabMessage } from "./tabs";

const KEY = "auth-refresh-message";

type Tab = EventTarget & { localStorage: Storage };

/** A browser's tabs sharing one localStorage: a change fires `storage` in the other tabs only. */
class FakeBrowser {
  private items = new Map<string, string>();
  private windows: EventTarget[] = [];

  /** Opens a tab: its `window` is the global while its channel is made. */
  tab(): Tab {
    const window: Tab = Object.assign(new EventTarget(), {
      localStorage: this.storage(() => window),
    });
    this.windows.push(window);
    return window;
  }

  /** A `storage` event in every tab but `from`, as the browser sends on a change. */
  fire(from: EventTarget | null, key: string | null, newValue: string | null) {
    for (const window of this.windows.filter((tab) => tab !== from)) {
      window.dispatchEvent(Object.assign(new Event("storage"), { key, newValue }));
    }
  }

  private storage(window: () => EventTarget): Storage {
    const items = this.items;
    const change = (key: string, value: string | null) => {
      if ((items.get(key) ?? null) === value) return;
      if (value === null) items.delete(key);
      else items.set(key, value);
      this.fire(window(), key, value);
    };
    return {
      getItem: (key) => items.get(key) ?? null,
      setItem: (key, value) => change(key, String(value)),
      removeItem: (key) => change(key, null),
      clear: () => [...items.keys()].forEach((key) => change(key, null)),
      key: (index) => [...items.keys()][index] ?? null,
      get length() {
        return items.size;
      },
    };
  }
}

function openTab(browser: FakeBrowser) {
  const window = browser.tab();
  vi.stubGlobal("window", window);
  const channel = browserChannel();
  const received: TabMessage[] = [];
  channel.subscribe((message) => received.push(message));
  return { window, channel, received };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("browserChannel without BroadcastChannel", () => {
  beforeEach(() => {
    vi.stubGlobal("BroadcastChannel", undefined);
  });

  it("tells the other tabs through localStorage, not the sender", () => {
    const browser = new FakeBrowser();
    const [first, second, third] = [openTab(browser), openTab(browser), openTab(browser)];

    first.channel.post({ type: "signed-out", reason: "logout" });

    expect(second.received).toEqual([{ type: "signed-out", reason: "logout" }]);
    expect(third.received).toEqual([{ type: "signed-out", reason: "logout" }]);
    expect(first.received).toEqual([]);
  });

  it("delivers the same message twice, and leaves nothing behind", () => {
    const browser = new FakeBrowser();
    const [first, second] = [openTab(browser), openTab(browser)];
    const refreshed: TabMessage = { type: "refreshed", expiry: { issuedAt: 1, expiresAt: 2 } };

    first.channel.post(refreshed);
    first.channel.post(refreshed);
    second.channel.post({ type: "signed-in" });

    expect(second.received).toEqual([refreshed, refreshed]);
    expect(first.received).toEqual([{ type: "signed-in" }]);
    expect(first.window.localStorage.getItem(KEY)).toBeNull();
  });

  it("ignores other keys and values it cannot read", () => {
    const browser = new FakeBrowser();
    const tab = openTab(browser);
    const message = JSON.stringify({ nonce: "n", message: { type: "signed-in" } });

    browser.fire(null, "other", message);
    browser.fire(null, null, null); // localStorage.clear() in another tab
    const junk = ["{", "null", "42", '"signed-in"', "{}", '{"message":{}}', '{"message":7}'];
    for (const value of junk) expect(() => browser.fire(null, KEY, value)).not.toThrow();
    expect(tab.received).toEqual([]);
    browser.fire(null, KEY, message);
    expect(tab.received).toEqual([{ type: "signed-in" }]);
  });

  it("stops delivering once unsubscribed", () => {
    const browser = new FakeBrowser();
    const first = openTab(browser);
    vi.stubGlobal("window", browser.tab());
    const second = browserChannel();
    const received: TabMessage[] = [];
    const unsubscribe = second.subscribe((message) => received.push(message));

    unsubscribe();
    first.channel.post({ type: "signed-in" });

    expect(received).toEqual([]);
  });

  it("does not throw when storage is blocked or full", () => {
    const full = new FakeBrowser().tab();
    full.localStorage.setItem = () => {
      throw new DOMException("full", "QuotaExceededError");
    };
    vi.stubGlobal("window", full);
    expect(() => browserChannel().post({ type: "signed-in" })).not.toThrow();

    const blocked = Object.defineProperty(new EventTarget(), "localStorage", {
      get: () => {
        throw new DOMException("denied", "SecurityError");
      },
    });
    vi.stubGlobal("window", blocked);
    const channel = browserChannel();
    expect(() => channel.post({ type: "signed-in" })).not.toThrow();
    expect(() => channel.subscribe(() => {})()).not.toThrow();
  });

  it("is a no-op on the server", () => {
    vi.stubGlobal("window", undefined);
    const channel = browserChannel();
    expect(() => channel.post({ type: "signed-in" })).not.toThrow();
    expect(() => channel.subscribe(() => {})()).not.toThrow();
  });
});

describe("browserChannel with BroadcastChannel", () => {
  it("uses it, and leaves localStorage alone", () => {
    const channels: FakeBroadcastChannel[] = [];
    class FakeBroadcastChannel extends EventTarget {
      posted: unknown[] = [];
      constructor(readonly name: string) {
        super();
        channels.push(this);
      }
      postMessage(data: unknown) {
        this.posted.push(data);
      }
    }
    vi.stubGlobal("BroadcastChannel", FakeBroadcastChannel);
    const browser = new FakeBrowser();
    const tab = openTab(browser);
    const storage = vi.spyOn(tab.window.localStorage, "setItem");

    tab.channel.post({ type: "signed-in" });
    const message = { type: "signed-out", reason: "expired" };
    channels[0]!.dispatchEvent(Object.assign(new Event("message"), { data: message }));

    expect(channels.map((channel) => channel.name)).toEqual(["auth-refresh"]);
    expect(channels[0]!.posted).toEqual([{ type: "signed-in" }]);
    expect(tab.received).toEqual([message]);
    expect(storage).not.toHaveBeenCalled();
  });
});
