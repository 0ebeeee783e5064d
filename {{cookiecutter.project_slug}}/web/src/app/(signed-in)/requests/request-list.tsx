"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useCallback } from "react";

import { FilterLinks } from "@/components/filter-links";
import { ListProblem } from "@/components/list-problem";
import lists from "@/components/lists.module.css";
import { Pagination } from "@/components/pagination";
import {
  REQUEST_STATUSES,
  type RequestStatus,
  type SupportRequest,
  listRequests,
  useLoad,
} from "@/lib/api";
import { STAFF_ROLES, hasRole, useAuth } from "@/lib/auth";
import { choiceParam, hrefWith, pageCount, pageParam } from "@/lib/search-params";

import styles from "./requests.module.css";
import { StatusBadge } from "./status-badge";

const PAGE_SIZE = 20;
const STATUSES = Object.keys(REQUEST_STATUSES) as RequestStatus[];
const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** The list, filtered by `?status=` and paged by `?page=` (the address holds both). */
export function RequestList() {
  const params = useSearchParams();
  const status = choiceParam(params.get("status"), STATUSES);
  const page = pageParam(params.get("page"));
  const staff = hasRole(useAuth().user, STAFF_ROLES);
  const load = useCallback(
    (signal: AbortSignal) => listRequests({ status, page, page_size: PAGE_SIZE }, { signal }),
    [status, page],
  );
  const requests = useLoad(load);
  const href = (changes: { status?: RequestStatus; page?: number }) =>
    hrefWith("/requests", { status, page, ...changes });

  const filters = [
    { label: "All", href: href({ status: undefined, page: 1 }), current: status === undefined },
    ...STATUSES.map((value) => ({
      label: REQUEST_STATUSES[value],
      href: href({ status: value, page: 1 }),
      current: status === value,
    })),
  ];
  const { data, error, loading } = requests;

  return (
    <section className="card" aria-labelledby="requests-title">
      <div className="card-head">
        <h1 id="requests-title">Support requests</h1>
        <Link className="button primary" href="/requests/new">
          New request
        </Link>
      </div>
      <FilterLinks label="Filter by status" options={filters} />
      <p role="status" className={`muted ${lists.summary}`} data-testid="requests-summary">
        {loading ? "Loading requests…" : data ? countLabel(data.count, status) : ""}
      </p>
      {error ? (
        <ListProblem error={error} page={page} firstPage={href({ page: 1 })} onRetry={requests.reload} />
      ) : !data ? (
        <div className={lists.placeholder} />
      ) : data.count === 0 ? (
        <Empty status={status} staff={staff} allHref={href({ status: undefined, page: 1 })} />
      ) : (
        <>
          <ul className={styles.list} aria-busy={loading} data-testid="requests">
            {data.results.map((request) => (
              <Row key={request.id} request={request} staff={staff} />
            ))}
          </ul>
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

function Row({ request, staff }: { request: SupportRequest; staff: boolean }) {
  return (
    <li className={styles.row} data-testid="request-row">
      <div>
        <Link className={styles.subject} href={`/requests/${request.id}`}>
          {request.subject}
        </Link>
        <p className="muted small">
          {staff && <span data-testid="request-author">{request.author.name || request.author.email} · </span>}
          Updated <time dateTime={request.updated_at}>{when.format(new Date(request.updated_at))}</time>
          {" · "}
          {request.reply_count === 1 ? "1 reply" : `${request.reply_count} replies`}
        </p>
      </div>
      <StatusBadge status={request.status} />
    </li>
  );
}

function countLabel(count: number, status: RequestStatus | undefined): string {
  const what = status ? `${REQUEST_STATUSES[status].toLowerCase()} ` : "";
  return `${count} ${what}${count === 1 ? "request" : "requests"}`;
}

function Empty({ status, staff, allHref }: { status?: RequestStatus; staff: boolean; allHref: string }) {
  if (status) {
    return (
      <div className={lists.empty} data-testid="requests-empty">
        <p>No {REQUEST_STATUSES[status].toLowerCase()} requests.</p>
        <Link href={allHref}>Show all requests</Link>
      </div>
    );
  }
  return (
    <div className={lists.empty} data-testid="requests-empty">
      <p>
        {staff
          ? "Nobody has opened a request yet."
          : "You haven’t opened a request yet. Ask us anything: we answer here."}
      </p>
      {!staff && (
        <Link className="button primary" href="/requests/new">
          Open your first request
        </Link>
      )}
    </div>
  );
}
