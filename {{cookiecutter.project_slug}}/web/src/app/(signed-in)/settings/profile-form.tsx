"use client";

import { useState } from "react";

import { Field, FormError, Status } from "@/components/field";
import { updateProfile } from "@/lib/api";
import { useAuth } from "@/lib/auth";
import { text, useSubmit } from "@/lib/forms";

/** The user's name (the header shows the new one at once; the access token has it from the
 * next refresh). */
export function ProfileForm() {
  const { user, reload } = useAuth();
  const form = useSubmit(["name"] as const);
  const [saved, setSaved] = useState<string | null>(null);
  if (!user) return null;
  return (
    <section className="card" aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      <form
        className="form"
        onSubmit={(event) =>
          form.submit(event, async (data) => {
            setSaved(null);
            await updateProfile(text(data, "name"));
            await reload().catch(() => {}); // the header's name; a failure there is no failure here
            setSaved("Your name is saved.");
          })
        }
      >
        <Field
          name="name"
          label="Name"
          autoComplete="name"
          maxLength={150}
          defaultValue={user.name}
          error={form.fields.name}
        />
        <FormError>{form.error}</FormError>
        <Status testId="profile-saved">{saved}</Status>
        <div className="actions">
          <button type="submit" className="button primary" aria-disabled={form.busy}>
            {form.busy ? "Saving…" : "Save name"}
          </button>
        </div>
      </form>
    </section>
  );
}
