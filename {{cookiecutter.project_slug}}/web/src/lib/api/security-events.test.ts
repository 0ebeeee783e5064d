import { describe, expect, it } from "vitest";

import { ApiError } from "@/lib/auth/errors";
import { FakeApi, FakeBus, FakeLock, tab } from "@/lib/auth/testing";

import { type Schemas, createApiClient } from "./client";
import { securityEventsApi } from "./security-events";
import { serve } from "./testing";

const EVENT: Schemas["SecurityEvent"] = {
  id: 7,
  event: "login",
  description: "Signed in with the password",
  created_at: "2026-11-30T12:00:00Z",
  ip_address: "203.0.113.9",
  user_agent: "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0",
};

function setup() {
  const server = new FakeApi();
  server.login();
  const events = securityEventsApi(createApiClient(tab(server, new FakeLock(), new FakeBus())));
  return { server, events };
}

describe("the security log API", () => {
  it("reads a page of the signed-in user's log", async () => {
    const { server, events } = setup();
    const page = { count: 21, next: "http://api.test/api/account/security-events/?page=3", previous: null, results: [EVENT] };
    const asked = serve(server, { "GET /api/account/security-events/": () => ({ body: page }) });

    await expect(events.listMySecurityEvents({ page: 2, page_size: 20 })).resolves.toEqual(page);
    expect(asked[0]!.url.searchParams.get("page")).toBe("2");
    expect(asked[0]!.url.searchParams.get("page_size")).toBe("20");
  });

  it("reads a user's log by their id, for staff", async () => {
    const { server, events } = setup();
    const asked = serve(server, {
      "GET /api/users/5/security-events/": () => ({ body: { count: 1, next: null, previous: null, results: [EVENT] } }),
    });
    const page = await events.listUserSecurityEvents(5);
    expect(page.results).toEqual([EVENT]);
    expect(asked[0]!.url.search).toBe("");
  });

  it("a client asking for a user's log is refused (403, ApiError)", async () => {
    const { server, events } = setup();
    serve(server, {
      "GET /api/users/5/security-events/": () => ({ status: 403, body: { detail: "Only staff can do this." } }),
    });
    const error = await events.listUserSecurityEvents(5).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(403);
  });
});
