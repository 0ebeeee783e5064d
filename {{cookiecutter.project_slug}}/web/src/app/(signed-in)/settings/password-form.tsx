"use client";

import { useState } from "react";

import { Field, FormError, Status } from "@/components/field";
import { changePassword } from "@/lib/api";
import { password, useSubmit } from "@/lib/forms";

/** A new password, the current one to confirm it's the user: they stay signed in here, every
 * other device is signed out, and a notice goes to their address. */
export function PasswordForm() {
  const form = useSubmit(["current_password", "new_password"] as const);
  const [done, setDone] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <form
        className="form"
        onSubmit={(event) =>
          form.submit(event, async (data, element) => {
            setDone(null);
            await changePassword(password(data, "current_password"), password(data, "new_password"));
            element.reset();
            setDone("Your password is changed. Your other devices have been signed out.");
          })
        }
      >
        <Field
          name="current_password"
          label="Current password"
          type="password"
          autoComplete="current-password"
          required
          error={form.fields.current_password}
        />
        <Field
          name="new_password"
          label="New password"
          type="password"
          autoComplete="new-password"
          required
          error={form.fields.new_password}
        />
        <FormError>{form.error}</FormError>
        <Status testId="password-changed">{done}</Status>
        <div className="actions">
          <button type="submit" className="button primary" aria-disabled={form.busy}>
            {form.busy ? "Changing…" : "Change password"}
          </button>
        </div>
      </form>
    </section>
  );
}
