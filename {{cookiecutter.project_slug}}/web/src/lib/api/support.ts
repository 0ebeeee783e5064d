/** Support requests, the example app (backend/support): a client opens requests and replies to
 * them, staff see every request, reply and change its status, admins delete. Someone else's
 * request is a 404 for a client, as if it did not exist. */

import { type ApiClient, type Schemas, unwrap } from "./client";
import type { operations } from "./schema";

export type SupportRequest = Schemas["SupportRequest"];
export type SupportRequestDetail = Schemas["SupportRequestDetail"];
export type SupportReply = Schemas["Reply"];
export type RequestStatus = Schemas["StatusEnum"];
export type RequestListQuery = NonNullable<operations["support_requests_list"]["parameters"]["query"]>;

/** Every status, in the order a request goes through them, with its label. */
export const REQUEST_STATUSES: Readonly<Record<RequestStatus, string>> = {
  open: "Open",
  in_progress: "In progress",
  resolved: "Resolved",
  closed: "Closed",
};

type Init = { signal?: AbortSignal };

export function supportApi(api: ApiClient) {
  const path = (id: number) => ({ path: { id: String(id) } });
  return {
    /** One page of the requests the user can see (their own; staff every one), most recently
     * updated first unless `ordering` says otherwise. */
    listRequests: (query: RequestListQuery = {}, init?: Init) =>
      unwrap(api.GET("/api/support/requests/", { ...init, params: { query } })),

    /** One request with its replies, oldest first. */
    getRequest: (id: number, init?: Init) =>
      unwrap(api.GET("/api/support/requests/{id}/", { ...init, params: path(id) })),

    /** Opens a request; it answers the new request. */
    openRequest: (body: Schemas["NewSupportRequestRequest"], init?: Init) =>
      unwrap(api.POST("/api/support/requests/", { ...init, body })),

    /** Staff only: answers the request with its new status. */
    changeRequestStatus: (id: number, status: RequestStatus, init?: Init) =>
      unwrap(
        api.PATCH("/api/support/requests/{id}/", { ...init, params: path(id), body: { status } }),
      ),

    /** The author or staff; a client's reply opens a resolved or closed request again. */
    replyToRequest: (id: number, body: string, init?: Init) =>
      unwrap(
        api.POST("/api/support/requests/{id}/replies/", { ...init, params: path(id), body: { body } }),
      ),

    /** Admins only: the request and its replies. */
    deleteRequest: async (id: number, init?: Init): Promise<void> => {
      await unwrap(api.DELETE("/api/support/requests/{id}/", { ...init, params: path(id) }));
    },
  };
}
