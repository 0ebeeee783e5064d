"use client";

import { useCallback, useState } from "react";

import { ConfirmButton } from "@/components/confirm-button";
import { Field, FormError, Status } from "@/components/field";
import forms from "@/components/forms.module.css";
import { ListProblem } from "@/components/list-problem";
import {
  type Invitation,
  USER_ROLES,
  type UserRole,
  invite,
  listInvitations,
  problemMessage,
  resendInvitation,
  useLoad,
  withdrawInvitation,
} from "@/lib/api";
import { hasRole, useAuth } from "@/lib/auth";
import { text, useSubmit } from "@/lib/forms";

import styles from "./users.module.css";

const expires = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/** Inviting someone (they get a link by email to make their account), and the invitations not
 * yet accepted, which can be sent again or withdrawn. */
export function Invitations() {
  const load = useCallback(
    (signal: AbortSignal) => listInvitations({ status: "pending", page_size: 100 }, { signal }),
    [],
  );
  const pending = useLoad(load);
  const [said, setSaid] = useState<string | null>(null);
  const done = async (message: string) => {
    setSaid(message);
    await pending.reload();
  };
  return (
    <section className="card" aria-labelledby="invitations-title">
      <h2 id="invitations-title">Invitations</h2>
      <InviteForm onInvited={pending.reload} />
      <h3 className={styles.subheading}>Waiting for an answer</h3>
      <Status testId="invitation-changed">{said}</Status>
      {pending.error ? (
        <ListProblem error={pending.error} page={1} firstPage="/users" onRetry={pending.reload} />
      ) : !pending.data ? (
        <p className="muted">Loading…</p>
      ) : pending.data.count === 0 ? (
        <p className="muted" data-testid="no-invitations">
          No invitations are waiting.
        </p>
      ) : (
        <ul className={styles.invitations} data-testid="invitations">
          {pending.data.results.map((invitation) => (
            <PendingInvitation key={invitation.id} invitation={invitation} onDone={done} />
          ))}
        </ul>
      )}
    </section>
  );
}

function InviteForm({ onInvited }: { onInvited: () => Promise<void> }) {
  const { user } = useAuth();
  const form = useSubmit(["email", "role", "name"] as const);
  const [sent, setSent] = useState<string | null>(null);
  // Only admins invite admins (the API refuses anyone else).
  const roles = (Object.keys(USER_ROLES) as UserRole[]).filter(
    (role) => role !== "admin" || hasRole(user, ["admin"]),
  );
  return (
    <form
      className="form"
      aria-label="Invite someone"
      onSubmit={(event) =>
        form.submit(event, async (data, element) => {
          setSent(null);
          const created = await invite({
            email: text(data, "email"),
            role: text(data, "role") as UserRole,
            name: text(data, "name"),
          });
          element.reset();
          setSent(`Invitation sent to ${created.email}.`);
          await onInvited();
        })
      }
    >
      <Field name="email" label="Email" type="email" autoComplete="off" required error={form.fields.email} />
      <Field name="name" label="Name (optional)" autoComplete="off" maxLength={150} error={form.fields.name} />
      <label htmlFor="invite-role">Role</label>
      <select
        id="invite-role"
        name="role"
        className={forms.select}
        defaultValue="client"
        aria-invalid={form.fields.role ? true : undefined}
        aria-describedby={form.fields.role ? "invite-role-error" : undefined}
      >
        {roles.map((role) => (
          <option key={role} value={role}>
            {USER_ROLES[role]}
          </option>
        ))}
      </select>
      {form.fields.role && (
        <p id="invite-role-error" className={forms.error}>
          {form.fields.role}
        </p>
      )}
      <FormError>{form.error}</FormError>
      <Status testId="invitation-sent">{sent}</Status>
      <div className="actions">
        <button type="submit" className="button primary" aria-disabled={form.busy}>
          {form.busy ? "Sending…" : "Send invitation"}
        </button>
      </div>
    </form>
  );
}

type PendingProps = { invitation: Invitation; onDone: (message: string) => Promise<void> };

function PendingInvitation({ invitation, onDone }: PendingProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function act(action: () => Promise<unknown>, done: string) {
    setBusy(true);
    setError(null);
    try {
      await action();
      await onDone(done);
    } catch (caught) {
      setError(problemMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  const who = invitation.name ? `${invitation.name} (${invitation.email})` : invitation.email;
  return (
    <li className={styles.invitation} data-testid="invitation">
      <div>
        <strong>{invitation.email}</strong> · {USER_ROLES[invitation.role ?? "client"]}
        <p className="muted small">
          {invitation.name && `${invitation.name} · `}Invited by {invitation.invited_by?.name || invitation.invited_by?.email || "—"} ·
          link valid until <time dateTime={invitation.expires_at}>{expires.format(new Date(invitation.expires_at))}</time>
        </p>
        <FormError>{error}</FormError>
      </div>
      <div className="actions">
        <button
          type="button"
          className="button small"
          disabled={busy}
          aria-label={`Resend the invitation to ${invitation.email}`}
          onClick={() => void act(() => resendInvitation(invitation.id), `Sent again to ${invitation.email}.`)}
        >
          Resend
        </button>
        <ConfirmButton
          className="button small danger"
          disabled={busy}
          aria-label={`Withdraw the invitation to ${invitation.email}`}
          title={`Withdraw the invitation to ${who}?`}
          description="Its link will stop working. You can invite the address again later."
          confirmLabel="Withdraw"
          onConfirm={() => void act(() => withdrawInvitation(invitation.id), `Withdrawn: ${invitation.email}.`)}
        >
          Withdraw
        </ConfirmButton>
      </div>
    </li>
  );
}
