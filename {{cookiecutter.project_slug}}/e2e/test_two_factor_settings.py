"""Two-factor authentication in Settings, in a real browser: the authenticator app set up from
the QR code's key (codes computed here with pyotp) and its recovery codes shown once, then a
sign-in that asks for a code; passkeys added through Chromium's virtual authenticator, signing
in without an email, renamed and removed; new recovery codes after confirming it's you; a staff
user held on the page until enrolled; axe checks of the page."""

import re
import time
from datetime import timedelta

import pyotp
import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from accessibility import report
from conftest import PASSWORD, make_user
from helpers import alerts, confirm, sessions_of, sign_in
from virtual_authenticator import VirtualAuthenticator

ENROLMENT = "/settings/two-factor"


@pytest.fixture
def authenticator(page):
    """A platform authenticator with passkeys, in this page's Chromium (virtual_authenticator.py)."""
    return VirtualAuthenticator(page)


def code_at(secret: str, seconds_from_now: int) -> str:
    return pyotp.TOTP(secret).at(time.time() + seconds_from_now)


def a_wrong_code(secret: str) -> str:
    """A code the server refuses now: none of the steps it accepts (now, and one each side)."""
    near = {code_at(secret, offset) for offset in (-60, -30, 0, 30, 60)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444") if c not in near)


def log_out(page) -> None:
    page.get_by_test_id("user-menu-button").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login"))


def add_passkey(page, name: str = "Passkey") -> None:
    """From the two-factor page, through the virtual authenticator."""
    page.get_by_label("Passkey name").fill(name)
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_test_id("passkey-name").filter(has_text=name)).to_be_visible()


def proved_long_ago(user) -> None:
    """The user's last proof on their devices is older than REAUTH_WINDOW: a step-up action
    asks to confirm it's them."""
    from accounts.models import DeviceSession

    long_ago = timezone.now() - timedelta(seconds=settings.REAUTH_WINDOW + 60)
    DeviceSession.objects.filter(user=user).update(authenticated_at=long_ago)


def generate_new_codes(page) -> None:
    """Generate new codes, and yes in its confirmation (the step-up prompt may follow)."""
    page.get_by_role("button", name="Generate new codes").click()
    question = page.get_by_role("dialog", name="Generate new recovery codes?")
    question.get_by_role("button", name="Generate new codes", exact=True).click()


def recovery_digests(user) -> set[str]:
    from accounts.models import RecoveryCode

    return set(RecoveryCode.objects.filter(user=user).values_list("digest", flat=True))


def set_up_authenticator_app(page) -> tuple[str, list[str]]:
    """From the two-factor page: scan (read the key), a code, Turn on. Answers the secret and
    the recovery codes shown."""
    page.get_by_role("button", name="Set up authenticator app").click()
    qr = page.get_by_role("img", name="QR code for your authenticator app")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    page.get_by_label("Code from the app").fill(code_at(secret, 0))
    page.get_by_role("button", name="Turn on").click()
    codes = page.get_by_test_id("recovery-codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    return secret, [c.strip() for c in codes.all_inner_texts()]


def test_authenticator_app_from_settings_then_sign_in_with_a_code(page, context, user):
    from accounts.models import TOTPDevice

    context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, user)
    page.goto("/settings")
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(page).to_have_url(re.compile(r"/settings/two-factor$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Two-factor authentication")
    expect(page.get_by_test_id("two-factor-status")).to_have_text(
        "Two-factor authentication is off."
    )

    page.get_by_role("button", name="Set up authenticator app").click()
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    assert TOTPDevice.objects.get(user=user).secret == secret  # the key the QR code holds
    field = page.get_by_label("Code from the app")
    field.fill(a_wrong_code(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_test_id("code-error")).to_be_visible()
    expect(field).to_be_focused()
    user.refresh_from_db()
    assert not user.two_factor_enabled

    enrolment_code = code_at(secret, 0)
    field.fill(enrolment_code)
    page.get_by_role("button", name="Turn on").click()
    codes = page.get_by_test_id("recovery-codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    shown = [c.strip() for c in codes.all_inner_texts()]
    assert len(set(shown)) == 10
    assert all(re.fullmatch(r"[a-z0-9]{4}(-[a-z0-9]{4}){3}", c) for c in shown)
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_focused()
    expect(page.get_by_test_id("two-factor-done")).to_contain_text(
        "Two-factor authentication is on"
    )
    expect(page.get_by_test_id("two-factor-status")).to_have_text(
        "Two-factor authentication is on."
    )
    user.refresh_from_db()
    assert user.two_factor_enabled

    # Kept by the user: copied, and downloaded as a text file.
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_text("The codes are copied.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()").split() == shown
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    assert download.value.suggested_filename == "recovery-codes.txt"
    with open(download.value.path()) as saved:
        assert saved.read().split() == shown

    page.get_by_role("button", name="I saved them").click()
    expect(page.get_by_test_id("recovery-codes")).to_have_count(0)  # shown once
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_focused()
    expect(page.get_by_test_id("recovery-codes-left")).to_contain_text(
        "10 recovery codes are left."
    )
    expect(page.get_by_test_id("totp-on")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("totp-on")).to_be_visible()
    expect(page.get_by_test_id("recovery-codes")).to_have_count(0)  # never again

    # Signing in now asks for a code after the password; the enrolment's code is used up.
    log_out(page)
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Authentication code").fill(enrolment_code)
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_test_id("code-error")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/login"))

    page.get_by_label("Authentication code").fill(code_at(secret, 30))  # the next step's
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/dashboard")
    expect(page.get_by_test_id("user-email")).to_have_text(user.email)


def test_a_passkey_added_in_settings_signs_in_without_an_email(page, user, authenticator):
    from accounts.models import Passkey

    sign_in(page, user)
    page.goto(ENROLMENT)
    expect(page.get_by_test_id("no-passkeys")).to_be_visible()
    page.get_by_label("Passkey name").fill("Work laptop")
    page.get_by_role("button", name="Add a passkey").click()

    listed = page.get_by_test_id("passkey")
    expect(listed).to_have_count(1)
    expect(listed.get_by_test_id("passkey-name")).to_have_text("Work laptop")
    expect(listed).to_contain_text("never used")
    expect(page.get_by_test_id("two-factor-done")).to_have_text("The passkey Work laptop is added.")
    expect(page.get_by_test_id("two-factor-status")).to_have_text(
        "Two-factor authentication is on."
    )
    # The credential lives in the authenticator, discoverable, for this site; the API has it.
    held = authenticator.credentials()
    assert len(held) == 1 and held[0]["isResidentCredential"] and held[0]["rpId"] == "localhost"
    stored = Passkey.objects.get(user=user)
    assert authenticator.credential_ids() == {stored.credential_id}
    user.refresh_from_db()
    assert user.two_factor_enabled

    log_out(page)
    assert sessions_of(user)[0].is_revoked
    expect(page.get_by_label("Email")).to_have_value("")
    page.get_by_role("button", name="Sign in with a passkey").click()
    page.wait_for_url("**/dashboard")
    expect(page.get_by_test_id("user-email")).to_have_text(user.email)
    # A device session of its own, this one, in the list.
    current = page.get_by_test_id("session").filter(has_text="This device")
    expect(current).to_have_count(1)
    sessions = sessions_of(user)
    assert len(sessions) == 2 and not sessions[1].is_revoked
    stored.refresh_from_db()
    assert stored.last_used_at is not None
    page.goto(ENROLMENT)
    expect(page.get_by_test_id("passkey")).to_contain_text("last used")


def test_rename_and_remove_a_passkey(page, user, authenticator):
    from accounts.models import Passkey

    sign_in(page, user)
    page.goto(ENROLMENT)
    expect(page.get_by_label("Passkey name")).to_have_value("Passkey")  # a name to start with
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_test_id("passkey-name")).to_have_text("Passkey")

    page.get_by_role("button", name="Rename Passkey").click()
    field = page.get_by_label("Name of Passkey")
    expect(field).to_be_focused()
    field.fill("Phone")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("passkey-name")).to_have_text("Phone")
    expect(page.get_by_role("button", name="Rename Phone")).to_be_focused()
    assert Passkey.objects.get(user=user).name == "Phone"

    page.get_by_role("button", name="Rename Phone").click()  # Escape leaves it as it is
    page.get_by_label("Name of Phone").press("Escape")
    expect(page.get_by_role("button", name="Rename Phone")).to_be_focused()

    page.get_by_role("button", name="Remove Phone").click()
    expect(page.get_by_role("dialog", name="Remove Phone?")).to_be_visible()
    confirm(page, "Remove")
    expect(page.get_by_test_id("no-passkeys")).to_be_visible()
    expect(page.get_by_role("heading", name="Passkeys")).to_be_focused()
    expect(page.get_by_test_id("two-factor-status")).to_have_text(
        "Two-factor authentication is off."
    )
    assert not Passkey.objects.filter(user=user).exists()
    user.refresh_from_db()
    assert not user.two_factor_enabled


def test_a_closed_passkey_prompt_adds_nothing_and_says_so_calmly(page, user, authenticator):
    from accounts.models import Passkey

    sign_in(page, user)
    page.goto(ENROLMENT)
    authenticator.refuse_user_verification()  # the browser's prompt ends with NotAllowedError
    page.get_by_role("button", name="Add a passkey").click()
    expect(page.get_by_test_id("passkey-notice")).to_have_text(
        "No passkey was added: the prompt was closed. You can try again whenever you like."
    )
    expect(alerts(page)).to_have_count(0)
    expect(page.get_by_test_id("no-passkeys")).to_be_visible()
    assert not Passkey.objects.filter(user=user).exists()


def test_a_staff_user_is_held_on_the_page_until_enrolled(page):
    staff = make_user(name="Sam Staff", role="staff")
    page.goto("/login")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{ENROLMENT}")
    expect(page.get_by_test_id("two-factor-required")).to_have_text(
        "Your role requires two-factor authentication. Set it up to continue."
    )
    expect(page.get_by_test_id("two-factor-status")).to_contain_text("Required for your role")

    set_up_authenticator_app(page)
    # The sign-in state now knows (auth.reloadUser()): the codes stay until the user is done.
    expect(page.get_by_test_id("two-factor-required")).to_have_count(0)
    expect(page.get_by_test_id("recovery-codes").get_by_role("listitem")).to_have_count(10)
    page.get_by_role("button", name="I saved them").click()

    # Its last second factor: the policy refuses to turn it off, in the API's words.
    page.get_by_role("button", name="Turn off").click()
    confirm(page, "Turn off")
    expect(alerts(page)).to_contain_text("Your role requires two-factor")
    expect(page.get_by_test_id("totp-on")).to_be_visible()
    staff.refresh_from_db()
    assert staff.two_factor_enabled

    page.goto("/dashboard")  # no longer held back
    expect(page.get_by_test_id("user-email")).to_have_text(staff.email)


def test_new_recovery_codes_after_confirming_it_is_you(page, user, authenticator):
    from accounts.totp import recovery_code_digest

    sign_in(page, user)
    page.goto(ENROLMENT)
    add_passkey(page)
    expect(page.get_by_test_id("recovery-codes-left")).to_contain_text("0 recovery codes are left.")
    proved_long_ago(user)

    # Cancelled: nothing made, the page says why.
    generate_new_codes(page)
    prompt = page.get_by_role("dialog", name="Confirm it's you")
    prompt.get_by_role("button", name="Cancel").click()
    expect(alerts(page)).to_contain_text("Confirm it's you to continue.")
    assert recovery_digests(user) == set()

    generate_new_codes(page)
    prompt.get_by_role("button", name="Use a passkey").click()  # the virtual authenticator's
    codes = page.get_by_test_id("recovery-codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    shown = [c.strip() for c in codes.all_inner_texts()]
    assert recovery_digests(user) == {recovery_code_digest(c) for c in shown}
    page.get_by_role("button", name="I saved them").click()
    expect(page.get_by_test_id("recovery-codes-left")).to_contain_text(
        "10 recovery codes are left."
    )


def test_the_two_factor_page_is_accessible(page, user, authenticator):
    problems = []

    def check(what: str) -> None:
        for width, scheme in ((390, "light"), (1280, "dark")):
            page.set_viewport_size({"width": width, "height": 844})
            page.emulate_media(color_scheme=scheme)
            if found := report(page, f"{what}, {width}px, {scheme}"):
                problems.append(found)

    sign_in(page, user)
    page.goto(ENROLMENT)
    expect(page.get_by_test_id("no-passkeys")).to_be_visible()
    check("two-factor off")

    page.get_by_role("button", name="Set up authenticator app").click()
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    page.get_by_label("Code from the app").fill(a_wrong_code(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_test_id("code-error")).to_be_visible()
    check("the authenticator app's QR code, a wrong code")
    page.get_by_label("Code from the app").fill(code_at(secret, 0))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_test_id("recovery-codes").get_by_role("listitem")).to_have_count(10)
    check("recovery codes")

    page.get_by_role("button", name="I saved them").click()
    add_passkey(page, "Laptop")
    page.get_by_role("button", name="Rename Laptop").click()
    check("two-factor on, a passkey being renamed")
    assert not problems, "\n\n".join(problems)
