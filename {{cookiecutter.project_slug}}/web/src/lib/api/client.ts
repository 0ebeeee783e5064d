/**
 * The API's typed client: openapi-fetch over the `paths` that openapi-typescript generated from
 * the backend's OpenAPI schema (schema.d.ts, `make api-types`), so a path, its parameters, its
 * body and its answers are checked by the compiler. Every request goes through the auth client
 * (`authorized`): cookies, the CSRF header on unsafe methods, and one refresh then one retry
 * after a 401.
 */

import createClient, { type Client } from "openapi-fetch";

import type { AuthClient } from "@/lib/auth";
import { InvalidInputError, apiErrorOf } from "@/lib/auth/errors";

import type { components, paths } from "./schema";

/** The API's data types: `Schemas["User"]`, `Schemas["DeviceSession"]`... */
export type Schemas = components["schemas"];

export type ApiClient = Client<paths>;

/** Lives with the auth client's errors (its own calls throw it too). */
export { InvalidInputError };

// openapi-fetch builds a Request on this base; the auth client sends its path and query to the
// API's real URL.
const BASE = "http://api.invalid";

export function createApiClient(auth: Pick<AuthClient, "authorized">): ApiClient {
  return createClient<paths>({
    baseUrl: BASE,
    // Lists in the query are comma-separated (`?ordering=-updated_at,created_at`), as the
    // schema says (`explode: false`) and django-filter reads them.
    querySerializer: { array: { style: "form", explode: false } },
    fetch: async (request: Request) => {
      const url = new URL(request.url);
      const headers = new Headers(request.headers);
      // Read once: the retry after a refresh sends it again.
      const body = request.body === null ? undefined : await request.arrayBuffer();
      if (body === undefined) headers.delete("Content-Type"); // a GET stays a simple request
      return auth.authorized(url.pathname + url.search, {
        method: request.method,
        headers,
        body,
        signal: request.signal,
      });
    },
  });
}

/** What an openapi-fetch call answers, and the data of its success. */
type Answer = { data?: unknown; error?: unknown; response: Response };
type DataOf<A> = A extends { data: infer D; error?: never } ? D : never;

/**
 * The data of an answer; an error answer throws its ApiError (InvalidInputError when the API
 * says what is wrong with each field). With the auth client's NetworkError and SignedOutError,
 * that is all a caller has to handle:
 * `const sessions = await unwrap(api.GET("/api/auth/sessions/"))`.
 */
export async function unwrap<A extends Answer>(pending: Promise<A>): Promise<DataOf<A>> {
  const { data, error, response } = await pending;
  if (!response.ok) {
    throw apiErrorOf(response, error); // an InvalidInputError when it names fields
  }
  return data as DataOf<A>;
}
