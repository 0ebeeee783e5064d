import Link from "next/link";

import styles from "./lists.module.css";

type Props = {
  /** The current page, from 1. */
  page: number;
  /** How many pages there are. */
  pages: number;
  /** The address of page `page`. */
  hrefFor: (page: number) => string;
};

/** Previous and Next links of a list of several pages, and where the user is ("Page 2 of 5").
 * At either end the link stays in place, greyed out and inert, so nothing moves. */
export function Pagination({ page, pages, hrefFor }: Props) {
  if (pages <= 1) return null;
  return (
    <nav aria-label="Pages" className={styles.pager}>
      <PageLink page={page - 1} enabled={page > 1} hrefFor={hrefFor} rel="prev">
        Previous<span className="visually-hidden"> page</span>
      </PageLink>
      <span aria-current="page">
        Page {page} of {pages}
      </span>
      <PageLink page={page + 1} enabled={page < pages} hrefFor={hrefFor} rel="next">
        Next<span className="visually-hidden"> page</span>
      </PageLink>
    </nav>
  );
}

function PageLink({
  page,
  enabled,
  hrefFor,
  rel,
  children,
}: Pick<Props, "hrefFor" | "page"> & { enabled: boolean; rel: string; children: React.ReactNode }) {
  if (!enabled) {
    return (
      <span className={`button small ${styles.off}`} aria-disabled="true">
        {children}
      </span>
    );
  }
  return (
    <Link className="button small" href={hrefFor(page)} rel={rel}>
      {children}
    </Link>
  );
}
