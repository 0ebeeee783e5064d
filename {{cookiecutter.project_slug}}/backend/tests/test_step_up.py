"""Step-up: the sensitive actions want a recent proof on this device (REAUTH_WINDOW), and
POST /api/auth/reauth/ gives one: with the password or a code."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import DeviceSession, User

from .conftest import PASSWORD
from .test_two_factor import code_at, enrol, with_app

SENSITIVE = [
    ("post", "/api/account/password/", {"current_password": PASSWORD, "new_password": "x" * 20}),
    ("post", "/api/account/email/", {"new_email": "new@example.com", "password": PASSWORD}),
    ("delete", "/api/account/totp/", None),
    ("post", "/api/account/recovery-codes/", None),
    ("post", "/api/auth/logout-all/", None),
    # Adding a second factor too: a stolen session must not add a way back in, nor lock the
    # owner out behind an app only the thief has.
    ("post", "/api/account/totp/", None),
    ("post", "/api/account/passkeys/options/", None),
]


def age_sessions(user: User, seconds: int) -> None:
    DeviceSession.objects.filter(user=user).update(
        authenticated_at=timezone.now() - timedelta(seconds=seconds)
    )


@pytest.mark.parametrize(("method", "path", "body"), SENSITIVE)
def test_a_sensitive_action_wants_a_recent_proof(signed_in, user, settings, method, path, body):
    with_app(user)
    age_sessions(user, settings.REAUTH_WINDOW + 1)
    response = getattr(signed_in, method)(path, body, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Confirm it's you to continue.", "code": "reauth_required"}
    # Nothing happened.
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and user.two_factor_enabled
    assert DeviceSession.objects.filter(user=user, revoked_at__isnull=True).count() == 1


def test_within_the_window_it_goes_through(signed_in, user, settings):
    age_sessions(user, settings.REAUTH_WINDOW - 30)
    response = signed_in.post(
        "/api/account/password/",
        {"current_password": PASSWORD, "new_password": "a brand new passphrase here"},
        format="json",
    )
    assert response.status_code == 200


def test_the_password_confirms_it_and_the_action_proceeds(signed_in, user, settings):
    age_sessions(user, settings.REAUTH_WINDOW + 1)
    assert signed_in.post("/api/auth/logout-all/").status_code == 403
    wrong = signed_in.post("/api/auth/reauth/", {"password": "not it"}, format="json")
    assert wrong.status_code == 400 and "password" in wrong.json()["errors"]
    done = signed_in.post("/api/auth/reauth/", {"password": PASSWORD}, format="json")
    assert done.status_code == 200
    assert done.json()["reauthenticated_until"]
    assert signed_in.post("/api/auth/logout-all/").status_code == 200


def test_a_code_confirms_it_once(signed_in, user, settings):
    secret, recovery = enrol(signed_in)
    age_sessions(user, settings.REAUTH_WINDOW + 1)
    code = code_at(secret, 1)
    assert signed_in.post("/api/auth/reauth/", {"code": code}, format="json").status_code == 200
    age_sessions(user, settings.REAUTH_WINDOW + 1)
    replay = signed_in.post("/api/auth/reauth/", {"code": code}, format="json")
    assert replay.status_code == 400
    assert (
        signed_in.post("/api/auth/reauth/", {"code": recovery[0]}, format="json").status_code == 200
    )


def test_the_proof_is_per_device(signed_in, user, settings):
    """Confirming on one device does not open the sensitive actions on another."""
    from .conftest import login, make_client, with_csrf

    other = with_csrf(make_client())
    assert login(other).status_code == 200
    age_sessions(user, settings.REAUTH_WINDOW + 1)
    assert (
        signed_in.post("/api/auth/reauth/", {"password": PASSWORD}, format="json").status_code
        == 200
    )
    assert other.post("/api/account/recovery-codes/").status_code == 403


def test_the_window_ends(signed_in, user, settings, time_machine):
    # Shorter than any access token lifetime a project may choose, so the token outlives it.
    settings.REAUTH_WINDOW = 20
    time_machine.move_to(timezone.now())
    assert (
        signed_in.post("/api/auth/reauth/", {"password": PASSWORD}, format="json").status_code
        == 200
    )
    time_machine.shift(timedelta(seconds=settings.REAUTH_WINDOW - 2))
    # Still within it: past the step-up check (to "two-factor is off").
    assert signed_in.post("/api/account/recovery-codes/").json()["code"] == "two_factor_off"
    time_machine.shift(timedelta(seconds=3))
    assert signed_in.post("/api/auth/logout-all/").status_code == 403


@pytest.mark.parametrize(
    "body",
    [{}, {"password": PASSWORD, "code": "123456"}, {"code": ""}, {"credential": "nope"}],
)
def test_reauth_wants_exactly_one_proof(signed_in, body):
    assert signed_in.post("/api/auth/reauth/", body, format="json").status_code == 400


def test_wrong_passwords_at_reauth_are_throttled_like_sign_in(signed_in, settings):
    settings.LOGIN_FAILURES_PER_CLIENT = 2
    for _ in range(2):
        signed_in.post("/api/auth/reauth/", {"password": "nope"}, format="json")
    assert (
        signed_in.post("/api/auth/reauth/", {"password": "nope"}, format="json").status_code == 429
    )


def test_reauth_needs_a_session(browser):
    assert (
        browser.post("/api/auth/reauth/", {"password": PASSWORD}, format="json").status_code == 401
    )
