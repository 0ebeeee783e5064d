/** The security log (backend/accounts/security_events.py): sign-ins with their device and IP
 * address, failed attempts, sign-outs, and changes to the password, address, two-factor and
 * passkeys; newest first, a page at a time. Your own, or any user's for staff (the API refuses
 * anyone else: 403). */

import { type ApiClient, type Schemas, unwrap } from "./client";
import type { operations } from "./schema";

export type SecurityEvent = Schemas["SecurityEvent"];
export type SecurityEventPage = Schemas["PaginatedSecurityEventList"];
export type SecurityEventQuery = NonNullable<operations["account_security_events_list"]["parameters"]["query"]>;

type Init = { signal?: AbortSignal };

export function securityEventsApi(api: ApiClient) {
  return {
    /** One page of the signed-in user's security log. */
    listMySecurityEvents: (query: SecurityEventQuery = {}, init?: Init) =>
      unwrap(api.GET("/api/account/security-events/", { ...init, params: { query } })),

    /** One page of a user's security log, for staff (404 for no such user). */
    listUserSecurityEvents: (id: number, query: SecurityEventQuery = {}, init?: Init) =>
      unwrap(api.GET("/api/users/{id}/security-events/", { ...init, params: { path: { id }, query } })),
  };
}
