"use client";

import { type ReactNode, useEffect, useId, useRef, useState } from "react";

type Props = {
  /** The button's own content. */
  children: ReactNode;
  /** The question, e.g. "Log out everywhere?" */
  title: string;
  /** What happens if the user goes on. */
  description: ReactNode;
  /** The button that goes on, e.g. "Log out everywhere". */
  confirmLabel: string;
  onConfirm: () => void;
  className?: string;
  disabled?: boolean;
  "aria-label"?: string;
};

/**
 * A button that asks before it acts: a modal dialog (the native <dialog>, so the rest of the page
 * is inert while it is open) with Cancel, which has the focus, and the confirming button. Escape
 * cancels. When it closes the focus goes back to this button, then `onConfirm` runs if confirmed
 * (so an action that fails can give the focus back to where it started). The dialog is in the
 * page only while open.
 */
export function ConfirmButton({
  children,
  title,
  description,
  confirmLabel,
  onConfirm,
  className = "button",
  disabled,
  "aria-label": ariaLabel,
}: Props) {
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    if (!open || dialog.current?.open) return;
    dialog.current?.showModal();
    cancel.current?.focus();
  }, [open]);

  function onClose() {
    const confirmed = dialog.current?.returnValue === "confirm";
    setOpen(false);
    trigger.current?.focus();
    if (confirmed) onConfirm();
  }

  return (
    <>
      <button
        ref={trigger}
        type="button"
        className={className}
        disabled={disabled}
        aria-label={ariaLabel}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        {children}
      </button>
      {open && (
        <dialog
          ref={dialog}
          className="dialog"
          aria-labelledby={titleId}
          aria-describedby={descriptionId}
          onClose={onClose}
        >
          <h2 id={titleId}>{title}</h2>
          <p id={descriptionId}>{description}</p>
          <div className="actions dialog-actions">
            <button
              ref={cancel}
              type="button"
              className="button"
              onClick={() => dialog.current?.close("cancel")}
            >
              Cancel
            </button>
            <button
              type="button"
              className="button danger"
              onClick={() => dialog.current?.close("confirm")}
            >
              {confirmLabel}
            </button>
          </div>
        </dialog>
      )}
    </>
  );
}
