"""Silent refresh in a real browser: one rotation for parallel calls, a lost response, two tabs,
renewal ahead of expiry, an expired refresh token, an outage during refresh."""

import re

from playwright.sync_api import expect

from conftest import ACCESS_LIFETIME
from helpers import (
    HIDDEN_TAB,
    Traffic,
    alerts,
    claims,
    click_refresh,
    completed_actions,
    cookie,
    is_blacklisted,
    refresh_and_wait,
    replay_refresh,
    sessions_of,
    sign_in,
    wait_for_actions,
    wait_until_expired,
)

REFRESH = ("POST", "/api/auth/refresh/")


def test_silent_refresh_rotates_once_for_parallel_calls(page, context, browser, user, api_url):
    context.add_init_script(HIDDEN_TAB)
    traffic = Traffic(api_url).attach(context)
    sign_in(page, user)
    old_refresh = cookie(context, "refresh")["value"]
    wait_until_expired(page, cookie(context, "access")["value"])

    mark = traffic.mark()
    refresh_and_wait(page)  # the profile and the sessions, in parallel

    expect(page.get_by_test_id("user-email")).to_have_text(user.email)
    expect(page.get_by_test_id("session")).to_have_count(1)
    after = traffic.since(mark)
    assert after.statuses(*REFRESH) == [200]  # one refresh for both calls
    assert after.statuses("GET", "/api/auth/me/")[-1] == 200
    assert after.statuses("GET", "/api/auth/sessions/")[-1] == 200
    assert "/login" not in page.url
    new_refresh = cookie(context, "refresh")["value"]
    assert new_refresh != old_refresh
    assert claims(new_refresh)["sid"] == claims(old_refresh)["sid"]  # same device session
    assert is_blacklisted(old_refresh)
    assert not is_blacklisted(new_refresh)


def test_a_refresh_whose_response_was_lost_keeps_the_user_signed_in(
    page, context, browser, user, api_url
):
    context.add_init_script(HIDDEN_TAB)
    traffic = Traffic(api_url).attach(context)
    sign_in(page, user)
    held = cookie(context, "refresh")["value"]
    wait_until_expired(page, cookie(context, "access")["value"])
    # The server rotates the browser's token, but its answer never reaches the browser (the
    # backend died after committing, the network dropped it): the browser still holds `held`.
    elsewhere = browser.new_context()
    assert replay_refresh(elsewhere, api_url, held).status == 200
    successor = cookie(elsewhere, "refresh")["value"]
    elsewhere.close()
    assert is_blacklisted(held)

    mark = traffic.mark()
    refresh_and_wait(page)  # presents `held` again

    expect(page.get_by_test_id("user-email")).to_have_text(user.email)
    expect(alerts(page)).to_have_count(0)
    assert traffic.since(mark).statuses(*REFRESH) == [200]
    assert cookie(context, "refresh")["value"] == successor  # the one it missed, not a new one
    assert not is_blacklisted(successor)
    assert [s.revoked_at for s in sessions_of(user)] == [None]


def test_two_tabs_expire_together_and_stay_signed_in(context, user, api_url):
    context.add_init_script(HIDDEN_TAB)
    traffic = Traffic(api_url).attach(context)
    first, second = context.new_page(), context.new_page()
    sign_in(first, user)
    second.goto("/dashboard")
    expect(second.get_by_test_id("user-email")).to_have_text(user.email)

    for _ in range(2):  # and the session keeps refreshing afterwards
        wait_until_expired(first, cookie(context, "access")["value"])
        mark = traffic.mark()
        done = [completed_actions(tab) for tab in (first, second)]
        # Both tabs act at once: dispatch both clicks before waiting for either.
        first.get_by_role("button", name="Refresh").dispatch_event("click")
        second.get_by_role("button", name="Refresh").dispatch_event("click")
        for tab, count in zip((first, second), done, strict=True):
            wait_for_actions(tab, count + 1)
            expect(tab.get_by_test_id("user-email")).to_have_text(user.email)
            expect(alerts(tab)).to_have_count(0)
        after = traffic.since(mark)
        assert after.statuses(*REFRESH) == [200]  # one tab refreshed, the other reused it
    assert [s.revoked_at for s in sessions_of(user)] == [None]
    assert "/login" not in first.url and "/login" not in second.url


def test_visible_tab_renews_ahead_of_expiry(page, context, user, api_url):
    traffic = Traffic(api_url).attach(context)
    sign_in(page, user)
    mark = traffic.mark()
    # Renewed on its own (no request needed one: a renewal after a 401 would follow a request).
    with page.expect_response(
        lambda r: r.url.endswith("/api/auth/refresh/"), timeout=ACCESS_LIFETIME * 3000
    ) as renewal:
        pass
    assert renewal.value.status == 200
    after = traffic.since(mark)
    assert after.statuses(*REFRESH) == [200]
    assert 401 not in [status for _, _, status in after.calls]


def test_refresh_token_expiry_sends_to_login(page, context, backend, user):
    backend.restart(JWT_ACCESS_TOKEN_LIFETIME="2", JWT_REFRESH_TOKEN_LIFETIME="3")
    context.add_init_script(HIDDEN_TAB)
    sign_in(page, user)
    wait_until_expired(page, cookie(context, "refresh")["value"])

    click_refresh(page)

    expect(page).to_have_url(re.compile(r"/login\?next=%2Fdashboard&reason=expired$"))
    expect(alerts(page)).to_have_count(0)  # cleanly: no error shown, the session's end told
    expect(page.get_by_test_id("signed-out-notice")).to_contain_text("Your session has expired")
    expect(page.get_by_label("Email")).to_be_visible()


def test_outage_during_refresh_does_not_sign_out(page, context, backend, user, api_url):
    context.add_init_script(HIDDEN_TAB)
    traffic = Traffic(api_url).attach(context)
    sign_in(page, user)

    # 1. The API is down when the access token needs renewing, then comes back.
    wait_until_expired(page, cookie(context, "access")["value"])
    backend.stop()
    refresh_and_wait(page)
    expect(alerts(page).filter(has_text="can't reach")).to_be_visible()
    assert "/login" not in page.url
    backend.start()
    refresh_and_wait(page)
    expect(alerts(page)).to_have_count(0)
    expect(page.get_by_test_id("user-email")).to_have_text(user.email)

    # 2. The connection drops during the refresh request itself.
    wait_until_expired(page, cookie(context, "access")["value"])
    page.route("**/api/auth/refresh/", lambda route: route.abort("connectionreset"))
    refresh_and_wait(page)
    expect(alerts(page).filter(has_text="can't reach")).to_be_visible()
    page.unroute("**/api/auth/refresh/")
    mark = traffic.mark()
    refresh_and_wait(page)
    expect(alerts(page)).to_have_count(0)
    expect(page.get_by_test_id("user-email")).to_have_text(user.email)
    assert traffic.since(mark).statuses(*REFRESH) == [200]
    assert [s.revoked_at for s in sessions_of(user)] == [None]
