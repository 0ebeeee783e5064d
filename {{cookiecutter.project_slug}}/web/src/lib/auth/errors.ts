/** An error answer of the API: `{"detail": ..., "code"?: ...}` with its HTTP status. */
export class ApiError extends Error {
  readonly name = "ApiError";

  constructor(
    readonly status: number,
    readonly detail: string,
    readonly code?: string,
    /** Seconds to wait, from Retry-After (429). */
    readonly retryAfter?: number,
  ) {
    super(detail);
  }
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

/** A passkey prompt the user closed (or let time out): nothing went wrong, say it calmly. */
export class PasskeyCancelledError extends Error {
  readonly name = "PasskeyCancelledError";
}

/** This browser (or its authenticator) could not use a passkey. */
export class PasskeyUnavailableError extends Error {
  readonly name = "PasskeyUnavailableError";
}

/** The API could not be reached (down, offline, CORS). Never signs the user out. */
export class NetworkError extends Error {
  readonly name = "NetworkError";
}

/** The session is over (refresh refused): the user has been signed out. */
export class SignedOutError extends Error {
  readonly name = "SignedOutError";
}

/** The ApiError of an error answer. */
export async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    // not JSON: keep the status text
  }
  return apiErrorOf(response, body);
}

/** The ApiError of an error answer whose body has been read already (`body`: what it holds,
 * parsed if it was JSON): an InvalidInputError when it says what is wrong with each field. */
export function apiErrorOf(response: Response, body: unknown): ApiError {
  const error = plainApiErrorOf(response, body);
  const fields = fieldMessages(body);
  return fields ? new InvalidInputError(error, fields) : error;
}

function plainApiErrorOf(response: Response, body: unknown): ApiError {
  let detail = response.statusText || `HTTP ${response.status}`;
  let code: string | undefined;
  if (body && typeof body === "object") {
    const { detail: d, code: c } = body as { detail?: unknown; code?: unknown };
    if (typeof d === "string") detail = d;
    if (typeof c === "string") code = c;
  }
  const retryAfter = Number(response.headers.get("Retry-After")) || undefined;
  return new ApiError(response.status, detail, code, retryAfter);
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
