"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useCallback, useState } from "react";

import { ConfirmButton } from "@/components/confirm-button";
import {
  InvalidInputError,
  REQUEST_STATUSES,
  type RequestStatus,
  type SupportRequestDetail,
  changeRequestStatus,
  deleteRequest,
  getRequest,
  isNotFound,
  problemMessage,
  replyToRequest,
  useLoad,
} from "@/lib/api";
import { type User, STAFF_ROLES, hasRole, useAuth } from "@/lib/auth";

import styles from "../requests.module.css";
import { StatusBadge } from "../status-badge";

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const STATUSES = Object.keys(REQUEST_STATUSES) as RequestStatus[];
const FINISHED: readonly RequestStatus[] = ["resolved", "closed"];
// What the page "loads" for an address whose id is not a number: no request, as a 404 is.
const NOT_A_REQUEST = new Error("Not a request's address.");

/** The request `id` (null: not a request's address). Someone else's request is the API's 404,
 * shown as "not found": nothing of it reaches this page. */
export function RequestView({ id }: { id: number | null }) {
  const { user } = useAuth();
  const load = useCallback(
    (signal: AbortSignal) => (id === null ? Promise.reject(NOT_A_REQUEST) : getRequest(id, { signal })),
    [id],
  );
  const request = useLoad(load);

  if (!user) return null;
  if (request.error) {
    return request.error === NOT_A_REQUEST || isNotFound(request.error) ? (
      <NotFound />
    ) : (
      <LoadFailed error={request.error} onRetry={request.reload} />
    );
  }
  if (!request.data) {
    return (
      <p role="status" className="muted center">
        Loading the request…
      </p>
    );
  }
  return <Conversation request={request.data} user={user} reload={request.reload} />;
}

function Conversation({
  request,
  user,
  reload,
}: {
  request: SupportRequestDetail;
  user: User;
  reload: () => Promise<void>;
}) {
  const staff = hasRole(user, STAFF_ROLES);
  const name = (person: { id: number; name: string; email: string }) =>
    person.id === user.id ? "You" : person.name || person.email;
  return (
    <div className="stack">
      <p className={styles.back}>
        <Link href="/requests">
          <span aria-hidden="true">← </span>All requests
        </Link>
      </p>
      <article className="card" aria-labelledby="request-title">
        <div className={styles.head}>
          <h1 id="request-title">{request.subject}</h1>
          <StatusBadge status={request.status} />
        </div>
        <p className="muted small">
          Opened{staff ? ` by ${name(request.author)}` : ""} on{" "}
          <time dateTime={request.created_at}>{when.format(new Date(request.created_at))}</time>
        </p>
        <h2 className="visually-hidden">Conversation</h2>
        <ol className={styles.thread} data-testid="thread">
          <Message author={name(request.author)} at={request.created_at} body={request.body} />
          {request.replies.map((reply) => (
            <Message
              key={reply.id}
              author={name(reply.author)}
              staff={reply.author.role !== "client"}
              at={reply.created_at}
              body={reply.body}
            />
          ))}
        </ol>
      </article>
      {staff && <StatusForm request={request} onChanged={reload} />}
      <ReplyForm request={request} staff={staff} onSent={reload} />
      {user.role === "admin" && <DeleteRequest id={request.id} />}
    </div>
  );
}

function Message({ author, staff = false, at, body }: { author: string; staff?: boolean; at: string; body: string }) {
  return (
    <li className={`${styles.message} ${staff ? styles.fromStaff : ""}`} data-testid="message">
      <p className={styles.messageHead}>
        <strong>{author}</strong>
        {staff && <span className="muted small">Support team</span>}
        <time className="muted small" dateTime={at}>
          {when.format(new Date(at))}
        </time>
      </p>
      <p className={styles.body}>{body}</p>
    </li>
  );
}

/** Staff change the status: a select and a button (choosing alone changes nothing). */
function StatusForm({ request, onChanged }: { request: SupportRequestDetail; onChanged: () => Promise<void> }) {
  const [status, setStatus] = useState<RequestStatus>(request.status);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState("");

  async function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    setSaved("");
    try {
      await changeRequestStatus(request.id, status);
      await onChanged();
      setSaved(`The status is now ${REQUEST_STATUSES[status]}.`);
    } catch (caught) {
      setError(problemMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="status-title">
      <h2 id="status-title">Status</h2>
      <form className={styles.inline} onSubmit={onSubmit}>
        <label htmlFor="request-status">Change the status to</label>
        <select
          id="request-status"
          className={styles.control}
          value={status}
          onChange={(event) => setStatus(event.target.value as RequestStatus)}
        >
          {STATUSES.map((value) => (
            <option key={value} value={value}>
              {REQUEST_STATUSES[value]}
            </option>
          ))}
        </select>
        {/* aria-disabled, not disabled: the focus stays on the button while it works. */}
        <button type="submit" className={`button ${busy ? styles.busy : ""}`} aria-disabled={busy}>
          {busy ? "Saving…" : "Save status"}
        </button>
      </form>
      {error && (
        <p role="alert" className="alert">
          {error}
        </p>
      )}
      <p role="status" className={`muted ${styles.note}`} data-testid="status-saved">
        {saved}
      </p>
    </section>
  );
}

function ReplyForm({
  request,
  staff,
  onSent,
}: {
  request: SupportRequestDetail;
  staff: boolean;
  onSent: () => Promise<void>;
}) {
  const [body, setBody] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [sent, setSent] = useState("");
  const reopens = !staff && FINISHED.includes(request.status);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (busy) return;
    const textarea = event.currentTarget.elements.namedItem("body") as HTMLTextAreaElement;
    setBusy(true);
    setError(null);
    setFieldError(null);
    setSent("");
    try {
      await replyToRequest(request.id, body);
      setBody("");
      await onSent();
      setSent("Your reply was sent.");
    } catch (caught) {
      if (caught instanceof InvalidInputError && caught.fields.body) {
        setFieldError(caught.fields.body);
        textarea.focus();
      } else {
        setError(problemMessage(caught));
      }
    } finally {
      setBusy(false);
    }
  }

  const describedBy = [reopens && "reply-hint", fieldError && "reply-error"].filter(Boolean).join(" ");
  return (
    <section className="card" aria-labelledby="reply-title">
      <h2 id="reply-title">Reply</h2>
      <form className="form" onSubmit={onSubmit} noValidate>
        <label htmlFor="reply-body">Your reply</label>
        {reopens && (
          <p id="reply-hint" className={styles.hint}>
            This request is {REQUEST_STATUSES[request.status].toLowerCase()}: your reply opens it again.
          </p>
        )}
        <textarea
          id="reply-body"
          name="body"
          className={styles.control}
          rows={5}
          maxLength={10_000}
          required
          value={body}
          onChange={(event) => setBody(event.target.value)}
          aria-invalid={fieldError ? true : undefined}
          aria-describedby={describedBy || undefined}
        />
        {fieldError && (
          <p id="reply-error" className={styles.fieldError}>
            {fieldError}
          </p>
        )}
        <div className="actions">
          <button type="submit" className={`button primary ${busy ? styles.busy : ""}`} aria-disabled={busy}>
            {busy ? "Sending…" : "Send reply"}
          </button>
        </div>
      </form>
      {error && (
        <p role="alert" className="alert">
          {error}
        </p>
      )}
      <p role="status" className={`muted ${styles.note}`}>
        {sent}
      </p>
    </section>
  );
}

/** Admins delete a request, after a confirmation; the list follows. */
function DeleteRequest({ id }: { id: number }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);

  async function remove() {
    setError(null);
    try {
      await deleteRequest(id);
      router.replace("/requests");
    } catch (caught) {
      setError(problemMessage(caught));
    }
  }

  return (
    <section className="card" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete</h2>
      <p className="muted">Deleting a request deletes its replies too. It can&rsquo;t be undone.</p>
      <ConfirmButton
        className="button danger"
        title="Delete this request?"
        description="The request and all its replies will be deleted for good."
        confirmLabel="Delete request"
        onConfirm={() => void remove()}
      >
        Delete request
      </ConfirmButton>
      {error && (
        <p role="alert" className="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function NotFound() {
  return (
    <section className="card narrow message-page" aria-labelledby="not-found-title" data-testid="request-not-found">
      <h1 id="not-found-title">Request not found</h1>
      <p className="muted">There&rsquo;s no request at this address that you can see. It may have been deleted.</p>
      <Link className="button primary" href="/requests">
        Go to your requests
      </Link>
    </section>
  );
}

function LoadFailed({ error, onRetry }: { error: unknown; onRetry: () => Promise<void> }) {
  const message = problemMessage(error);
  if (!message) return null; // signed out: the login page is on its way
  return (
    <section className="card narrow" aria-labelledby="load-failed-title">
      <h1 id="load-failed-title">This request could not be loaded</h1>
      <p role="alert" className="alert">
        {message}
      </p>
      <button type="button" className={`button ${styles.retry}`} onClick={() => void onRetry()}>
        Try again
      </button>
    </section>
  );
}
