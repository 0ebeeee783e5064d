/** The user directory (backend/accounts/directory.py), for staff and admins: the API refuses
 * anyone else (403). Staff change a user's role or deactivate them, except admins (admins only)
 * and themselves. */

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

    getUser: (id: number, init?: Init) =>
      unwrap(api.GET("/api/users/{id}/", { ...init, params: { path: { id } } })),

    /** Changes a user's role, or deactivates them (their sessions end at once) or back. */
    updateUser: (id: number, changes: { role?: UserRole; is_active?: boolean }, init?: Init) =>
      unwrap(api.PATCH("/api/users/{id}/", { ...init, params: { path: { id } }, body: changes })),
  };
}
