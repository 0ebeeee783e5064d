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
 * parsed if it was JSON). */
export function apiErrorOf(response: Response, body: unknown): ApiError {
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
