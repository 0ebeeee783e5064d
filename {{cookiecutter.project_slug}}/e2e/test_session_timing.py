"""Session timing in a real browser: a refresh that hangs recovers, and a browser whose clock is off
renews at the right rate (the deadlines come from the seconds left, on its own clock)."""

import itertools
import time
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from conftest import ACCESS_LIFETIME
from helpers import (
    HIDDEN_TAB,
    Traffic,
    alerts,
    click_refresh,
    completed_actions,
    cookie,
    sessions_of,
    sign_in,
    wait_for_actions,
    wait_until_expired,
)

REFRESH = ("POST", "/api/auth/refresh/")
TIMEOUT_S = 8  # web/src/lib/auth/client.ts: how long an auth request may take


def test_a_hung_refresh_times_out_and_is_retried(page, context, user, api_url):
    context.add_init_script(HIDDEN_TAB)  # no renewal ahead of expiry: the request triggers it
    traffic = Traffic(api_url).attach(context)
    sign_in(page, user)
    mark = traffic.mark()
    wait_until_expired(page, cookie(context, "access")["value"])
    hung = []

    def first_hangs(route):
        if not hung:
            hung.append(route)  # never answered: a dead connection
        else:
            route.continue_()

    page.route("**/api/auth/refresh/", first_hangs)
    done = completed_actions(page)
    click_refresh(page)
    # The page recovers on its own: the hung refresh is given up, the retry renews.
    expect(page.get_by_test_id("dashboard")).to_have_attribute(
        "data-completed-actions", str(done + 1), timeout=(TIMEOUT_S + 10) * 1000
    )
    expect(alerts(page)).to_have_count(0)
    expect(page.get_by_test_id("user-email")).to_have_text(user.email)
    assert len(hung) == 1
    assert traffic.since(mark).statuses(*REFRESH) == [200]  # the hung one never answered
    assert [s.revoked_at for s in sessions_of(user)] == [None]
    # Nothing is left waiting: the next expiry renews at once.
    wait_until_expired(page, cookie(context, "access")["value"])
    click_refresh(page)
    wait_for_actions(page, done + 2)
    assert traffic.since(mark).statuses(*REFRESH) == [200, 200]


@pytest.mark.parametrize(
    "skew",
    [timedelta(minutes=10), timedelta(minutes=-10), timedelta(days=-30)],
    ids=["10-min-ahead", "10-min-behind", "30-days-behind"],
)
def test_a_browser_with_a_skewed_clock_renews_once_per_lifetime(page, context, user, api_url, skew):
    page.clock.install(time=datetime.now() + skew)  # the browser's clock; time flows
    traffic = Traffic(api_url).attach(context)
    renewals = []

    def is_renewal(response) -> bool:
        return response.url.endswith("/api/auth/refresh/") and response.status == 200

    context.on("response", lambda r: is_renewal(r) and renewals.append(time.monotonic()))
    sign_in(page, user)
    mark = traffic.mark()
    # Renewed ahead of expiry, again and again: each renewal well before the access token
    # expires, and none right after the one before (no spinning).
    while len(renewals) < 3:
        page.wait_for_event("response", is_renewal, timeout=3 * ACCESS_LIFETIME * 1000)
    gaps = [b - a for a, b in itertools.pairwise(renewals)]
    assert all(0.4 * ACCESS_LIFETIME < gap < 1.5 * ACCESS_LIFETIME for gap in gaps), gaps
    assert 401 not in [status for _, _, status in traffic.since(mark).calls]
    expect(page.get_by_test_id("user-email")).to_have_text(user.email)
