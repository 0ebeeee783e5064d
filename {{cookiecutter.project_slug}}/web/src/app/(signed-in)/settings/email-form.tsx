"use client";

import { useState } from "react";

import { Field, FormError, Status } from "@/components/field";
import { changeEmail } from "@/lib/api";
import { useAuth } from "@/lib/auth";
import { password, text, useSubmit } from "@/lib/forms";

/** A new address: it changes once the link mailed to it is opened (confirm-email); the old
 * address is told. */
export function EmailForm() {
  const { user } = useAuth();
  const form = useSubmit(["new_email", "password"] as const);
  const [sent, setSent] = useState<string | null>(null);
  if (!user) return null;
  return (
    <section className="card" aria-labelledby="email-title">
      <h2 id="email-title">Email address</h2>
      <p className="muted">
        Now <strong data-testid="current-email">{user.email}</strong>.
      </p>
      <form
        className="form"
        onSubmit={(event) =>
          form.submit(event, async (data, element) => {
            setSent(null);
            const address = text(data, "new_email");
            await changeEmail(address, password(data, "password"));
            element.reset();
            setSent(`We've sent a link to ${address}. Your address changes once you open it.`);
          })
        }
      >
        <Field name="new_email" label="New email address" type="email" autoComplete="email" required error={form.fields.new_email} />
        <Field
          name="password"
          label="Your password"
          type="password"
          autoComplete="current-password"
          required
          error={form.fields.password}
        />
        <FormError>{form.error}</FormError>
        <Status testId="email-link-sent">{sent}</Status>
        <div className="actions">
          <button type="submit" className="button primary" aria-disabled={form.busy}>
            {form.busy ? "Sending…" : "Change email"}
          </button>
        </div>
      </form>
    </section>
  );
}
