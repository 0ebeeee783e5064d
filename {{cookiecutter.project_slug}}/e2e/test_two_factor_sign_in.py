"""Signing in with two-factor, in a real browser: the code step after the password (codes
computed here from the secret in the database), a wrong code, recovery codes (each works once),
a passkey as the second step (Chromium's virtual authenticator), the "Confirm it's you" prompt
before a password change when the last proof is too old, and a staff user without a second
factor held on the enrolment page."""

import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from accessibility import report
from conftest import PASSWORD, add_authenticator_app, make_user
from helpers import Traffic, alerts, cookie, sign_in, totp_code, wrong_totp_code
from virtual_authenticator import VirtualAuthenticator

ENROLMENT = "/settings/two-factor"
NEW_PASSWORD = "another long and secret passphrase"


def password_step(page, user, path: str = "/login") -> None:
    page.goto(path)
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


# A GET from the page, with its cookies. Access tokens live 4 s here: a 401 is asked again
# after the visible tab has renewed them (ahead of expiry), a few times at most.
STATUS_OF = """async ([url, retry401]) => {
  for (let attempt = 0; ; attempt++) {
    const status = (await fetch(url, { credentials: "include" })).status;
    if (status !== 401 || !retry401 || attempt >= 10) return status;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}"""


def status_of(page, url: str, retry401: bool = False) -> int:
    return page.evaluate(STATUS_OF, [url, retry401])


def statuses(traffic: Traffic, path: str) -> list[int]:
    """The answers to `path`, without the 401s of an expired access token (each is retried)."""
    return [s for s in traffic.statuses("POST", path) if s != 401]


def test_sign_in_with_an_authenticator_code(page, context, api_url):
    user = add_authenticator_app(make_user())
    password_step(page, user, "/login?next=%2Fsettings")

    expect(page.get_by_role("heading", name="Two-factor authentication", level=1)).to_be_visible()
    field = page.get_by_label("Authentication code")
    expect(field).to_be_focused()
    expect(field).to_have_attribute("autocomplete", "one-time-code")
    expect(field).to_have_attribute("inputmode", "numeric")
    # Between the steps: only the short-lived challenge cookie, no session.
    assert cookie(context, "access") is None and cookie(context, "refresh") is None
    challenge = cookie(context, "mfa")
    assert challenge is not None and challenge["httpOnly"] and challenge["path"] == "/api/auth/"
    assert status_of(page, f"{api_url}/api/auth/me/") == 401

    field.fill(totp_code(page, user))
    page.get_by_role("button", name="Verify").click()
    expect(page).to_have_url(re.compile(r"/settings$"))  # ?next= is kept through the code step
    expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()
    assert cookie(context, "access") is not None
    assert cookie(context, "mfa") is None


def test_a_wrong_code_is_said_then_the_right_one_signs_in(page, context, api_url):
    user = add_authenticator_app(make_user())
    traffic = Traffic(api_url).attach(context)
    password_step(page, user)

    field = page.get_by_label("Authentication code")
    field.fill(wrong_totp_code(user))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_test_id("code-error")).to_have_text("That code is not valid.")
    expect(field).to_be_focused()
    expect(page).to_have_url(re.compile(r"/login$"))
    assert cookie(context, "access") is None

    field.fill(totp_code(page, user))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/dashboard")
    expect(page.get_by_test_id("user-email")).to_have_text(user.email)
    assert traffic.statuses("POST", "/api/auth/login/second-factor/") == [400, 200]


def test_start_over_goes_back_to_the_password(page):
    user = add_authenticator_app(make_user())
    password_step(page, user)
    expect(page.get_by_label("Authentication code")).to_be_visible()
    page.get_by_role("button", name="Start over").click()
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value(user.email)


def add_recovery_codes(user, codes: list[str]) -> None:
    """Stored as the API stores them (hashed with its own function)."""
    from accounts.models import RecoveryCode
    from accounts.totp import recovery_code_digest

    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, digest=recovery_code_digest(code)) for code in codes
    )


def test_a_recovery_code_works_once(page, context):
    from accounts.models import RecoveryCode
    from accounts.totp import recovery_code_digest

    user = add_authenticator_app(make_user())
    codes = ["abcd-efgh-jkmn-pqrs", "tuvw-xyz2-3456-789a"]
    add_recovery_codes(user, codes)

    password_step(page, user)
    page.get_by_role("button", name="Use a recovery code").click()
    field = page.get_by_label("Recovery code")
    expect(field).to_be_focused()
    field.fill(" ABCD EFGH-JKMN-PQRS ")  # as read from paper: case, spaces and dashes don't matter
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/dashboard")
    expect(page.get_by_test_id("user-email")).to_have_text(user.email)
    used = RecoveryCode.objects.get(user=user, digest=recovery_code_digest(codes[0]))
    assert used.used_at is not None

    page.get_by_test_id("user-menu-button").click()
    page.get_by_role("banner").get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login"))

    password_step(page, user)
    page.get_by_role("button", name="Use a recovery code").click()
    page.get_by_label("Recovery code").fill(codes[0])
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_test_id("code-error")).to_have_text("That code is not valid.")
    assert cookie(context, "access") is None
    # The other code still works.
    page.get_by_label("Recovery code").fill(codes[1])
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/dashboard")


def proved_long_ago(user) -> None:
    """The user's last proof on their devices is older than REAUTH_WINDOW."""
    from accounts.models import DeviceSession

    long_ago = timezone.now() - timedelta(seconds=settings.REAUTH_WINDOW + 60)
    DeviceSession.objects.filter(user=user).update(authenticated_at=long_ago)


def change_password(page) -> None:
    section = page.get_by_role("region", name="Password")
    section.get_by_label("Current password").fill(PASSWORD)
    section.get_by_label("New password").fill(NEW_PASSWORD)
    section.get_by_role("button", name="Change password").click()


def test_a_password_change_asks_to_confirm_it_is_you_first(page, context, user, api_url):
    traffic = Traffic(api_url).attach(context)
    sign_in(page, user)
    page.goto("/settings")
    proved_long_ago(user)

    # Cancelled: nothing changes, and the form says why.
    change_password(page)
    dialog = page.get_by_role("dialog", name="Confirm it's you")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Password", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    section = page.get_by_role("region", name="Password")
    expect(section.get_by_role("alert")).to_have_text("Confirm it's you to continue.")
    user.refresh_from_db()
    assert user.check_password(PASSWORD)

    # A wrong password keeps the dialog open, with the field's error; the right one goes on.
    change_password(page)
    expect(dialog).to_be_visible()
    dialog.get_by_label("Password", exact=True).fill("not my password")
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog.get_by_test_id("password-error")).to_be_visible()
    expect(dialog.get_by_label("Password", exact=True)).to_be_focused()
    expect(dialog).to_be_visible()
    dialog.get_by_label("Password", exact=True).fill(PASSWORD)
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("password-changed")).to_have_text(
        "Your password is changed. Your other devices have been signed out."
    )
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # Cancelled; then refused, confirmed, and sent again once.
    assert statuses(traffic, "/api/account/password/") == [403, 403, 200]
    assert statuses(traffic, "/api/auth/reauth/") == [400, 200]


def test_the_prompt_takes_a_code_when_two_factor_is_on(page, context):
    user = add_authenticator_app(make_user())
    sign_in(page, user)
    page.goto("/settings")
    proved_long_ago(user)

    change_password(page)
    dialog = page.get_by_role("dialog", name="Confirm it's you")
    dialog.get_by_role("button", name="Use a code instead").click()
    field = dialog.get_by_label("Authentication code")
    expect(field).to_be_focused()
    field.fill(totp_code(page, user))
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("password-changed")).to_be_visible()
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_staff_user_without_two_factor_can_only_set_it_up(page, api_url):
    staff = make_user(name="Sam Staff", role="staff")
    password_step(page, staff, "/login?next=%2Fusers")
    expect(page).to_have_url(re.compile(rf"{ENROLMENT}$"))
    # Nowhere else to go: no navigation, and the menu has only the sign-out.
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    page.get_by_test_id("user-menu-button").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Settings")).to_have_count(0)
    expect(page.get_by_role("banner").get_by_role("button", name="Log out")).to_be_visible()

    page.goto("/users")
    expect(page).to_have_url(re.compile(rf"{ENROLMENT}$"))
    page.goto("/settings")
    expect(page).to_have_url(re.compile(rf"{ENROLMENT}$"))
    # The API agrees, whatever the page shows.
    assert status_of(page, f"{api_url}/api/users/", retry401=True) == 403


def test_a_passkey_finishes_the_second_step_and_a_closed_prompt_is_calm(page, context):
    user = add_authenticator_app(make_user())
    authenticator = VirtualAuthenticator(page)
    sign_in(page, user)
    page.goto(ENROLMENT)
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_test_id("passkey")).to_have_count(1)
    page.get_by_test_id("user-menu-button").click()
    page.get_by_role("banner").get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login"))

    password_step(page, user)
    # The user closes the browser's prompt (as when verification fails): said calmly, and the
    # code step is still there.
    authenticator.refuse_user_verification()
    page.get_by_role("button", name="Use a passkey").click()
    expect(alerts(page)).to_have_text(re.compile(r"passkey prompt was closed"))
    expect(page.get_by_label("Authentication code")).to_be_visible()
    assert cookie(context, "access") is None

    authenticator.cdp.send(
        "WebAuthn.setUserVerified", {"authenticatorId": authenticator.id, "isUserVerified": True}
    )
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url("**/dashboard")
    expect(page.get_by_test_id("user-email")).to_have_text(user.email)
    assert cookie(context, "mfa") is None


def test_the_code_step_and_the_prompt_pass_axe(page):
    """axe-core's WCAG checks, on a phone and a desktop, light and dark: the code step with a
    wrong code's error, the recovery code field, and the prompt with a wrong password's error."""
    user = add_authenticator_app(make_user())
    add_recovery_codes(user, ["abcd-efgh-jkmn-pqrs"])
    problems = []

    def check(what: str) -> None:
        for width, scheme in [(390, "light"), (1280, "dark")]:
            page.set_viewport_size({"width": width, "height": 844})
            page.emulate_media(color_scheme=scheme)
            if found := report(page, f"{what}, {width}px, {scheme}"):
                problems.append(found)

    password_step(page, user)
    page.get_by_label("Authentication code").fill(wrong_totp_code(user))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_test_id("code-error")).to_be_visible()
    check("the code step with an error")
    page.get_by_role("button", name="Use a recovery code").click()
    expect(page.get_by_label("Recovery code")).to_be_visible()
    check("the recovery code step")

    sign_in(page, user)
    page.goto("/settings")
    proved_long_ago(user)
    change_password(page)
    dialog = page.get_by_role("dialog", name="Confirm it's you")
    dialog.get_by_label("Password", exact=True).fill("not my password")
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog.get_by_test_id("password-error")).to_be_visible()
    check("the prompt with an error")
    assert not problems, "\n\n".join(problems)
