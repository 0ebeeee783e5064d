"""Open sign-up in a real browser (bakes with signup=open), the link read from the mail the API
sent over SMTP: no sign-in before the address is verified; the link verifies it and signs in; the
link works once; the sign-up pages pass axe's checks."""

import re
import secrets

from playwright.sync_api import expect

from accessibility import assert_accessible
from conftest import PASSWORD
from helpers import alerts


def test_sign_up_verify_then_sign_in(page, mailbox):
    email = f"sue-{secrets.token_hex(3)}@example.com"
    page.goto("/login")
    page.get_by_role("link", name="Create an account").click()
    expect(page).to_have_url(re.compile(r"/signup$"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Your name").fill("Sue Signup")
    page.get_by_label("Choose a password").fill("password")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_test_id("password-error")).to_contain_text("too common")
    assert_accessible(page, "/signup with the password's errors")

    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_test_id("signup-done")).to_contain_text(email)
    assert_accessible(page, "/signup, link sent")
    mail = mailbox.wait_for(to=email, subject_contains="Confirm your address")
    link = mail.link("/verify-email")

    # Not before the address is verified.
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(alerts(page)).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login$"))

    page.goto(link)
    assert_accessible(page, "/verify-email")
    page.get_by_role("button", name="Verify and sign in").click()
    page.wait_for_url("**/dashboard")
    expect(page.get_by_test_id("user-email")).to_have_text(email)
    expect(page.get_by_test_id("user-name")).to_have_text("Sue Signup")

    page.get_by_role("banner").get_by_test_id("user-menu-button").click()
    page.get_by_role("banner").get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto(link)  # used
    page.get_by_role("button", name="Verify and sign in").click()
    expect(alerts(page)).to_be_visible()

    page.goto("/login")  # and the password works now
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard")


def test_resend_sends_the_link_again(page, mailbox):
    email = f"rae-{secrets.token_hex(3)}@example.com"
    page.goto("/signup")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Your name").fill("Rae")
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    mailbox.wait_for(to=email, subject_contains="Confirm your address")
    page.get_by_role("button", name="Send the link again").click()
    expect(page.get_by_test_id("link-resent")).not_to_be_empty()
    mailbox.wait_for(to=email, subject_contains="Confirm your address", count=2)
