import Link from "next/link";

import { isNotFound, problemMessage } from "@/lib/api";

import styles from "./lists.module.css";

type Props = {
  error: unknown;
  /** The page that was asked for. */
  page: number;
  /** The address of the list's first page. */
  firstPage: string;
  onRetry: () => Promise<void>;
};

/** A list that could not be loaded: a page past its end (the API's 404) links to the first one;
 * anything else is said, with Try again. */
export function ListProblem({ error, page, firstPage, onRetry }: Props) {
  if (isNotFound(error) && page > 1) {
    return (
      <div className={styles.empty}>
        <p>There&rsquo;s no page {page} of this list.</p>
        <Link href={firstPage}>Go to the first page</Link>
      </div>
    );
  }
  const message = problemMessage(error);
  if (!message) return null; // signed out: the login page is on its way
  return (
    <div>
      <p role="alert" className="alert">
        {message}
      </p>
      <button type="button" className={`button small ${styles.retry}`} onClick={() => void onRetry()}>
        Try again
      </button>
    </div>
  );
}
