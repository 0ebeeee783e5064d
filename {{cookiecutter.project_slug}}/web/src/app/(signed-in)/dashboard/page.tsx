"use client";

import { useCallback, useEffect, useRef, useState } from "react";

import { ConfirmButton } from "@/components/confirm-button";
import { type DeviceSession, listSessions, revokeSession } from "@/lib/api";
import { type ActionKind, SignedOutError, auth, failureMessage, useAuth } from "@/lib/auth";
import { deviceLabel } from "@/lib/device";

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** The user's profile and where they are signed in. Like every page of app/(signed-in), it is
 * rendered for a signed-in user only, and from scratch in each session of the tab. */
export default function DashboardPage() {
  const sessions = useSessions();
  return <Dashboard sessions={sessions} />;
}

type Sessions = {
  items: DeviceSession[] | null;
  error: string | null;
  reload: () => Promise<void>;
};

function useSessions(): Sessions {
  const [items, setItems] = useState<DeviceSession[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(
    () =>
      listSessions().then(
        (list) => {
          setItems(list);
          setError(null);
        },
        (caught: unknown) => {
          if (!(caught instanceof SignedOutError)) setError("Your sessions could not be loaded.");
        },
      ),
    [],
  );
  useEffect(() => {
    void reload();
  }, [reload]);
  return { items, error, reload };
}

function Dashboard({ sessions }: { sessions: Sessions }) {
  const { user, reload } = useAuth();
  const [busy, setBusy] = useState<ActionKind | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [completed, setCompleted] = useState(0); // actions finished, for tests to wait on
  // The button of a failed action gets the focus back once usable again, to retry from there.
  const refocus = useRef<HTMLElement | null>(null);

  useEffect(() => {
    if (busy !== null || !refocus.current) return;
    refocus.current.focus();
    refocus.current = null;
  }, [busy]);

  // Runs one action. Success speaks for itself (signing out leaves the page, and only once the
  // API has confirmed it); a failure is said, and the user stays where they were.
  async function act(kind: ActionKind, action: () => Promise<unknown>) {
    const origin = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setBusy(kind);
    setError(null);
    try {
      await action();
    } catch (caught) {
      const message = failureMessage(kind, caught);
      setError(message);
      if (message) refocus.current = origin;
    } finally {
      setBusy(null);
      setCompleted((count) => count + 1);
    }
  }

  if (!user) return null;
  return (
    <div className="stack" data-testid="dashboard" data-completed-actions={completed}>
      <section className="card" aria-labelledby="profile-title">
        <div className="card-head">
          <h1 id="profile-title">Welcome{user.name ? `, ${user.name}` : ""}</h1>
          <div className="actions">
            <button
              type="button"
              className="button"
              disabled={busy !== null}
              onClick={() => act("logout", auth.logout)}
            >
              Log out
            </button>
            <ConfirmButton
              className="button danger"
              disabled={busy !== null}
              title="Log out everywhere?"
              description="You will be signed out on every device where you are signed in, this one included."
              confirmLabel="Log out everywhere"
              onConfirm={() => act("logout-all", auth.logoutEverywhere)}
            >
              Log out everywhere
            </ConfirmButton>
          </div>
        </div>
        {error && (
          <p role="alert" className="alert">
            {error}
          </p>
        )}
        <dl className="profile">
          <dt>Email</dt>
          <dd data-testid="user-email">{user.email}</dd>
          <dt>Name</dt>
          <dd data-testid="user-name">{user.name || "—"}</dd>
          <dt>Role</dt>
          <dd data-testid="user-role">{user.role}</dd>
        </dl>
      </section>

      <section id="sessions" className="card" aria-labelledby="sessions-title">
        <div className="card-head">
          <h2 id="sessions-title">Where you&rsquo;re signed in</h2>
          <button
            type="button"
            className="button small"
            disabled={busy !== null}
            onClick={() => act("refresh", () => Promise.all([reload(), sessions.reload()]))}
          >
            Refresh
          </button>
        </div>
        {sessions.error && (
          <p role="alert" className="alert">
            {sessions.error}
          </p>
        )}
        {sessions.items === null && !sessions.error && <p className="muted">Loading…</p>}
        <ul className="sessions" data-testid="sessions">
          {sessions.items?.map((session) => (
            <li key={session.id} className="session" data-testid="session">
              <div>
                <strong>{deviceLabel(session.user_agent)}</strong>
                {session.current && <span className="badge">This device</span>}
                <p className="muted small">
                  Signed in {when.format(new Date(session.created_at))} · last active{" "}
                  {when.format(new Date(session.last_used_at))}
                  {session.ip_address ? ` · ${session.ip_address}` : ""}
                </p>
              </div>
              <ConfirmButton
                className="button small"
                disabled={busy !== null}
                aria-label={`Revoke ${deviceLabel(session.user_agent)}${session.current ? " (this device)" : ""}`}
                {...(session.current
                  ? {
                      title: "Log out of this device?",
                      description: "You will be signed out here. Your other devices stay signed in.",
                      confirmLabel: "Log out",
                    }
                  : {
                      title: `Sign out ${deviceLabel(session.user_agent)}?`,
                      description:
                        "That device will be signed out at its next request, and will need the password to sign in again.",
                      confirmLabel: "Revoke",
                    })}
                onConfirm={() =>
                  session.current
                    ? // This device: logging out ends this very session, in one request that
                      // succeeds or fails as a whole (a DELETE then a failed logout would end
                      // the session yet leave the tab signed in).
                      act("revoke-current", auth.logout)
                    : act("revoke", async () => {
                        await revokeSession(session.id);
                        await sessions.reload();
                      })
                }
              >
                Revoke
              </ConfirmButton>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
