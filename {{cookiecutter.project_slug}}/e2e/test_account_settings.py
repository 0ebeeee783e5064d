"""Settings in a real browser: the name (the header follows), a new email address confirmed by
the link mailed to it over SMTP (the old address is told), and closing the account."""

import re
import secrets

from playwright.sync_api import expect

from conftest import PASSWORD
from helpers import confirm, sign_in


def test_a_new_name_shows_at_once(page, user):
    sign_in(page, user)
    page.goto("/settings")
    section = page.get_by_role("region", name="Profile")
    section.get_by_label("Name").fill("Ada King")
    section.get_by_role("button", name="Save name").click()
    expect(page.get_by_test_id("profile-saved")).to_have_text("Your name is saved.")
    expect(page.get_by_test_id("user-menu-button")).to_contain_text("Ada King")


def test_email_change_confirmed_by_the_link(page, user, mailbox):
    old = user.email
    new = f"new-{secrets.token_hex(3)}@example.com"
    sign_in(page, user)
    page.goto("/settings")
    section = page.get_by_role("region", name="Email address")
    section.get_by_label("New email address").fill(new)
    section.get_by_label("Your password").fill(PASSWORD)
    section.get_by_role("button", name="Change email").click()
    expect(page.get_by_test_id("email-link-sent")).to_contain_text(f"We've sent a link to {new}.")
    expect(page.get_by_test_id("current-email")).to_have_text(old)  # not before the link

    link = mailbox.wait_for(to=new, subject_contains="Confirm your new address").link(
        "/confirm-email"
    )
    page.goto(link)
    page.get_by_role("button", name="Confirm my new address").click()
    expect(page.get_by_test_id("email-confirmed")).to_have_text(
        f"Done: your email address is now {new}."
    )
    mailbox.wait_for(to=old, subject_contains="address has changed")
    page.get_by_role("link", name="Back to your settings").click()
    expect(page.get_by_test_id("current-email")).to_have_text(new)

    page.goto(link)  # used: the account's address is no longer the one it was bound to
    page.get_by_role("button", name="Confirm my new address").click()
    expect(page.locator('[role="alert"]:not(#__next-route-announcer__)')).to_be_visible()


def test_closing_the_account_signs_out_and_keeps_out(page, user):
    sign_in(page, user)
    page.goto("/settings")
    section = page.get_by_role("region", name="Close your account")
    section.get_by_label("Your password, to confirm").fill("wrong password")
    section.get_by_role("button", name="Close my account").click()
    confirm(page, "Close my account")
    expect(section.get_by_test_id("password-error")).to_be_visible()
    expect(section.get_by_label("Your password, to confirm")).to_be_focused()

    section.get_by_label("Your password, to confirm").fill(PASSWORD)
    section.get_by_role("button", name="Close my account").click()
    confirm(page, "Close my account")
    expect(page).to_have_url(re.compile(r"/login\?reason=closed$"))
    expect(page.get_by_test_id("signed-out-notice")).to_have_text(
        "Your account is closed and you have been signed out."
    )
    user.refresh_from_db()
    assert not user.is_active
