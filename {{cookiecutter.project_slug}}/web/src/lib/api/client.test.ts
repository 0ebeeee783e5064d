import { describe, expect, it } from "vitest";

import { ApiError, SignedOutError } from "@/lib/auth/errors";
import { FakeApi, FakeBus, FakeLock, USER, tab } from "@/lib/auth/testing";

import { accountApi } from "./account";
import { createApiClient, unwrap } from "./client";

/** A tab of the fake browser with its typed API client. */
function setup() {
  const server = new FakeApi();
  const auth = tab(server, new FakeLock(), new FakeBus());
  const api = createApiClient(auth);
  return { server, auth, api, account: accountApi(api, auth) };
}

describe("the typed API client", () => {
  it("goes through the auth client: a 401 refreshes once, then the request is retried", async () => {
    const { server, account } = setup();
    server.login();
    server.expireAccess();
    await expect(account.getMe()).resolves.toEqual(USER);
    expect(server.refreshCalls).toBe(1);
    expect(server.requests.at(-1)).toBe("GET /api/auth/me/");
  });

  it("sends the cookies and, on unsafe methods, the CSRF header; path parameters are encoded", async () => {
    const { server, account } = setup();
    server.login();
    await account.revokeSession("a/b");
    expect(server.requests).toContain("DELETE /api/auth/sessions/a%2Fb/");
    const del = server.sent.find((init) => init.method === "DELETE")!;
    expect(del.credentials).toBe("include");
    expect(new Headers(del.headers).get("X-CSRFToken")).toBe("csrf-1");
  });

  it("sends a JSON body again when it retries after a refresh", async () => {
    const { server, api } = setup();
    const bodies: string[] = [];
    const realFetch = server.fetch;
    server.fetch = async (input, init) => {
      if (String(input).endsWith("/api/auth/token/blacklist/")) {
        bodies.push(await new Response(init?.body).text());
      }
      return realFetch(input, init);
    };
    server.login();
    server.expireAccess();
    await unwrap(api.POST("/api/auth/token/blacklist/", { body: { refresh: "r" } }));
    expect(bodies).toEqual(['{"refresh":"r"}', '{"refresh":"r"}']);
    expect(server.refreshCalls).toBe(1);
  });

  it("turns an error answer into ApiError", async () => {
    const { server, account } = setup();
    server.alwaysUnauthorized = true;
    server.login();
    const error = await account.listSessions().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect((error as ApiError).code).toBe("token_not_valid");
  });

  it("throws SignedOutError when the refresh is refused", async () => {
    const { server, account } = setup();
    server.login();
    server.expireAccess();
    server.refreshFails = { status: 401, code: "token_not_valid" };
    await expect(account.listSessions()).rejects.toBeInstanceOf(SignedOutError);
  });

  it("stops at the caller's abort", async () => {
    const { server, account } = setup();
    server.login();
    server.hangs.set("/api/auth/sessions/", 1);
    const controller = new AbortController();
    const pending = account.listSessions({ signal: controller.signal }).catch((e: unknown) => e);
    setTimeout(() => controller.abort(), 20);
    const error = await pending;
    expect((error as Error).name).toBe("AbortError");
  });
});
