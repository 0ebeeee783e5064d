"use client";

import { useCallback, useEffect, useRef, useState } from "react";

import { ConfirmButton } from "@/components/confirm-button";
import { Field, FormError, Status } from "@/components/field";
import {
  type Passkey,
  addPasskey,
  listPasskeys,
  passkeyRefusal,
  problemMessage,
  removePasskey,
  renamePasskey,
  useLoad,
} from "@/lib/api";
import { useWebAuthnSupport } from "@/lib/auth";
import { text, useSubmit } from "@/lib/forms";

import styles from "./two-factor.module.css";

const when = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** The user's passkeys: add one on this device, rename, remove (the API asks for a recent
 * sign-in, and refuses to remove the last factor when the user's role requires one). */
export function Passkeys({ onChanged }: { onChanged: (message: string) => void }) {
  const load = useCallback((signal: AbortSignal) => listPasskeys({ signal }), []);
  const passkeys = useLoad(load);
  const heading = useRef<HTMLHeadingElement>(null);
  const supported = useWebAuthnSupport(); // "Add a passkey" only where the browser can

  async function changed(message: string) {
    await passkeys.reload();
    onChanged(message);
  }

  return (
    <section className="card" aria-labelledby="passkeys-title">
      <h2 id="passkeys-title" ref={heading} tabIndex={-1} className={styles.target}>
        Passkeys
      </h2>
      <p className="muted">
        A passkey signs you in with your fingerprint, face or screen lock, without a password or
        code. It stays on your device or in your password manager.
      </p>
      {passkeys.error ? (
        <p role="alert" className="alert">
          {problemMessage(passkeys.error)}
        </p>
      ) : passkeys.data === null ? (
        <p className="muted">Loading…</p>
      ) : passkeys.data.length === 0 ? (
        <p data-testid="no-passkeys">You have no passkeys yet.</p>
      ) : (
        <ul className={styles.passkeys} data-testid="passkeys">
          {passkeys.data.map((passkey) => (
            <PasskeyItem
              key={passkey.id}
              passkey={passkey}
              onRenamed={(name) => void changed(`The passkey is now called ${name}.`)}
              onRemoved={() => {
                heading.current?.focus(); // its row is gone
                void changed(`The passkey ${passkey.name} is removed.`);
              }}
            />
          ))}
        </ul>
      )}
      {supported ? (
        <AddPasskey onAdded={(passkey) => void changed(`The passkey ${passkey.name} is added.`)} />
      ) : (
        <p className="muted" data-testid="no-webauthn">
          This browser can&rsquo;t create passkeys. You can add one from another browser or device.
        </p>
      )}
    </section>
  );
}

function AddPasskey({ onAdded }: { onAdded: (passkey: Passkey) => void }) {
  const form = useSubmit(["name"] as const);
  // A prompt the user closed is no error: a calm word, not an alert.
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <form
      className="form"
      aria-label="Add a passkey"
      onSubmit={(event) =>
        form.submit(event, async (data) => {
          setNotice(null);
          let passkey: Passkey;
          try {
            passkey = await addPasskey(text(data, "name") || "Passkey");
          } catch (caught) {
            const refusal = passkeyRefusal(caught);
            if (!refusal) throw caught; // the API's: under the field, or said in the form
            setNotice(refusal);
            return;
          }
          onAdded(passkey);
        })
      }
    >
      <Field
        name="name"
        label="Passkey name"
        hint="To tell your passkeys apart, e.g. the device it is on."
        defaultValue="Passkey"
        maxLength={100}
        required
        error={form.fields.name}
      />
      <FormError>{form.error}</FormError>
      <Status testId="passkey-notice">{notice}</Status>
      <div className="actions">
        <button type="submit" className="button primary" aria-disabled={form.busy}>
          {form.busy ? "Waiting for your device…" : "Add a passkey"}
        </button>
      </div>
    </form>
  );
}

type ItemProps = {
  passkey: Passkey;
  onRenamed: (name: string) => void;
  onRemoved: () => void;
};

function PasskeyItem({ passkey, onRenamed, onRemoved }: ItemProps) {
  const [renaming, setRenaming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const renameButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  // Back from the rename form: the focus goes to its Rename button again.
  useEffect(() => {
    if (renaming || !returnFocus.current) return;
    returnFocus.current = false;
    renameButton.current?.focus();
  }, [renaming]);

  function closeRename() {
    returnFocus.current = true;
    setRenaming(false);
  }

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      await removePasskey(passkey.id);
      onRemoved();
    } catch (caught) {
      setError(problemMessage(caught));
      setBusy(false);
    }
  }

  return (
    <li className={styles.passkey} data-testid="passkey">
      {renaming ? (
        <RenameForm
          passkey={passkey}
          onCancel={closeRename}
          onRenamed={(name) => {
            closeRename();
            onRenamed(name);
          }}
        />
      ) : (
        <>
          <div>
            <strong data-testid="passkey-name">{passkey.name}</strong>
            <p className="muted small">
              Added {when.format(new Date(passkey.created_at))} ·{" "}
              {passkey.last_used_at
                ? `last used ${when.format(new Date(passkey.last_used_at))}`
                : "never used"}
            </p>
            <FormError>{error}</FormError>
          </div>
          <div className="actions">
            <button
              ref={renameButton}
              type="button"
              className="button small"
              aria-label={`Rename ${passkey.name}`}
              disabled={busy}
              onClick={() => setRenaming(true)}
            >
              Rename
            </button>
            <ConfirmButton
              className="button small danger"
              disabled={busy}
              aria-label={`Remove ${passkey.name}`}
              title={`Remove ${passkey.name}?`}
              description="It will no longer sign you in. Remove it from your device or password manager too."
              confirmLabel="Remove"
              onConfirm={() => void remove()}
            >
              Remove
            </ConfirmButton>
          </div>
        </>
      )}
    </li>
  );
}

type RenameProps = { passkey: Passkey; onCancel: () => void; onRenamed: (name: string) => void };

function RenameForm({ passkey, onCancel, onRenamed }: RenameProps) {
  const form = useSubmit(["name"] as const);
  return (
    <form
      className="form"
      aria-label={`Rename ${passkey.name}`}
      onSubmit={(event) =>
        form.submit(event, async (data) => {
          const renamed = await renamePasskey(passkey.id, text(data, "name"));
          onRenamed(renamed.name);
        })
      }
      onKeyDown={(event) => {
        if (event.key === "Escape") onCancel();
      }}
    >
      <Field
        name="name"
        label={`Name of ${passkey.name}`}
        defaultValue={passkey.name}
        maxLength={100}
        required
        autoFocus
        error={form.fields.name}
      />
      <FormError>{form.error}</FormError>
      <div className="actions">
        <button type="submit" className="button small primary" aria-disabled={form.busy}>
          {form.busy ? "Saving…" : "Save"}
        </button>
        <button type="button" className="button small" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
