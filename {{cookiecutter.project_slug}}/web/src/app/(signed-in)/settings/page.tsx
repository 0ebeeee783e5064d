import type { Metadata } from "next";
import Link from "next/link";

import { CloseAccount } from "./close-account";
import { EmailForm } from "./email-form";
import { PasswordForm } from "./password-form";
import { ProfileForm } from "./profile-form";

export const metadata: Metadata = { title: "Settings" };

/** The signed-in user's account: name, password, email address, devices, closing it. */
export default function SettingsPage() {
  return (
    <div className="stack">
      <h1>Settings</h1>
      <ProfileForm />
      <PasswordForm />
      <EmailForm />
      <section className="card" aria-labelledby="devices-title">
        <h2 id="devices-title">Devices</h2>
        <p className="muted">See where you&rsquo;re signed in, and sign a device out.</p>
        <Link href="/dashboard#sessions">Where you&rsquo;re signed in</Link>
      </section>
      <CloseAccount />
    </div>
  );
}
