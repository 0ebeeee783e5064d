/**
 * The API's typed client: openapi-fetch over the `paths` that openapi-typescript generated from
 * the backend's OpenAPI schema (schema.d.ts, `make api-types`), so a path, its parameters, its
 * body and its answers are checked by the compiler. Every request goes through the auth client
 * (`authorized`): cookies, the CSRF header on unsafe methods, and one refresh then one retry
 * after a 401.
 */

import createClient, { type Client } from "openapi-fetch";

import type { AuthClient } from "@/lib/auth";
import { ApiError, apiErrorOf } from "@/lib/auth/errors";

import type { components, paths } from "./schema";

/** The API's data types: `Schemas["User"]`, `Schemas["DeviceSession"]`... */
export type Schemas = components["schemas"];

export type ApiClient = Client<paths>;

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
    const apiError = apiErrorOf(response, error);
    const fields = fieldMessages(error);
    throw fields ? new InvalidInputError(apiError, fields) : apiError;
  }
  return data as DataOf<A>;
}

/** A 400 whose answer says what is wrong with each field of the input (the API's `errors`):
 * `fields.subject` is the first message about the subject. `detail` sums them up. */
export class InvalidInputError extends ApiError {
  constructor(
    error: ApiError,
    readonly fields: Readonly<Record<string, string>>,
  ) {
    super(error.status, error.detail, error.code, error.retryAfter);
  }
}

/** The first message about each field, from `{"errors": {"field": ["message", ...]}}`; null
 * when the answer has none. */
function fieldMessages(body: unknown): Record<string, string> | null {
  const errors = body && typeof body === "object" ? (body as { errors?: unknown }).errors : null;
  if (!errors || typeof errors !== "object") return null;
  const fields: Record<string, string> = {};
  for (const [field, messages] of Object.entries(errors)) {
    const first: unknown = Array.isArray(messages) ? messages[0] : messages;
    if (typeof first === "string") fields[field] = first;
  }
  return Object.keys(fields).length > 0 ? fields : null;
}
