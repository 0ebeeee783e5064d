"""Ending sessions in a real browser: reuse detection, logout, log out everywhere, revoking a
session, and an access token that expired while the computer slept."""

import re

from playwright.sync_api import expect

from conftest import REUSE_GRACE
from helpers import (
    HIDDEN_TAB,
    blacklisted_at,
    click_refresh,
    confirm,
    cookie,
    is_blacklisted,
    refresh_and_wait,
    replay_refresh,
    sessions_of,
    sign_in,
    wait_until_expired,
)


def test_replayed_rotated_token_revokes_the_session(page, context, browser, user, api_url):
    context.add_init_script(HIDDEN_TAB)
    sign_in(page, user)
    stolen = cookie(context, "refresh")["value"]
    wait_until_expired(page, cookie(context, "access")["value"])
    refresh_and_wait(page)  # the victim's tab rotates the stolen token
    expect(page.get_by_test_id("user-email")).to_have_text(user.email)
    rotated_at = blacklisted_at(stolen).timestamp() * 1000
    page.wait_for_function(f"() => Date.now() > {rotated_at + REUSE_GRACE * 1000 + 200}")

    thief = browser.new_context()
    replay = replay_refresh(thief, api_url, stolen)
    assert replay.status == 401
    assert replay.json()["code"] == "token_reused"
    thief.close()
    assert sessions_of(user)[0].revoked_at is not None
    click_refresh(page)  # the victim's next refresh fails: the session is gone
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fdashboard&reason=revoked$"))


def test_logout_clears_everything_and_signs_out_other_tabs(context, browser, user, api_url):
    first, second = context.new_page(), context.new_page()
    sign_in(first, user)
    first.goto("/dashboard?after=login")  # a history entry to go back to
    expect(first.get_by_test_id("user-email")).to_have_text(user.email)
    second.goto("/dashboard")
    expect(second.get_by_test_id("user-email")).to_have_text(user.email)
    refresh = cookie(context, "refresh")["value"]

    first.get_by_role("button", name="Log out", exact=True).click()

    expect(first).to_have_url(re.compile(r"/login$"))
    expect(second).to_have_url(re.compile(r"/login$"))  # told at once, no request needed
    assert cookie(context, "access") is None and cookie(context, "refresh") is None
    assert is_blacklisted(refresh)
    assert sessions_of(user)[0].revoked_at is not None
    thief = browser.new_context()
    assert replay_refresh(thief, api_url, refresh).status == 401
    thief.close()

    first.go_back()
    expect(first.get_by_test_id("user-email")).to_have_count(0)
    expect(first).to_have_url(re.compile(r"/login"))
    expect(first.get_by_test_id("user-email")).to_have_count(0)


def test_logout_everywhere_signs_out_other_devices(browser, base_url, user):
    laptop = browser.new_context(base_url=base_url)
    phone = browser.new_context(base_url=base_url)
    laptop_page, phone_page = laptop.new_page(), phone.new_page()
    sign_in(laptop_page, user)
    sign_in(phone_page, user)

    laptop_page.get_by_role("button", name="Log out everywhere").click()
    confirm(laptop_page, "Log out everywhere")

    expect(laptop_page).to_have_url(re.compile(r"/login$"))
    assert all(s.revoked_at is not None for s in sessions_of(user))
    click_refresh(phone_page)  # the phone's next call
    expect(phone_page).to_have_url(re.compile(r"/login\?next=%2Fdashboard&reason=revoked$"))
    laptop.close()
    phone.close()


def test_revoking_a_session_signs_that_device_out(browser, base_url, user):
    laptop = browser.new_context(base_url=base_url)
    phone = browser.new_context(base_url=base_url, user_agent="Mozilla/5.0 (iPhone) Safari/604.1")
    laptop_page, phone_page = laptop.new_page(), phone.new_page()
    sign_in(phone_page, user)
    sign_in(laptop_page, user)
    expect(laptop_page.get_by_test_id("session")).to_have_count(2)

    laptop_page.get_by_role("button", name="Revoke Safari on iOS").click()
    confirm(laptop_page, "Revoke")

    expect(laptop_page.get_by_test_id("session")).to_have_count(1)
    expect(laptop_page.get_by_text("This device")).to_be_visible()
    click_refresh(phone_page)
    expect(phone_page).to_have_url(re.compile(r"/login\?next=%2Fdashboard&reason=revoked$"))
    refresh_and_wait(laptop_page)
    expect(laptop_page.get_by_test_id("user-email")).to_have_text(user.email)
    laptop.close()
    phone.close()


def test_expired_access_after_sleep_still_works(page, context, user):
    # After the laptop wakes up (a hidden tab, an expired access token), the first call works.
    context.add_init_script(HIDDEN_TAB)
    sign_in(page, user)
    wait_until_expired(page, cookie(context, "access")["value"])
    page.reload()
    expect(page.get_by_test_id("user-email")).to_have_text(user.email)
