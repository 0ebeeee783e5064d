/** What a page says when a call to the API failed. */

import { ApiError, NetworkError, SignedOutError } from "@/lib/auth/errors";
import { waitPhrase } from "@/lib/auth/messages";

/**
 * A sentence for the user about `error`; null when the session is over (the signed-in layout
 * takes the user to the login page, there is nothing to say here). The API's own `detail` for
 * what it refused ("You do not have permission to perform this action."), never a server's insides.
 */
export function problemMessage(error: unknown): string | null {
  if (error instanceof SignedOutError) return null;
  if (error instanceof NetworkError) return "We can't reach the server. Please try again.";
  if (error instanceof ApiError) {
    if (error.status === 404) return "Not found. It may have been deleted.";
    if (error.status === 429) {
      const wait = error.retryAfter ? waitPhrase(error.retryAfter) : "a while";
      return `Too many attempts. Please wait ${wait} before trying again.`;
    }
    if (error.status < 500) return error.detail;
    return "The server ran into a problem. Please try again in a moment.";
  }
  return "Something went wrong. Please try again.";
}

/** Is `error` the API's 404 (no such object, or not one the user may see)? */
export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}
