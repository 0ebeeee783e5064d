"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, useCallback } from "react";

import { FilterLinks } from "@/components/filter-links";
import { ListProblem } from "@/components/list-problem";
import lists from "@/components/lists.module.css";
import { Pagination } from "@/components/pagination";
import { USER_ROLES, type UserRole, listUsers, useLoad } from "@/lib/api";
import { choiceParam, hrefWith, pageCount, pageParam } from "@/lib/search-params";

import styles from "./users.module.css";

const PAGE_SIZE = 20;
const ROLES = Object.keys(USER_ROLES) as UserRole[];
const ROLE_FILTERS: Record<UserRole, string> = { client: "Clients", staff: "Staff", admin: "Admins" };
const joined = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

type Query = { role?: UserRole; search?: string; page?: number };

/** Every user, filtered by `?role=` and `?search=` (email or name), paged by `?page=`. */
export function UserDirectory() {
  const router = useRouter();
  const params = useSearchParams();
  const role = choiceParam(params.get("role"), ROLES);
  const search = params.get("search")?.trim() ?? "";
  const page = pageParam(params.get("page"));
  const load = useCallback(
    (signal: AbortSignal) =>
      listUsers({ role, search: search || undefined, page, page_size: PAGE_SIZE }, { signal }),
    [role, search, page],
  );
  const { data, error, loading, reload } = useLoad(load);
  const href = (changes: Query) => hrefWith("/users", { role, search, page, ...changes });

  function onSearch(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get("search") ?? "").trim();
    router.push(href({ search: value, page: 1 }));
  }

  const filters = [
    { label: "Everyone", href: href({ role: undefined, page: 1 }), current: role === undefined },
    ...ROLES.map((value) => ({
      label: ROLE_FILTERS[value],
      href: href({ role: value, page: 1 }),
      current: role === value,
    })),
  ];

  return (
    <section className="card" aria-labelledby="users-title">
      <h1 id="users-title">Users</h1>
      <div className={styles.controls}>
        <FilterLinks label="Filter by role" options={filters} />
        <form role="search" className={styles.search} onSubmit={onSearch}>
          <label htmlFor="user-search">Email or name</label>
          <input id="user-search" key={search} name="search" type="search" maxLength={150} defaultValue={search} />
          <button type="submit" className="button small">
            Search
          </button>
        </form>
      </div>
      <p role="status" className={`muted ${lists.summary}`} data-testid="users-summary">
        {loading ? "Loading users…" : data ? summary(data.count, search) : ""}
      </p>
      {error ? (
        <ListProblem error={error} page={page} firstPage={href({ page: 1 })} onRetry={reload} />
      ) : !data ? (
        <div className={lists.placeholder} />
      ) : data.count === 0 ? (
        <div className={lists.empty}>
          <p>No users match.</p>
          <Link href="/users">Show everyone</Link>
        </div>
      ) : (
        <>
          {/* Focusable, so that a keyboard can scroll it when it is wider than the screen. */}
          <div
            className={styles.scroller}
            role="region"
            aria-label="Users table"
            tabIndex={0}
            aria-busy={loading}
          >
            <table className={styles.table} data-testid="users-table">
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Active</th>
                  <th scope="col">Joined</th>
                </tr>
              </thead>
              <tbody>
                {data.results.map((user) => (
                  <tr key={user.id}>
                    <td>
                      <Link href={`/users/${user.id}`}>{user.email}</Link>
                    </td>
                    <td>{user.name || "—"}</td>
                    <td>{USER_ROLES[user.role]}</td>
                    <td>{user.is_active ? "Yes" : "No"}</td>
                    <td>
                      <time dateTime={user.date_joined}>{joined.format(new Date(user.date_joined))}</time>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination
            page={page}
            pages={pageCount(data.count, PAGE_SIZE)}
            hrefFor={(number) => href({ page: number })}
          />
        </>
      )}
    </section>
  );
}

function summary(count: number, search: string): string {
  const users = count === 1 ? "1 user" : `${count} users`;
  return search ? `${users} matching “${search}”` : users;
}
