"""Changing the password in Settings, in a real browser: the current password is checked, this
device stays signed in (and keeps refreshing), another device is signed out at its next
request, and a notice is mailed over SMTP."""

import re

from playwright.sync_api import expect

from helpers import HIDDEN_TAB, cookie, refresh_and_wait, sign_in, wait_until_expired

NEW_PASSWORD = "another long and secret passphrase"


def test_password_change_signs_out_the_other_device_not_this_one(
    page, context, browser, base_url, user, mailbox
):
    context.add_init_script(HIDDEN_TAB)  # no renewal ahead of expiry: the refresh below is ours
    phone = browser.new_context(base_url=base_url)
    phone.add_init_script(HIDDEN_TAB)  # signed out by its click below, not by a renewal before
    other = phone.new_page()
    sign_in(other, user)
    sign_in(page, user)
    page.goto("/settings")

    section = page.get_by_role("region", name="Password")
    section.get_by_label("Current password").fill("not my password")
    section.get_by_label("New password").fill(NEW_PASSWORD)
    section.get_by_role("button", name="Change password").click()
    expect(section.get_by_test_id("current_password-error")).to_be_visible()
    expect(section.get_by_label("Current password")).to_be_focused()

    section.get_by_label("Current password").fill("a long and secret passphrase")
    section.get_by_role("button", name="Change password").click()
    expect(page.get_by_test_id("password-changed")).to_have_text(
        "Your password is changed. Your other devices have been signed out."
    )
    mailbox.wait_for(to=user.email, subject_contains="password was changed")

    other.get_by_role("button", name="Refresh").click()  # the other device's next request
    expect(other).to_have_url(re.compile(r"/login\?next=%2Fdashboard&reason=revoked$"))
    phone.close()

    # This device: still signed in, past its access token's expiry too (the new refresh works).
    page.goto("/dashboard")
    wait_until_expired(page, cookie(context, "access")["value"])
    refresh_and_wait(page)
    expect(page.get_by_test_id("user-email")).to_have_text(user.email)
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
