import { type InputHTMLAttributes, type ReactNode, useId } from "react";

import styles from "./forms.module.css";

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "name"> & {
  /** The input's name: the API's field. */
  name: string;
  label: ReactNode;
  /** What the API said is wrong with it, under the field. */
  error?: string;
  /** A line of help under the label (the password rules, say). */
  hint?: ReactNode;
};

/** A labelled input of a `.form`; its hint and error are part of its description, so a screen
 * reader reads them when the field gets the focus (useSubmit moves it to the first error). */
export function Field({ name, label, error, hint, ...input }: Props) {
  const id = useId();
  const described = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(" ");
  return (
    <>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p id={`${id}-hint`} className={styles.hint}>
          {hint}
        </p>
      )}
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        {...input}
      />
      {error && (
        <p id={`${id}-error`} className={styles.error} data-testid={`${name}-error`}>
          {error}
        </p>
      )}
    </>
  );
}

/** The answer to a form that worked ("We have sent you a link."): a polite live region, in the
 * page from the start so that screen readers announce what appears in it. */
export function Status({ children, testId }: { children?: ReactNode; testId?: string }) {
  return (
    <p role="status" className={children ? "notice" : styles.empty} data-testid={testId}>
      {children}
    </p>
  );
}

/** What went wrong that is no field's, said at once. */
export function FormError({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p role="alert" className="alert">
      {children}
    </p>
  );
}
