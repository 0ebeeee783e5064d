import type { Metadata } from "next";
import Link from "next/link";

import { CloseAccount } from "./close-account";
import { EmailForm } from "./email-form";
import { PasswordForm } from "./password-form";
import { ProfileForm } from "./profile-form";

export const metadata: Metadata = { title: "Settings" };

/** The signed-in user's account: name, password, email address, two-factor authentication,
 * devices, the security log, closing it. */
export default function SettingsPage() {
  return (
    <div className="stack">
      <h1>Settings</h1>
      <ProfileForm />
      <PasswordForm />
      <EmailForm />
      <section className="card" aria-labelledby="two-factor-title">
        <h2 id="two-factor-title">Two-factor authentication</h2>
        <p className="muted">
          An authenticator app or a passkey, so that your password alone can&rsquo;t sign you in.
        </p>
        <Link href="/settings/two-factor">Two-factor authentication</Link>
      </section>
      <section className="card" aria-labelledby="devices-title">
        <h2 id="devices-title">Devices</h2>
        <p className="muted">See where you&rsquo;re signed in, and sign a device out.</p>
        <Link href="/dashboard#sessions">Where you&rsquo;re signed in</Link>
      </section>
      <section className="card" aria-labelledby="activity-title">
        <h2 id="activity-title">Security activity</h2>
        <p className="muted">Recent sign-ins and changes to your account&rsquo;s security.</p>
        <Link href="/settings/activity">Security activity</Link>
      </section>
      <CloseAccount />
    </div>
  );
}
