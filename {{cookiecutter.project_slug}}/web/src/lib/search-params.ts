/** A list page's state lives in its address (`/requests?status=open&page=2`): it survives a
 * reload, can be shared, and Back goes to the previous filter. These read and write it. */

export type Params = Record<string, string | number | null | undefined>;

/** `path` with the query `params`, leaving out the empty ones and page 1:
 * `hrefWith("/users", { role: "staff", search: "", page: 1 })` is "/users?role=staff". */
export function hrefWith(path: string, params: Params): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === "") continue;
    if (name === "page" && Number(value) === 1) continue;
    query.set(name, String(value));
  }
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

/** The page number of `?page=`: a whole number from 1, else 1. */
export function pageParam(value: string | null): number {
  const page = Number(value);
  return Number.isSafeInteger(page) && page >= 1 ? page : 1;
}

/** `value` if it is one of `allowed` (a filter's choices), else undefined: the list unfiltered
 * rather than the API's 400 for an address typed by hand. */
export function choiceParam<T extends string>(value: string | null, allowed: readonly T[]): T | undefined {
  return allowed.find((choice) => choice === value);
}

/** The number of pages of `count` items, `pageSize` a page; at least 1. */
export function pageCount(count: number, pageSize: number): number {
  return Math.max(1, Math.ceil(count / pageSize));
}
