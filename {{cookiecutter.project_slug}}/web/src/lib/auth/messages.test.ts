import { describe, expect, it } from "vitest";

import { ApiError, NetworkError } from "./errors";
import { loginErrorMessage, noticeReason, signedOutNotice, waitPhrase } from "./messages";

describe("signed-out notices", () => {
  it("are carried for sessions the API ended, not for a logout or an anonymous visitor", () => {
    expect(noticeReason("revoked")).toBe("revoked");
    expect(noticeReason("expired")).toBe("expired");
    expect(noticeReason("reused")).toBe("reused");
    expect(noticeReason("logout")).toBeUndefined();
    expect(noticeReason("anonymous")).toBeUndefined();
  });

  it("say why, for each reason", () => {
    expect(signedOutNotice("revoked")).toMatch(/ended elsewhere/);
    expect(signedOutNotice("expired")).toMatch(/expired/);
    expect(signedOutNotice("reused")).toMatch(/for your security/i);
  });

  it("show nothing of the URL: anything but a known reason is no notice", () => {
    for (const param of [null, "", "logout", "anonymous", "<b>hi</b>", "toString", "__proto__"]) {
      expect(signedOutNotice(param)).toBeNull();
    }
  });
});

describe("waitPhrase", () => {
  it.each([
    [1, "1 second"],
    [0.2, "1 second"],
    [45, "45 seconds"],
    [60, "1 minute"],
    [61, "2 minutes"],
    [900, "15 minutes"],
    [3600, "1 hour"],
    [5400, "2 hours"],
  ])("%s s → %s", (seconds, phrase) => {
    expect(waitPhrase(seconds)).toBe(phrase);
  });
});

describe("loginErrorMessage", () => {
  it("says how long to wait when throttled (Retry-After)", () => {
    expect(loginErrorMessage(new ApiError(429, "Throttled", "throttled", 120))).toBe(
      "Too many sign-in attempts. Please wait 2 minutes before trying again.",
    );
    expect(loginErrorMessage(new ApiError(429, "Throttled"))).toMatch(/wait a moment/);
  });

  it("tells wrong credentials from an unreachable server", () => {
    expect(loginErrorMessage(new ApiError(401, "No active account"))).toMatch(/don't match/);
    expect(loginErrorMessage(new NetworkError("offline"))).toMatch(/can't reach the server/);
    expect(loginErrorMessage(new ApiError(500, "Server error"))).toMatch(/went wrong/);
  });
});
