import { describe, expect, it } from "vitest";

import { ApiError } from "@/lib/auth/errors";
import { FakeApi, FakeBus, FakeLock, tab } from "@/lib/auth/testing";

import { type Schemas, createApiClient } from "./client";
import { serve } from "./testing";
import { usersApi } from "./users";

const USER: Schemas["DirectoryUser"] = {
  id: 2,
  email: "sam@example.com",
  name: "Sam",
  role: "staff",
  is_active: true,
  date_joined: "2026-01-02T10:00:00Z",
  last_login: null,
};

function setup() {
  const server = new FakeApi();
  server.login();
  const users = usersApi(createApiClient(tab(server, new FakeLock(), new FakeBus())));
  return { server, users };
}

describe("the user directory API", () => {
  it("lists a page of users with the role, the search and the page in the query", async () => {
    const { server, users } = setup();
    const page = { count: 21, next: "http://api.test/api/users/?page=2", previous: null, results: [USER] };
    const asked = serve(server, { "GET /api/users/": () => ({ body: page }) });

    await expect(users.listUsers({ role: "staff", search: "sam & co", page: 1 })).resolves.toEqual(page);
    const query = asked[0]!.url.searchParams;
    expect(query.get("role")).toBe("staff");
    expect(query.get("search")).toBe("sam & co");
    expect(query.get("page")).toBe("1");
  });

  it("asks for nothing it was not given", async () => {
    const { server, users } = setup();
    const asked = serve(server, { "GET /api/users/": () => ({ body: { count: 0, results: [] } }) });
    await users.listUsers();
    expect(asked[0]!.url.search).toBe("");
  });

  it("a client is refused (403, ApiError)", async () => {
    const { server, users } = setup();
    serve(server, {
      "GET /api/users/": () => ({ status: 403, body: { detail: "You do not have permission to perform this action." } }),
    });
    const error = await users.listUsers().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(403);
  });
});
