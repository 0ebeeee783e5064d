"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";

import { InvalidInputError, openRequest, problemMessage } from "@/lib/api";

import styles from "../requests.module.css";

type Field = "subject" | "body";

/** Opens a request; once the API has it, its page. What is wrong with the input is the API's to
 * say (a 400 names each field): shown under the field, which gets the focus. */
export function NewRequestForm() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Partial<Record<Field, string>>>({});

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const form = event.currentTarget;
    const data = new FormData(form);
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const created = await openRequest({
        subject: String(data.get("subject")),
        body: String(data.get("body")),
      });
      router.push(`/requests/${created.id}`);
    } catch (caught) {
      setBusy(false);
      if (caught instanceof InvalidInputError) {
        const { subject, body } = caught.fields;
        setFields({ subject, body });
        if (subject || body) {
          const first = form.elements.namedItem(subject ? "subject" : "body") as HTMLElement;
          first.focus();
          return;
        }
      }
      setError(problemMessage(caught));
    }
  }

  return (
    <section className="card" aria-labelledby="new-request-title">
      <h1 id="new-request-title">New support request</h1>
      <p className="muted">Tell us what you need; we&rsquo;ll answer on the request&rsquo;s page.</p>
      <form className="form" onSubmit={onSubmit} noValidate>
        <label htmlFor="subject">Subject</label>
        <input
          id="subject"
          name="subject"
          className={styles.control}
          maxLength={200}
          required
          autoFocus
          aria-invalid={fields.subject ? true : undefined}
          aria-describedby={fields.subject ? "subject-error" : undefined}
        />
        {fields.subject && (
          <p id="subject-error" className={styles.fieldError}>
            {fields.subject}
          </p>
        )}
        <label htmlFor="body">Message</label>
        <textarea
          id="body"
          name="body"
          className={styles.control}
          rows={8}
          maxLength={10_000}
          required
          aria-invalid={fields.body ? true : undefined}
          aria-describedby={fields.body ? "body-error" : undefined}
        />
        {fields.body && (
          <p id="body-error" className={styles.fieldError}>
            {fields.body}
          </p>
        )}
        {error && (
          <p role="alert" className="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="submit" className={`button primary ${busy ? styles.busy : ""}`} aria-disabled={busy}>
            {busy ? "Sending…" : "Send request"}
          </button>
          <Link className="button" href="/requests">
            Cancel
          </Link>
        </div>
      </form>
    </section>
  );
}
