/** The user directory (backend/accounts/directory.py), for staff and admins: the API refuses
 * anyone else (403). */

import { type ApiClient, type Schemas, unwrap } from "./client";
import type { operations } from "./schema";

export type DirectoryUser = Schemas["DirectoryUser"];
export type UserListQuery = NonNullable<operations["users_list"]["parameters"]["query"]>;
export type UserRole = Schemas["RoleEnum"];

/** Every role, with its label. */
export const USER_ROLES: Readonly<Record<UserRole, string>> = {
  client: "Client",
  staff: "Staff",
  admin: "Admin",
};

type Init = { signal?: AbortSignal };

export function usersApi(api: ApiClient) {
  return {
    /** One page of the users, in email order unless `ordering` says otherwise. */
    listUsers: (query: UserListQuery = {}, init?: Init) =>
      unwrap(api.GET("/api/users/", { ...init, params: { query } })),
  };
}
