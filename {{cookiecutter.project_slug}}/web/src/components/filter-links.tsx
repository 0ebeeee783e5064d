import Link from "next/link";

import styles from "./lists.module.css";

export type FilterOption = { label: string; href: string; current: boolean };

/** A list's filter as a row of links (All, Open, Closed...), the current one marked
 * (`aria-current`): each is an address, so Back and a reload keep the filter. */
export function FilterLinks({ label, options }: { label: string; options: FilterOption[] }) {
  return (
    <nav aria-label={label} className={styles.filters}>
      <ul>
        {options.map((option) => (
          <li key={option.href}>
            <Link href={option.href} aria-current={option.current ? "page" : undefined}>
              {option.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
