"""Signing out only says so once the API has confirmed it: a failed "Log out" or "Revoke this
device" keeps the user signed in, says it failed, and can be tried again."""

import json
import re

import pytest
from playwright.sync_api import expect

from helpers import alerts, answer, confirm, cookie, sessions_of, sign_in, wait_for_actions

LOGOUT = "**/api/auth/logout/"
SESSION = re.compile(r"/api/auth/sessions/[^/]+/$")  # one session, not the list
CSRF_FAILED = json.dumps({"detail": "CSRF Failed: CSRF token from the 'X-CSRFToken' header"})

# What a failed logout may look like: a proxy during a deploy, a crash, a CSRF refusal (the
# client renews its CSRF token and tries once more: refused again).
FAILURES = {
    "proxy-503": (503, "<html><body>503 Service Unavailable</body></html>", "text/html"),
    "server-500": (500, json.dumps({"detail": "A server error occurred."}), "application/json"),
    "csrf-403": (403, CSRF_FAILED, "application/json"),
}
SIGN_OUT_FAILED = "We couldn't sign you out. Please try again."


def failing(base_url, status, body, content_type, calls, methods=("POST",)):
    def handle(route):
        if route.request.method not in methods:
            route.continue_()
            return
        calls.append(route.request.method)
        answer(route, base_url, status, body, content_type)

    return handle


def assert_still_signed_in(page, context, user, button):
    expect(alerts(page)).to_have_text(SIGN_OUT_FAILED)
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_test_id("user-email")).to_have_text(user.email)
    expect(button).to_be_enabled()
    expect(button).to_be_focused()  # to try again from there
    assert [s.revoked_at for s in sessions_of(user)] == [None]
    assert cookie(context, "access") is not None
    assert cookie(context, "refresh") is not None


def assert_signed_out(page, context, user):
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(alerts(page)).to_have_count(0)
    assert sessions_of(user)[0].revoked_at is not None
    assert cookie(context, "access") is None and cookie(context, "refresh") is None


@pytest.mark.parametrize("failure", FAILURES, ids=list(FAILURES))
def test_failed_logout_keeps_the_user_signed_in(page, context, base_url, user, failure):
    status, body, content_type = FAILURES[failure]
    sign_in(page, user)
    expect(page.get_by_test_id("session")).to_have_count(1)
    calls = []
    page.route(LOGOUT, failing(base_url, status, body, content_type, calls))
    log_out = page.get_by_role("button", name="Log out", exact=True)

    log_out.click()
    wait_for_actions(page, 1)

    assert len(calls) == (2 if status == 403 else 1)  # a CSRF refusal: renewed, refused again
    assert_still_signed_in(page, context, user, log_out)
    page.wait_for_timeout(500)  # and it stays so: nothing signs out later
    expect(page).to_have_url(re.compile(r"/dashboard$"))

    log_out.click()  # still failing: said again
    wait_for_actions(page, 2)
    assert_still_signed_in(page, context, user, log_out)

    page.unroute(LOGOUT)
    log_out.click()
    assert_signed_out(page, context, user)


@pytest.mark.parametrize("failing_calls", ["logout", "logout-and-delete"])
def test_failed_revoke_of_this_device_keeps_the_user_signed_in(
    page, context, base_url, user, failing_calls
):
    sign_in(page, user)
    expect(page.get_by_test_id("session")).to_have_count(1)
    calls = []
    proxy_down = failing(base_url, 503, "Service Unavailable", "text/plain", calls)
    page.route(LOGOUT, proxy_down)
    if failing_calls == "logout-and-delete":
        page.route(
            SESSION, failing(base_url, 503, "Service Unavailable", "text/plain", calls, ("DELETE",))
        )
    revoke = page.get_by_role("button", name=re.compile(r"^Revoke .* \(this device\)$"))

    revoke.click()
    confirm(page, "Log out")
    wait_for_actions(page, 1)

    assert calls
    assert_still_signed_in(page, context, user, revoke)
    expect(page.get_by_test_id("session")).to_have_count(1)

    page.unroute(LOGOUT)
    page.unroute(SESSION)
    revoke.click()
    confirm(page, "Log out")
    assert_signed_out(page, context, user)
