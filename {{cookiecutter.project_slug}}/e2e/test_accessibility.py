"""Every page passes axe-core's WCAG 2.2 AA checks (no serious or critical violation) on a phone
and on a desktop, in the light and the dark theme: signed out (login, 404, forgot and reset
password, an invitation, confirming an address), as a client (dashboard, its user menu and a
confirm dialog open, settings, "Not allowed"), as staff (users, invitations, a user's page)."""

import secrets
from datetime import timedelta

from accounts.invitations import digest
from accounts.models import Invitation
from django.utils import timezone
from playwright.sync_api import expect
from support.models import SupportRequest  # example_app

from accessibility import report
from conftest import make_user
from helpers import alerts, sign_in

LAYOUTS = [
    (390, "light"),
    (390, "dark"),
    (1280, "light"),
    (1280, "dark"),
]


def check_layouts(page, what: str) -> list[str]:
    """The page as it is, in every layout: what is wrong, one entry per layout."""
    problems = []
    for width, scheme in LAYOUTS:
        page.set_viewport_size({"width": width, "height": 844})
        page.emulate_media(color_scheme=scheme)
        if found := report(page, f"{what}, {width}px, {scheme}"):
            problems.append(found)
    return problems


def assert_none(problems: list[str]) -> None:
    assert not problems, "\n\n".join(problems)


def test_signed_out_pages(page):
    problems = []
    page.goto("/login")
    expect(page.get_by_label("Email")).to_be_visible()
    problems += check_layouts(page, "/login")

    page.goto("/login?reason=revoked")
    expect(page.get_by_test_id("signed-out-notice")).to_be_visible()
    problems += check_layouts(page, "/login with a notice")

    page.goto("/no-such-page")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    problems += check_layouts(page, "404")
    assert_none(problems)


def test_account_pages_signed_out(page):
    problems = []
    page.goto("/forgot-password")
    page.get_by_label("Email").fill(f"someone-{secrets.token_hex(3)}@example.com")
    page.get_by_role("button", name="Send me a link").click()
    expect(page.get_by_test_id("reset-requested")).not_to_be_empty()
    problems += check_layouts(page, "/forgot-password, link requested")

    page.goto("/reset-password?uid=MQ&token=not-a-token")
    page.get_by_label("New password", exact=True).fill("a long and secret passphrase")
    page.get_by_role("button", name="Set password and sign in").click()
    expect(alerts(page)).to_be_visible()
    problems += check_layouts(page, "/reset-password with the API's error")

    token = secrets.token_urlsafe(32)
    Invitation.objects.create(
        email=f"invitee-{secrets.token_hex(3)}@example.com",
        invited_by=make_user(role="staff"),
        token_digest=digest(token),
        expires_at=timezone.now() + timedelta(days=1),
    )
    page.goto(f"/invite/{token}")
    page.get_by_label("Your name").fill("Ines Invitee")
    page.get_by_label("Choose a password").fill("password")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_test_id("password-error")).to_be_visible()
    problems += check_layouts(page, "/invite/<token> with the password's errors")

    page.goto("/invite/no-such-invitation")
    expect(page.get_by_test_id("invitation-problem")).to_be_visible()
    problems += check_layouts(page, "/invite/<unknown token>")

    page.goto("/confirm-email?token=tampered")
    page.get_by_role("button", name="Confirm my new address").click()
    expect(alerts(page)).to_be_visible()
    problems += check_layouts(page, "/confirm-email with the API's error")
    assert_none(problems)


def test_client_pages(page, user):
    problems = []
    sign_in(page, user)
    expect(page.get_by_test_id("session")).to_have_count(1)
    problems += check_layouts(page, "/dashboard")

    page.get_by_test_id("user-menu-button").click()
    expect(page.get_by_role("link", name="Settings")).to_be_visible()
    problems += check_layouts(page, "/dashboard, user menu open")
    page.keyboard.press("Escape")

    page.get_by_role("button", name="Log out everywhere").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    problems += check_layouts(page, "/dashboard, confirm dialog open")
    page.keyboard.press("Escape")

    page.goto("/users")
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    problems += check_layouts(page, "/users as a client (not allowed)")

    page.goto("/settings")
    password = page.get_by_role("region", name="Password")
    password.get_by_label("Current password").fill("not my password")
    password.get_by_label("New password").fill("a long and secret passphrase 2")
    password.get_by_role("button", name="Change password").click()
    expect(password.get_by_test_id("current_password-error")).to_be_visible()
    problems += check_layouts(page, "/settings with the API's errors")
    page.get_by_role("button", name="Close my account").click()
    expect(page.get_by_role("dialog")).to_be_visible()
    problems += check_layouts(page, "/settings, close account dialog open")
    page.keyboard.press("Escape")

    jam = SupportRequest.objects.create(author=user, subject="Jam", body="?")  # example_app
    page.goto("/requests")  # example_app
    expect(page.get_by_test_id("request-row")).to_have_count(1)  # example_app
    problems += check_layouts(page, "/requests as a client")  # example_app
    page.goto(f"/requests/{jam.pk}")  # example_app
    expect(page.get_by_test_id("message")).to_have_count(1)  # example_app
    problems += check_layouts(page, "a request as a client")  # example_app
    page.goto("/requests/new")  # example_app
    page.get_by_role("button", name="Send request").click()  # example_app
    expect(page.locator("#subject-error")).to_be_visible()  # example_app
    problems += check_layouts(page, "/requests/new with the API's errors")  # example_app
    assert_none(problems)


def test_staff_pages(page, staff_user):
    problems = []
    sign_in(page, staff_user)
    page.goto("/users")
    expect(page.get_by_role("heading", name="Users", level=1)).to_be_visible()
    form = page.get_by_role("form", name="Invite someone")
    form.get_by_label("Email").fill(f"invitee-{secrets.token_hex(3)}@example.com")
    form.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_test_id("invitation").first).to_be_visible()
    problems += check_layouts(page, "/users as staff, with an invitation")

    page.goto(f"/users/{staff_user.pk}")
    expect(page.get_by_role("heading", name=staff_user.name, level=1)).to_be_visible()
    problems += check_layouts(page, "a user's page (one's own)")
    client = make_user(name="Cleo Client")
    page.goto(f"/users/{client.pk}")
    expect(page.get_by_role("button", name="Change role")).to_be_visible()
    problems += check_layouts(page, "a user's page as staff")

    jam = SupportRequest.objects.create(author=staff_user, subject="Jam", body="?")  # example_app
    page.goto("/requests")  # example_app
    expect(page.get_by_test_id("request-author").first).to_be_visible()  # example_app
    problems += check_layouts(page, "/requests as staff")  # example_app
    page.goto(f"/requests/{jam.pk}")  # example_app
    expect(page.get_by_label("Change the status to")).to_be_visible()  # example_app
    problems += check_layouts(page, "a request as staff")  # example_app
    assert_none(problems)
