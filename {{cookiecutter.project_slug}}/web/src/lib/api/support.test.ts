import { describe, expect, it } from "vitest";

import { ApiError } from "@/lib/auth/errors";
import { FakeApi, FakeBus, FakeLock, tab } from "@/lib/auth/testing";

import { InvalidInputError, type Schemas, createApiClient } from "./client";
import { REQUEST_STATUSES, supportApi } from "./support";
import { serve } from "./testing";

const PERSON = { id: 1, name: "Ada", email: "ada@example.com" };
const REQUEST: Schemas["SupportRequestDetail"] = {
  id: 7,
  subject: "Printer on fire",
  status: "open",
  author: PERSON,
  created_at: "2026-01-02T10:00:00Z",
  updated_at: "2026-01-02T10:00:00Z",
  reply_count: 0,
  body: "It is on fire.",
  replies: [],
};

function setup() {
  const server = new FakeApi();
  server.login();
  const support = supportApi(createApiClient(tab(server, new FakeLock(), new FakeBus())));
  return { server, support };
}

describe("the support requests API", () => {
  it("lists a page of requests with its filters in the query", async () => {
    const { server, support } = setup();
    const page = { count: 1, next: null, previous: null, results: [REQUEST] };
    const asked = serve(server, { "GET /api/support/requests/": () => ({ body: page }) });

    await expect(
      support.listRequests({ status: "in_progress", page: 2, page_size: 20, ordering: ["-created_at", "updated_at"] }),
    ).resolves.toEqual(page);
    const query = asked[0]!.url.searchParams;
    expect(query.get("status")).toBe("in_progress");
    expect(query.get("page")).toBe("2");
    expect(query.get("page_size")).toBe("20");
    expect(query.get("ordering")).toBe("-created_at,updated_at"); // comma-separated, as django-filter reads it
  });

  it("gets one request by its id; someone else's is the API's 404", async () => {
    const { server, support } = setup();
    serve(server, {
      "GET /api/support/requests/7/": () => ({ body: REQUEST }),
      "GET /api/support/requests/8/": () => ({ status: 404, body: { detail: "Not found." } }),
    });

    await expect(support.getRequest(7)).resolves.toEqual(REQUEST);
    const error = await support.getRequest(8).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).not.toBeInstanceOf(InvalidInputError);
    expect((error as ApiError).status).toBe(404);
  });

  it("opens a request with its subject and body, and answers the new request", async () => {
    const { server, support } = setup();
    const asked = serve(server, { "POST /api/support/requests/": () => ({ status: 201, body: REQUEST }) });

    await expect(support.openRequest({ subject: "Printer on fire", body: "It is on fire." })).resolves.toEqual(REQUEST);
    expect(asked[0]!.body).toEqual({ subject: "Printer on fire", body: "It is on fire." });
    expect(new Headers(server.sent.at(-1)!.headers).get("X-CSRFToken")).toBe("csrf-1");
  });

  it("says what is wrong with each field of a refused request (InvalidInputError)", async () => {
    const { server, support } = setup();
    serve(server, {
      "POST /api/support/requests/": () => ({
        status: 400,
        body: {
          detail: "subject: This field may not be blank.",
          errors: { subject: ["This field may not be blank.", "A second message."], body: ["Too long."] },
        },
      }),
    });

    const error = await support.openRequest({ subject: "", body: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as InvalidInputError).status).toBe(400);
    expect((error as InvalidInputError).detail).toBe("subject: This field may not be blank.");
    expect((error as InvalidInputError).fields).toEqual({
      subject: "This field may not be blank.",
      body: "Too long.",
    });
  });

  it("changes the status, replies and deletes, at the request's own address", async () => {
    const { server, support } = setup();
    const reply = { id: 3, author: { ...PERSON, role: "staff" as const }, body: "On it.", created_at: REQUEST.created_at };
    const asked = serve(server, {
      "PATCH /api/support/requests/7/": ({ body }) => ({ body: { ...REQUEST, ...(body as object) } }),
      "POST /api/support/requests/7/replies/": () => ({ status: 201, body: reply }),
      "DELETE /api/support/requests/7/": () => ({ status: 204 }),
    });

    await expect(support.changeRequestStatus(7, "resolved")).resolves.toMatchObject({ status: "resolved" });
    await expect(support.replyToRequest(7, "On it.")).resolves.toEqual(reply);
    await expect(support.deleteRequest(7)).resolves.toBeUndefined();
    expect(asked.map(({ method, body }) => [method, body])).toEqual([
      ["PATCH", { status: "resolved" }],
      ["POST", { body: "On it." }],
      ["DELETE", undefined],
    ]);
  });

  it("a refusal keeps the API's reason (staff only, say)", async () => {
    const { server, support } = setup();
    serve(server, {
      "PATCH /api/support/requests/7/": () => ({
        status: 403,
        body: { detail: "Only staff can change the status of a request." },
      }),
    });

    const error = await support.changeRequestStatus(7, "closed").catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(InvalidInputError);
    expect((error as ApiError).detail).toBe("Only staff can change the status of a request.");
  });

  it("labels every status", () => {
    expect(Object.keys(REQUEST_STATUSES)).toEqual(["open", "in_progress", "resolved", "closed"]);
  });
});
