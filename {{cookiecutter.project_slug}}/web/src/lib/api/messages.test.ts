import { describe, expect, it } from "vitest";

import { ApiError, NetworkError, SignedOutError } from "@/lib/auth/errors";

import { isNotFound, problemMessage } from "./messages";

describe("problemMessage", () => {
  it("says nothing when the session is over (the login page follows)", () => {
    expect(problemMessage(new SignedOutError("over"))).toBeNull();
  });

  it("says the server can't be reached", () => {
    expect(problemMessage(new NetworkError("down"))).toMatch(/can't reach the server/);
  });

  it("gives the API's reason for what it refused, not a server's insides", () => {
    expect(problemMessage(new ApiError(403, "Only admins can do that."))).toBe("Only admins can do that.");
    expect(problemMessage(new ApiError(500, "Traceback (most recent call last)"))).not.toMatch(/Traceback/);
    expect(problemMessage(new ApiError(404, "No User matches the given query."))).toMatch(/^Not found/);
    expect(problemMessage(new Error("boom"))).toMatch(/went wrong/);
  });

  it("says how long to wait when throttled (Retry-After), not the API's seconds", () => {
    const throttled = new ApiError(429, "Request was throttled. Expected available in 120 seconds.", undefined, 120);
    expect(problemMessage(throttled)).toBe("Too many attempts. Please wait 2 minutes before trying again.");
    expect(problemMessage(new ApiError(429, "Throttled."))).toMatch(/^Too many attempts/);
  });
});

describe("isNotFound", () => {
  it("is the API's 404 only", () => {
    expect(isNotFound(new ApiError(404, "Not found."))).toBe(true);
    expect(isNotFound(new ApiError(403, "No."))).toBe(false);
    expect(isNotFound(new NetworkError("down"))).toBe(false);
  });
});
