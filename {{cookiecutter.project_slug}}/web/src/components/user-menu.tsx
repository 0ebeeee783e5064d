"use client";

import Link from "next/link";
import { type KeyboardEvent, useEffect, useId, useRef, useState } from "react";

import { type User, auth, failureMessage } from "@/lib/auth";

/**
 * Who is signed in, with Settings and Log out: a button that shows and hides a small panel (the
 * disclosure pattern). Opening it moves the focus to its first item; Escape closes it and gives
 * the focus back to the button, as do a click outside and tabbing out of it. `signOutOnly`: no
 * Settings (a user who must set up two-factor first goes nowhere else).
 */
export function UserMenu({ user, signOutOnly = false }: { user: User; signOutOnly?: boolean }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    panel.current?.querySelector<HTMLElement>("a, button")?.focus();
    const onPointerDown = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("pointerdown", onPointerDown);
    return () => document.removeEventListener("pointerdown", onPointerDown);
  }, [open]);

  function close() {
    setOpen(false);
    setError(null);
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key !== "Escape" || !open) return;
    event.preventDefault();
    close();
    button.current?.focus();
  }

  // Signs out once the API has confirmed it (the pages then leave); a failure is said here,
  // and the menu stays open to try again.
  async function logOut() {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await auth.logout();
    } catch (caught) {
      setError(failureMessage("logout", caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div
      ref={root}
      className="user-menu"
      onKeyDown={onKeyDown}
      onBlur={(event) => {
        if (!root.current?.contains(event.relatedTarget as Node | null)) close();
      }}
    >
      <button
        ref={button}
        type="button"
        className="user-menu-button"
        aria-expanded={open}
        aria-controls={panelId}
        data-testid="user-menu-button"
        onClick={() => (open ? close() : setOpen(true))}
      >
        <span className="visually-hidden">Account menu: </span>
        <span className="user-menu-name">{user.name || user.email}</span>
        <span aria-hidden="true" className="chevron" />
      </button>
      <div ref={panel} id={panelId} className="user-menu-panel" hidden={!open}>
        <p className="user-menu-email">{user.email}</p>
        <ul>
          {!signOutOnly && (
            <li>
              <Link href="/settings" onClick={close}>
                Settings
              </Link>
            </li>
          )}
          <li>
            {/* Not `disabled` while busy: that would take the focus away and close the menu. */}
            <button type="button" onClick={logOut} aria-disabled={busy}>
              {busy ? "Logging out…" : "Log out"}
            </button>
          </li>
        </ul>
        {error && (
          <p role="alert" className="alert">
            {error}
          </p>
        )}
      </div>
    </div>
  );
}
