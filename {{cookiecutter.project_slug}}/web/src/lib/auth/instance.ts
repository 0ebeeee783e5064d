import { API_URL } from "@/config";

import { createAuthClient } from "./client";

/** The one auth client of this browser tab (import it from "@/lib/auth"). */
export const auth = createAuthClient({
  apiUrl: API_URL,
  expiryStore: typeof window === "undefined" ? null : window.localStorage,
});
