/** useSubmit: a form that sends what it holds to the API, and says what went wrong. */

import { type FormEvent, useState } from "react";

import { InvalidInputError, problemMessage } from "@/lib/api";

export type Submit<F extends string> = {
  /** The action is under way (its button says so; a second submit is ignored). */
  busy: boolean;
  /** What went wrong that is no field's (role="alert"), else null. */
  error: string | null;
  /** The API's message about each field, shown under it (components/field.tsx). */
  fields: Partial<Record<F, string>>;
  /** The form's onSubmit: runs `action` with the form's data. */
  submit: (
    event: FormEvent<HTMLFormElement>,
    action: (data: FormData, form: HTMLFormElement) => Promise<void>,
  ) => Promise<void>;
};

/**
 * A form whose inputs are named after the API's fields (`names`): when the API refuses the input
 * (a 400 naming fields), each message goes under its field and the first of them in the form
 * gets the focus; anything else is said in `error`.
 */
export function useSubmit<F extends string>(names: readonly F[]): Submit<F> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Partial<Record<F, string>>>({});

  async function submit(
    event: FormEvent<HTMLFormElement>,
    action: (data: FormData, form: HTMLFormElement) => Promise<void>,
  ) {
    event.preventDefault();
    if (busy) return;
    const form = event.currentTarget;
    setBusy(true);
    setError(null);
    setFields({});
    try {
      await action(new FormData(form), form);
    } catch (caught) {
      const known: Partial<Record<F, string>> =
        caught instanceof InvalidInputError ? only(caught.fields, names) : {};
      const first = names.find((name) => known[name]);
      if (first) {
        setFields(known);
        (form.elements.namedItem(first) as HTMLElement | null)?.focus();
      } else {
        setError(problemMessage(caught));
      }
    } finally {
      setBusy(false);
    }
  }

  return { busy, error, fields, submit };
}

function only<F extends string>(messages: Readonly<Record<string, string>>, names: readonly F[]) {
  const known: Partial<Record<F, string>> = {};
  for (const name of names) if (messages[name]) known[name] = messages[name];
  return known;
}

/** The text of the field `name` of a form's data, trimmed ("" when missing). */
export function text(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === "string" ? value.trim() : "";
}

/** A password as typed: never trimmed (spaces may be part of it). */
export function password(data: FormData, name: string): string {
  const value = data.get(name);
  return typeof value === "string" ? value : "";
}
