"use client";

import { useSearchParams } from "next/navigation";
import { useCallback } from "react";

import { ListProblem } from "@/components/list-problem";
import lists from "@/components/lists.module.css";
import { Pagination } from "@/components/pagination";
import { type SecurityEvent, listMySecurityEvents, listUserSecurityEvents, useLoad } from "@/lib/api";
import { deviceLabel } from "@/lib/device";
import { hrefWith, pageCount, pageParam } from "@/lib/search-params";
import { timeAgo } from "@/lib/time-ago";

import styles from "./security-activity.module.css";

const PAGE_SIZE = 20;
const exact = new Intl.DateTimeFormat(undefined, { dateStyle: "full", timeStyle: "long" });
// Events that may be someone else's doing: shown so that the eye stops on them.
const WARNINGS = new Set([
  "login_failed",
  "second_factor_failed",
  "password_check_failed",
  "reuse_detected_session_revoked",
  "two_factor_reset",
]);

type Props = {
  /** Whose log: a user's id (the staff's view of them), or none for the signed-in user's own. */
  userId?: number;
  /** The address of the page the list is on: its pages are `?page=` of it. */
  path: string;
};

/** A security log, newest first, a page at a time (`?page=` in the address): what happened, when
 * (how long ago; the exact time in its title), on which device and from which IP address. */
export function SecurityActivity({ userId, path }: Props) {
  const page = pageParam(useSearchParams().get("page"));
  const load = useCallback(
    (signal: AbortSignal) => {
      const query = { page, page_size: PAGE_SIZE };
      return userId === undefined
        ? listMySecurityEvents(query, { signal })
        : listUserSecurityEvents(userId, query, { signal });
    },
    [userId, page],
  );
  const { data, error, loading, reload } = useLoad(load);
  const href = (number: number) => hrefWith(path, { page: number });

  return (
    <div data-testid="security-activity">
      <p role="status" className={`muted ${lists.summary}`} data-testid="security-events-summary">
        {loading ? "Loading activity…" : data ? countLabel(data.count) : ""}
      </p>
      {error ? (
        <ListProblem error={error} page={page} firstPage={href(1)} onRetry={reload} />
      ) : !data ? (
        <div className={lists.placeholder} />
      ) : data.count === 0 ? (
        <div className={lists.empty} data-testid="security-events-empty">
          <p>No security activity yet: sign-ins and changes to the account&rsquo;s security will show here.</p>
        </div>
      ) : (
        <>
          {/* Focusable, so that a keyboard can scroll it when it is wider than the screen. */}
          <div
            className={styles.scroller}
            role="region"
            aria-label="Security activity table"
            tabIndex={0}
            aria-busy={loading}
          >
            <table className={styles.table} data-testid="security-events">
              <thead>
                <tr>
                  <th scope="col">What happened</th>
                  <th scope="col">When</th>
                  <th scope="col">Device</th>
                  <th scope="col">IP address</th>
                </tr>
              </thead>
              <tbody>
                {data.results.map((event) => (
                  <Row key={event.id} event={event} />
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={page} pages={pageCount(data.count, PAGE_SIZE)} hrefFor={href} />
        </>
      )}
    </div>
  );
}

function Row({ event }: { event: SecurityEvent }) {
  const at = new Date(event.created_at);
  return (
    <tr data-testid="security-event" data-event={event.event}>
      <td className={WARNINGS.has(event.event) ? styles.warning : undefined}>{event.description}</td>
      <td>
        <time dateTime={event.created_at} title={exact.format(at)}>
          {timeAgo(at)}
        </time>
      </td>
      <td title={event.user_agent || undefined}>{event.user_agent ? deviceLabel(event.user_agent) : "—"}</td>
      <td>{event.ip_address ?? "—"}</td>
    </tr>
  );
}

function countLabel(count: number): string {
  return count === 1 ? "1 event" : `${count} events`;
}
