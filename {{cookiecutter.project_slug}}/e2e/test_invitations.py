"""Invitations in a real browser, the link read from the mail the API sent over SMTP: staff
invite an address, the invitee accepts in their own browser (the password checked inline) and is
signed in; a used, resent or withdrawn link says it can't be used."""

import re
import secrets

from playwright.sync_api import expect

from conftest import PASSWORD
from helpers import HIDDEN_TAB, confirm, sign_in


def invite(page, email: str, name: str = "", role: str = "client") -> None:
    form = page.get_by_role("form", name="Invite someone")
    form.get_by_label("Email").fill(email)
    form.get_by_label("Name (optional)").fill(name)
    form.get_by_label("Role").select_option(role)
    form.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_test_id("invitation-sent")).to_have_text(f"Invitation sent to {email}.")


def pending(page, email: str):
    return page.get_by_test_id("invitation").filter(has_text=email)


def test_staff_invite_a_client_who_accepts_and_is_signed_in(
    page, browser, base_url, staff_user, mailbox
):
    email = f"ivy-{secrets.token_hex(3)}@example.com"
    sign_in(page, staff_user)
    page.goto("/users")
    invite(page, email, name="Ivy Invitee")
    expect(pending(page, email)).to_contain_text("Client")

    mail = mailbox.wait_for(to=email, subject_contains="invited")
    assert "Sam Staff invites you" in mail.text
    link = mail.link("/invite/")
    assert link in mail.html  # the HTML part has the same link

    invitee = browser.new_context(base_url=base_url)
    tab = invitee.new_page()
    tab.goto(link)
    expect(tab.get_by_role("heading", name="Create your account")).to_be_visible()
    expect(tab.get_by_label("Email")).to_have_value(email)
    expect(tab.get_by_label("Your name")).to_have_value("Ivy Invitee")
    password = tab.get_by_label("Choose a password")
    password.fill("password")
    tab.get_by_role("button", name="Create account").click()
    # Django's password validators, said under the field, which gets the focus.
    expect(tab.get_by_test_id("password-error")).to_contain_text("too common")
    expect(password).to_be_focused()
    expect(password).to_have_attribute("aria-invalid", "true")

    password.fill(PASSWORD)
    tab.get_by_role("button", name="Create account").click()
    tab.wait_for_url("**/dashboard")
    expect(tab.get_by_test_id("user-email")).to_have_text(email)
    expect(tab.get_by_test_id("user-name")).to_have_text("Ivy Invitee")
    expect(tab.get_by_test_id("user-role")).to_have_text("client")

    tab.goto(link)  # used: it can't make another account
    expect(tab.get_by_test_id("invitation-problem")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Invitations")).to_be_visible()
    expect(
        page.get_by_test_id("no-invitations").or_(page.get_by_test_id("invitations"))
    ).to_be_visible()
    expect(pending(page, email)).to_have_count(0)
    invitee.close()


def test_a_resent_invitation_replaces_its_link_and_a_withdrawn_one_is_dead(
    page, staff_user, mailbox, browser, base_url
):
    email = f"rex-{secrets.token_hex(3)}@example.com"
    sign_in(page, staff_user)
    page.goto("/users")
    invite(page, email)
    first = mailbox.wait_for(to=email, subject_contains="invited").link("/invite/")

    page.get_by_role("button", name=f"Resend the invitation to {email}").click()
    expect(page.get_by_test_id("invitation-changed")).to_have_text(f"Sent again to {email}.")
    second = mailbox.wait_for(to=email, subject_contains="invited", count=2).link("/invite/")
    assert second != first

    visitor = browser.new_context(base_url=base_url).new_page()
    visitor.goto(first)
    expect(visitor.get_by_test_id("invitation-problem")).to_be_visible()
    visitor.goto(second)
    expect(visitor.get_by_label("Email")).to_have_value(email)

    page.get_by_role("button", name=f"Withdraw the invitation to {email}").click()
    confirm(page, "Withdraw")
    expect(page.get_by_test_id("invitation-changed")).to_have_text(f"Withdrawn: {email}.")
    expect(pending(page, email)).to_have_count(0)
    visitor.reload()
    expect(visitor.get_by_test_id("invitation-problem")).to_be_visible()
    expect(visitor.get_by_role("button", name="Create account")).to_have_count(0)
    visitor.context.close()


def test_staff_change_a_role_and_deactivate_a_user_who_is_signed_out(
    page, browser, base_url, staff_user, user
):
    client_browser = browser.new_context(base_url=base_url)
    client_browser.add_init_script(HIDDEN_TAB)  # signed out by its click below, not by a renewal
    client = client_browser.new_page()
    sign_in(client, user)
    sign_in(page, staff_user)
    page.goto(f"/users?search={user.email}")
    page.get_by_role("link", name=user.email).click()
    expect(page).to_have_url(re.compile(rf"/users/{user.pk}$"))
    expect(page.get_by_test_id("user-role")).to_have_text("Client")
    # Staff may not grant admin: the choice isn't offered.
    role = page.get_by_label("Role", exact=True)
    expect(role.locator("option")).to_have_text(["Client", "Staff"])

    role.select_option("staff")
    page.get_by_role("button", name="Change role").click()
    expect(page.get_by_test_id("user-changed")).to_have_text("Role changed to Staff.")
    expect(page.get_by_test_id("user-role")).to_have_text("Staff")

    page.get_by_role("button", name="Deactivate").click()
    confirm(page, "Deactivate")
    expect(page.get_by_test_id("user-active")).to_have_text("No")
    expect(page.get_by_role("button", name="Reactivate")).to_be_visible()
    client.get_by_role("button", name="Refresh").click()  # the client's next request
    expect(client).to_have_url(re.compile(r"/login\?next=%2Fdashboard&reason=revoked$"))
    client_browser.close()
