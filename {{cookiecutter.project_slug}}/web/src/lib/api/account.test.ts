import { describe, expect, it, vi } from "vitest";

import type { AuthEvent } from "@/lib/auth/client";
import { FakeApi, FakeBus, FakeLock, USER, tab } from "@/lib/auth/testing";

import { accessApi } from "./access";
import { accountApi } from "./account";
import { createApiClient } from "./client";
import { serve } from "./testing";

function setup() {
  const server = new FakeApi();
  server.login();
  const bus = new FakeBus();
  const auth = tab(server, new FakeLock(), bus);
  const other = tab(server, new FakeLock(), bus); // another tab of the same browser
  const events: AuthEvent[] = [];
  const otherEvents: AuthEvent[] = [];
  auth.subscribe((event) => events.push(event));
  other.subscribe((event) => otherEvents.push(event));
  auth.start();
  other.start();
  const api = createApiClient(auth);
  return { server, events, otherEvents, account: accountApi(api, auth), access: accessApi(api, auth) };
}

const signedIn = () => ({ status: 200, body: { user: USER, ...new FakeApi().expiries() } });

describe("the account's flows and the tab's sign-in state", () => {
  it("a password change keeps the tab signed in: new tokens, no new session of the tab", async () => {
    const { server, events, account } = setup();
    const asked = serve(server, { "POST /api/account/password/": signedIn });
    await expect(account.changePassword("old one", "new one")).resolves.toEqual(USER);
    expect(asked[0]!.body).toEqual({ current_password: "old one", new_password: "new one" });
    expect(events).toEqual([]);
  });

  it("a password reset signs this browser in, every tab told", async () => {
    const { server, events, otherEvents, access } = setup();
    const asked = serve(server, { "POST /api/auth/password-reset/confirm/": signedIn });
    await access.resetPassword("MQ", "tok-en", "new one");
    expect(asked[0]!.body).toEqual({ uid: "MQ", token: "tok-en", new_password: "new one" });
    expect(events).toEqual([{ type: "signed-in" }]);
    await vi.waitFor(() => expect(otherEvents).toEqual([{ type: "signed-in" }])); // told through the channel
  });

  it("closing the account signs every tab out, saying why", async () => {
    const { server, events, otherEvents, account } = setup();
    serve(server, { "POST /api/account/close/": () => ({ status: 204 }) });
    await account.closeAccount("secret");
    expect(events).toEqual([{ type: "signed-out", reason: "closed" }]);
    await vi.waitFor(() => expect(otherEvents).toEqual([{ type: "signed-out", reason: "closed" }]));
  });

  it("a refused close (wrong password) signs nobody out and names the field", async () => {
    const { server, events, account } = setup();
    serve(server, {
      "POST /api/account/close/": () => ({
        status: 400,
        body: { detail: "password: Wrong password.", errors: { password: ["Wrong password."] } },
      }),
    });
    await expect(account.closeAccount("nope")).rejects.toMatchObject({ fields: { password: "Wrong password." } });
    expect(events).toEqual([]);
  });
});
