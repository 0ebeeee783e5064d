import type { Metadata } from "next";

import { TwoFactorSettings } from "./two-factor-settings";

export const metadata: Metadata = { title: "Two-factor authentication" };

/** The user's second factors: authenticator app, recovery codes, passkeys. The policy sends a
 * user whose role requires two-factor authentication here until they have one. */
export default function TwoFactorPage() {
  return <TwoFactorSettings />;
}
