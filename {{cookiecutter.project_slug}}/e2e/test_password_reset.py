"""Password reset in a real browser, the link read from the mail the API sent over SMTP: the
answer says nothing about whether the address has an account; the link sets a new password and
signs in here, while another browser signed in as the same user is signed out at its next
request; the link works once."""

import re
import secrets

from playwright.sync_api import expect

from helpers import HIDDEN_TAB, alerts, sign_in

NEW_PASSWORD = "another long and secret passphrase"


def ask_for_a_link(page, email: str) -> None:
    page.goto("/login")
    page.get_by_role("link", name="Forgot password?").click()
    expect(page).to_have_url(re.compile(r"/forgot-password$"))
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Send me a link").click()


def test_reset_by_email_signs_in_here_and_out_elsewhere(page, browser, base_url, user, mailbox):
    elsewhere = browser.new_context(base_url=base_url)
    elsewhere.add_init_script(HIDDEN_TAB)  # signed out by its click below, not by a renewal before
    other = elsewhere.new_page()
    sign_in(other, user)

    ask_for_a_link(page, user.email)
    expect(page.get_by_test_id("reset-requested")).to_have_text(
        "If an account uses this address, we have sent it a link."
    )
    link = mailbox.wait_for(to=user.email, subject_contains="Reset").link("/reset-password")
    page.goto(link)
    page.get_by_label("New password", exact=True).fill("password")
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page.get_by_test_id("new_password-error")).to_contain_text("too common")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password and sign in").click()
    page.wait_for_url("**/dashboard")
    expect(page.get_by_test_id("user-email")).to_have_text(user.email)

    other.get_by_role("button", name="Refresh").click()  # its next request
    expect(other).to_have_url(re.compile(r"/login\?next=%2Fdashboard&reason=revoked$"))
    elsewhere.close()

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    page.goto(link)  # used once: it no longer works
    page.get_by_label("New password", exact=True).fill("yet another long passphrase")
    page.get_by_role("button", name="Set password and sign in").click()
    expect(alerts(page)).to_contain_text("invalid or has expired")


def test_an_unknown_address_gets_the_same_answer_and_no_mail(page, user, mailbox):
    nobody = f"nobody-{secrets.token_hex(3)}@example.com"
    ask_for_a_link(page, nobody)
    expect(page.get_by_test_id("reset-requested")).to_have_text(
        "If an account uses this address, we have sent it a link."
    )
    # A real address asked after it gets its mail: had the unknown one been sent anything, it
    # would have been delivered first.
    page.get_by_label("Email").fill(user.email)
    page.get_by_role("button", name="Send me a link").click()
    mailbox.wait_for(to=user.email, subject_contains="Reset")
    assert mailbox.to(nobody) == []


def test_a_link_without_its_token_says_so(page):
    page.goto("/reset-password")
    expect(alerts(page)).to_contain_text("This link is incomplete")
    page.get_by_role("link", name="Ask for a new link").click()
    expect(page).to_have_url(re.compile(r"/forgot-password$"))
