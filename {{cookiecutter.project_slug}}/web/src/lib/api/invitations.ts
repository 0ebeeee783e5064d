/** Invitations, for staff: who has been asked to make an account, and with which role. Only
 * admins invite admins (the API refuses anyone else). */

import { type ApiClient, type Schemas, unwrap } from "./client";
import type { operations } from "./schema";

export type Invitation = Schemas["Invitation"];
export type InvitationListQuery = NonNullable<operations["users_invitations_list"]["parameters"]["query"]>;

type Init = { signal?: AbortSignal };

export function invitationsApi(api: ApiClient) {
  const path = (id: number) => ({ path: { id } });
  return {
    /** One page of the invitations, `status` pending, accepted, withdrawn or expired. */
    listInvitations: (query: InvitationListQuery = {}, init?: Init) =>
      unwrap(api.GET("/api/users/invitations/", { ...init, params: { query } })),

    /** Invites `email` (mailed a link); answers the invitation. */
    invite: (body: Schemas["InvitationRequest"], init?: Init) =>
      unwrap(api.POST("/api/users/invitations/", { ...init, body })),

    /** Mails a new link (the old one no longer works). */
    resendInvitation: (id: number, init?: Init) =>
      unwrap(api.POST("/api/users/invitations/{id}/resend/", { ...init, params: path(id) })),

    /** Withdraws it: its link no longer works. */
    withdrawInvitation: async (id: number, init?: Init): Promise<void> => {
      await unwrap(api.DELETE("/api/users/invitations/{id}/", { ...init, params: path(id) }));
    },
  };
}
