/** A test double for the resources' unit tests: the auth tests' FakeApi, answering a resource's
 * endpoints. Used by the unit tests only. */

import type { FakeApi } from "@/lib/auth/testing";

/** What a route gets: the URL asked for and the JSON body sent, if any. */
export type Asked = { method: string; url: URL; body: unknown };
type Route = (asked: Asked) => { status?: number; body?: unknown };

/**
 * Makes `server` answer `routes` ("GET /api/users/": its answer) once its own checks have passed
 * (signed in, CSRF), instead of its generic 200: a 401 still refreshes, a missing CSRF header
 * is still refused. Answers everything `routes` asked, in order.
 */
export function serve(server: FakeApi, routes: Record<string, Route>): Asked[] {
  const asked: Asked[] = [];
  const generic = server.fetch;
  server.fetch = async (input, init) => {
    const response = await generic(input, init);
    const url = new URL(String(input));
    const method = init?.method ?? "GET";
    const route = routes[`${method} ${url.pathname}`];
    if (!response.ok || !route) return response;
    const text = init?.body ? await new Response(init.body).text() : "";
    const request = { method, url, body: text ? JSON.parse(text) : undefined };
    asked.push(request);
    const { status = 200, body } = route(request);
    return body === undefined
      ? new Response(null, { status })
      : new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  };
  return asked;
}
