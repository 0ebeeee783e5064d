import { REQUEST_STATUSES, type RequestStatus } from "@/lib/api";

import styles from "./requests.module.css";

/** A request's status, as a small labelled pill. */
export function StatusBadge({ status }: { status: RequestStatus }) {
  return (
    <span className={`${styles.status} ${styles[status]}`} data-testid="request-status">
      {REQUEST_STATUSES[status]}
    </span>
  );
}
