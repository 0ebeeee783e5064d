"use client";

import Link from "next/link";
import { useCallback, useState } from "react";

import { ConfirmButton } from "@/components/confirm-button";
import { FormError, Status } from "@/components/field";
import forms from "@/components/forms.module.css";
import { Loading } from "@/components/loading";
import { SecurityActivity } from "@/components/security-activity";
import { type DirectoryUser, USER_ROLES, type UserRole, getUser, problemMessage, updateUser, useLoad } from "@/lib/api";
import { ApiError, hasRole, useAuth } from "@/lib/auth";

import styles from "../users.module.css";

const joined = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

/** A user's page for staff: change their role, deactivate them (their sessions end at once) or
 * let them back in; and their security log. No changes to one's own account, and only admins
 * change admins (the API decides; this only hides what it would refuse). */
export function UserDetail({ id }: { id: number | null }) {
  const load = useCallback(
    (signal: AbortSignal) =>
      id === null ? Promise.reject(new ApiError(404, "Not found.")) : getUser(id, { signal }),
    [id],
  );
  const { data: user, error, reload } = useLoad(load);

  if (error) {
    return (
      <section className="card" aria-labelledby="user-title">
        <h1 id="user-title">User</h1>
        <p role="alert" className="alert">
          {problemMessage(error)}
        </p>
        <p className="small">
          <Link href="/users">Back to users</Link>
        </p>
      </section>
    );
  }
  if (!user) return <Loading />;
  return (
    <section className="card" aria-labelledby="user-title">
      <p className="small">
        <Link href="/users">Back to users</Link>
      </p>
      <h1 id="user-title">{user.name || user.email}</h1>
      <dl className="profile">
        <dt>Email</dt>
        <dd>{user.email}</dd>
        <dt>Name</dt>
        <dd>{user.name || "—"}</dd>
        <dt>Role</dt>
        <dd data-testid="user-role">{USER_ROLES[user.role]}</dd>
        <dt>Active</dt>
        <dd data-testid="user-active">{user.is_active ? "Yes" : "No"}</dd>
        <dt>Joined</dt>
        <dd>
          <time dateTime={user.date_joined}>{joined.format(new Date(user.date_joined))}</time>
        </dd>
      </dl>
      <Manage user={user} onChange={reload} />
      <section className={styles.details} aria-labelledby="user-activity-title">
        <h2 id="user-activity-title">Security activity</h2>
        <SecurityActivity userId={user.id} path={`/users/${user.id}`} />
      </section>
    </section>
  );
}

function Manage({ user, onChange }: { user: DirectoryUser; onChange: () => Promise<void> }) {
  const { user: me } = useAuth();
  const [busy, setBusy] = useState(false);
  const [said, setSaid] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const isAdmin = hasRole(me, ["admin"]);

  if (me?.id === user.id) {
    return <p className="muted">This is you: another staff member can change your role or account.</p>;
  }
  if (user.role === "admin" && !isAdmin) {
    return <p className="muted">Only an admin can change an admin&rsquo;s account.</p>;
  }

  async function change(changes: { role?: UserRole; is_active?: boolean }, done: string) {
    setBusy(true);
    setSaid(null);
    setError(null);
    try {
      await updateUser(user.id, changes);
      await onChange();
      setSaid(done);
    } catch (caught) {
      setError(problemMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  const roles = (Object.keys(USER_ROLES) as UserRole[]).filter((role) => role !== "admin" || isAdmin);
  return (
    <div className={styles.details}>
      <h2>Manage</h2>
      <form
        className={styles.inline}
        onSubmit={(event) => {
          event.preventDefault();
          const role = String(new FormData(event.currentTarget).get("role")) as UserRole;
          void change({ role }, `Role changed to ${USER_ROLES[role]}.`);
        }}
      >
        <label htmlFor="user-role-select">Role</label>
        <select id="user-role-select" name="role" className={forms.select} defaultValue={user.role} key={user.role}>
          {roles.map((role) => (
            <option key={role} value={role}>
              {USER_ROLES[role]}
            </option>
          ))}
        </select>
        <button type="submit" className="button small" disabled={busy}>
          Change role
        </button>
      </form>
      <div className={`actions ${styles.details}`}>
        {user.is_active ? (
          <ConfirmButton
            className="button danger"
            disabled={busy}
            title={`Deactivate ${user.email}?`}
            description="They will be signed out everywhere at once and won't be able to sign in until reactivated."
            confirmLabel="Deactivate"
            onConfirm={() => void change({ is_active: false }, "Deactivated: their sessions have ended.")}
          >
            Deactivate
          </ConfirmButton>
        ) : (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void change({ is_active: true }, "Reactivated: they can sign in again.")}
          >
            Reactivate
          </button>
        )}
      </div>
      <FormError>{error}</FormError>
      <Status testId="user-changed">{said}</Status>
    </div>
  );
}
