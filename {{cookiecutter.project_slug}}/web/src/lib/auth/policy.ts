/**
 * The two-factor policy, as the web shows it: a user whose role must have a second factor and who
 * has none (`two_factor_setup_required`, the API decides) sees the enrolment page and nothing else
 * until they have one. The API refuses everything else meanwhile (403 two_factor_setup_required).
 */

import type { User } from "./client";

/** Where a user the policy holds back adds a second factor: Settings' two-factor page. */
export const ENROLMENT_PATH = "/settings/two-factor";

/** Must `user` add a second factor before anything else? */
export function mustEnrol(user: Pick<User, "two_factor_setup_required"> | null): boolean {
  return Boolean(user?.two_factor_setup_required);
}

/** Where a signed-in `user` at `pathname` must go instead (the enrolment page), or null. */
export function enrolmentRedirect(
  user: Pick<User, "two_factor_setup_required"> | null,
  pathname: string,
): string | null {
  return mustEnrol(user) && pathname !== ENROLMENT_PATH ? ENROLMENT_PATH : null;
}
