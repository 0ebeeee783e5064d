import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";

import { Loading } from "@/components/loading";
import { SecurityActivity } from "@/components/security-activity";

export const metadata: Metadata = { title: "Security activity" };

/** The signed-in user's security log: sign-ins with their device and IP address, failed
 * attempts, sign-outs, changes to the password, address, two-factor and passkeys. */
export default function SecurityActivityPage() {
  return (
    <section className="card" aria-labelledby="activity-title">
      <p className="small">
        <Link href="/settings">Back to settings</Link>
      </p>
      <h1 id="activity-title">Security activity</h1>
      <p className="muted">
        Recent sign-ins and changes to your account&rsquo;s security, newest first. Something you
        don&rsquo;t recognise? <Link href="/settings">Change your password</Link> and check{" "}
        <Link href="/dashboard#sessions">where you&rsquo;re signed in</Link>.
      </p>
      <Suspense fallback={<Loading />}>
        <SecurityActivity path="/settings/activity" />
      </Suspense>
    </section>
  );
}
