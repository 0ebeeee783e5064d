"""The authenticator app and recovery codes: enrolment, the second step of signing in (browser
and token flow), replayed and wrong codes, throttling, the challenge's limits, the operator's
reset, and the admin's login."""

import re
import time
from datetime import timedelta

import pyotp
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import totp
from accounts.cookies import access_cookie, challenge_cookie, refresh_cookie
from accounts.models import AuthChallenge, DeviceSession, RecoveryCode, TOTPDevice, User

from .conftest import PASSWORD, login, make_client, make_user, with_csrf

SECOND_STEP = "/api/auth/login/second-factor/"


def code_at(secret: str, step_offset: int = 0) -> str:
    return pyotp.TOTP(secret).at(int(time.time()) + step_offset * totp.INTERVAL)


def enrol(client: APIClient) -> tuple[str, list[str]]:
    """Turn the authenticator app on through the API: its secret and the recovery codes."""
    started = client.post("/api/account/totp/")
    assert started.status_code == 200, started.content
    secret = started.json()["secret"]
    confirmed = client.post("/api/account/totp/confirm/", {"code": code_at(secret)}, format="json")
    assert confirmed.status_code == 200, confirmed.content
    return secret, confirmed.json()["recovery_codes"]


def with_app(user: User) -> str:
    """A confirmed authenticator app for `user`, made directly; its secret."""
    device = TOTPDevice.objects.create(
        user=user, secret=pyotp.random_base32(), confirmed_at=timezone.now()
    )
    user.two_factor_enabled = True
    user.save(update_fields=["two_factor_enabled"])
    return device.secret


def password_step(client=None, email="ada@example.com"):
    client = client or with_csrf(make_client())
    response = login(client, email=email)
    assert response.status_code == 202, response.content
    return client, response


# --- Enrolment ------------------------------------------------------------------------------------


def test_enrolment_shows_a_secret_and_a_local_qr_code_then_a_code_turns_it_on(signed_in, user):
    started = signed_in.post("/api/account/totp/").json()
    assert re.fullmatch(r"[A-Z2-7]{32}", started["secret"])
    assert started["otpauth_url"].startswith("otpauth://totp/")
    assert f"secret={started['secret']}" in started["otpauth_url"]
    assert started["qr_code"].startswith("data:image/svg+xml;base64,")
    # Not on until confirmed: signing in still takes the password alone.
    assert signed_in.get("/api/account/two-factor/").json()["enabled"] is False

    wrong = signed_in.post("/api/account/totp/confirm/", {"code": "000000"}, format="json")
    assert wrong.status_code == 400
    assert "code" in wrong.json()["errors"]

    done = signed_in.post(
        "/api/account/totp/confirm/", {"code": code_at(started["secret"])}, format="json"
    )
    assert done.status_code == 200
    codes = done.json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", code) for code in codes)
    # Stored as digests only.
    stored = set(RecoveryCode.objects.filter(user=user).values_list("digest", flat=True))
    assert not stored & set(codes) and len(stored) == 10

    user.refresh_from_db()
    assert user.two_factor_enabled
    status = signed_in.get("/api/account/two-factor/").json()
    assert status == {
        "enabled": True,
        "required": False,
        "totp": True,
        "recovery_codes_left": 10,
        "passkeys": 0,
    }
    assert signed_in.get("/api/auth/me/").json()["two_factor_enabled"] is True
    again = signed_in.post("/api/account/totp/")
    assert again.status_code == 400 and again.json()["code"] == "totp_already_enabled"


def test_confirming_without_starting_says_so(signed_in):
    response = signed_in.post("/api/account/totp/confirm/", {"code": "123456"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "no_totp_enrolment"


def test_restarting_enrolment_replaces_the_unconfirmed_secret(signed_in):
    first = signed_in.post("/api/account/totp/").json()["secret"]
    second = signed_in.post("/api/account/totp/").json()["secret"]
    assert first != second
    old = signed_in.post("/api/account/totp/confirm/", {"code": code_at(first)}, format="json")
    assert old.status_code == 400


# --- Signing in: browser ------------------------------------------------------------------------


def test_the_password_alone_gives_no_token_only_a_challenge_cookie(user):
    with_app(user)
    client, response = password_step()
    assert response.json() == {
        "second_factor_required": True,
        "methods": ["totp"],
        "expires_in": 300,
    }
    assert access_cookie() not in response.cookies and refresh_cookie() not in response.cookies
    cookie = response.cookies[challenge_cookie()]
    assert cookie["httponly"] and cookie["path"] == "/api/auth/" and cookie["max-age"] == 300
    assert client.get("/api/auth/me/").status_code == 401
    # Only its digest is stored.
    assert not AuthChallenge.objects.filter(digest=cookie.value).exists()


def test_a_code_finishes_signing_in_and_the_challenge_is_single_use(user):
    secret = with_app(user)
    client, _ = password_step()
    response = client.post(SECOND_STEP, {"code": code_at(secret)}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["user"]["email"] == user.email
    assert response.cookies[access_cookie()].value
    assert response.cookies[challenge_cookie()].value == ""  # deleted
    assert client.get("/api/auth/me/").status_code == 200
    assert AuthChallenge.objects.count() == 0
    assert DeviceSession.objects.filter(user=user).count() == 1


def test_a_code_is_accepted_once(user):
    secret = with_app(user)
    code = code_at(secret)
    first, _ = password_step()
    assert first.post(SECOND_STEP, {"code": code}, format="json").status_code == 200
    second, _ = password_step()
    replay = second.post(SECOND_STEP, {"code": code}, format="json")
    assert replay.status_code == 400
    assert replay.json()["errors"]["code"] == ["That code is not valid."]


def test_codes_of_the_neighbouring_steps_work_but_older_ones_do_not(user):
    secret = with_app(user)
    client, _ = password_step()
    stale = client.post(SECOND_STEP, {"code": code_at(secret, -3)}, format="json")
    assert stale.status_code == 400
    assert client.post(SECOND_STEP, {"code": code_at(secret, -1)}, format="json").status_code == 200


def test_a_code_used_at_a_later_step_kills_the_earlier_steps_codes(user):
    secret = with_app(user)
    first, _ = password_step()
    assert first.post(SECOND_STEP, {"code": code_at(secret, 1)}, format="json").status_code == 200
    second, _ = password_step()
    assert second.post(SECOND_STEP, {"code": code_at(secret)}, format="json").status_code == 400


def test_a_recovery_code_works_once(signed_in, user):
    _, codes = enrol(signed_in)
    client, response = password_step()
    assert response.json()["methods"] == ["totp", "recovery_code"]
    # Any case, spaces and dashes as typed.
    typed = codes[0].upper().replace("-", " ")
    assert client.post(SECOND_STEP, {"code": typed}, format="json").status_code == 200
    again, _ = password_step()
    refused = again.post(SECOND_STEP, {"code": codes[0]}, format="json")
    assert refused.status_code == 400
    assert again.post(SECOND_STEP, {"code": codes[1]}, format="json").status_code == 200
    assert signed_in.get("/api/account/two-factor/").json()["recovery_codes_left"] == 8


def test_wrong_codes_end_the_challenge_after_the_limit(user, settings):
    settings.SECOND_FACTOR_MAX_FAILURES = 3
    settings.LOGIN_FAILURES_PER_CLIENT = 100
    secret = with_app(user)
    client, _ = password_step()
    for _ in range(3):
        assert client.post(SECOND_STEP, {"code": "000000"}, format="json").status_code == 400
    dead = client.post(SECOND_STEP, {"code": code_at(secret)}, format="json")
    assert dead.status_code == 401
    assert dead.json()["code"] == "second_factor_expired"
    assert dead.cookies[challenge_cookie()].value == ""


def test_wrong_codes_are_throttled_across_challenges_and_a_new_password_does_not_reset_it(
    user, settings
):
    settings.LOGIN_FAILURES_PER_CLIENT = 3
    with_app(user)
    for _ in range(3):
        client, _ = password_step()
        assert client.post(SECOND_STEP, {"code": "000000"}, format="json").status_code == 400
    # The password is right (and resets the password counters), the code counter holds.
    client, _ = password_step()
    throttled = client.post(SECOND_STEP, {"code": "000000"}, format="json")
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) >= 1


def test_an_expired_challenge_is_refused(user):
    secret = with_app(user)
    client, _ = password_step()
    AuthChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(SECOND_STEP, {"code": code_at(secret)}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "second_factor_expired"


@pytest.mark.parametrize("value", [None, "", "forged", "x" * 500])
def test_a_missing_or_forged_challenge_cookie_is_refused(user, value):
    secret = with_app(user)
    client, _ = password_step()
    if value is None:
        client.cookies.pop(challenge_cookie())
    else:
        client.cookies[challenge_cookie()] = value
    response = client.post(SECOND_STEP, {"code": code_at(secret)}, format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "second_factor_expired"


def test_one_users_challenge_cannot_finish_another_users_sign_in(user):
    """The challenge names its user: a code of mine with your challenge signs nobody in as me."""
    with_app(user)
    mallory = make_user("mallory@example.com")
    mallory_secret = with_app(mallory)
    client, _ = password_step()  # Ada's password step
    response = client.post(SECOND_STEP, {"code": code_at(mallory_secret)}, format="json")
    assert response.status_code == 400


def test_the_second_step_needs_the_csrf_token(user):
    secret = with_app(user)
    client, _ = password_step()
    client.credentials()  # no X-CSRFToken header
    response = client.post(SECOND_STEP, {"code": code_at(secret)}, format="json")
    assert response.status_code == 403


def test_a_user_deactivated_during_the_second_step_is_refused(user):
    secret = with_app(user)
    client, _ = password_step()
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = client.post(SECOND_STEP, {"code": code_at(secret)}, format="json")
    assert response.status_code == 401


@pytest.mark.parametrize("body", [{}, {"code": ""}, {"code": ["123456"]}, {"code": "9" * 65}])
def test_bad_second_step_input_is_a_400(user, body):
    with_app(user)
    client, _ = password_step()
    assert client.post(SECOND_STEP, body, format="json").status_code == 400


def test_a_wrong_password_never_reaches_the_second_step(user):
    with_app(user)
    client = with_csrf(make_client())
    response = login(client, password="wrong password")
    assert response.status_code == 401
    assert challenge_cookie() not in response.cookies


# --- Signing in: token flow ----------------------------------------------------------------------


def test_the_token_flow_takes_the_same_second_step(user):
    secret = with_app(user)
    client = APIClient()
    first = client.post(
        "/api/auth/token/", {"email": user.email, "password": PASSWORD}, format="json"
    )
    assert first.status_code == 202
    body = first.json()
    assert body["second_factor_required"] and body["methods"] == ["totp"]
    assert "access" not in body and "refresh" not in body
    wrong = client.post(
        "/api/auth/token/second-factor/",
        {"challenge": body["challenge"], "code": "000000"},
        format="json",
    )
    assert wrong.status_code == 400
    done = client.post(
        "/api/auth/token/second-factor/",
        {"challenge": body["challenge"], "code": code_at(secret)},
        format="json",
    )
    assert done.status_code == 200, done.content
    tokens = done.json()
    assert tokens["access"] and tokens["refresh"] and tokens["user"]["id"] == user.pk
    me = client.get("/api/auth/me/", HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert me.status_code == 200
    replay = client.post(
        "/api/auth/token/second-factor/",
        {"challenge": body["challenge"], "code": code_at(secret, 1)},
        format="json",
    )
    assert replay.status_code == 401


# --- Turning it off, new recovery codes, the operator's reset -------------------------------------


def test_turning_the_app_off_takes_recovery_codes_with_it(signed_in, user):
    enrol(signed_in)
    assert signed_in.delete("/api/account/totp/").status_code == 204
    user.refresh_from_db()
    assert not user.two_factor_enabled
    assert not RecoveryCode.objects.filter(user=user).exists()
    assert login(with_csrf(make_client())).status_code == 200  # the password alone again


def test_new_recovery_codes_end_the_old_ones(signed_in):
    _, old = enrol(signed_in)
    new = signed_in.post("/api/account/recovery-codes/").json()["recovery_codes"]
    assert not set(old) & set(new)
    client, _ = password_step()
    assert client.post(SECOND_STEP, {"code": old[0]}, format="json").status_code == 400
    assert client.post(SECOND_STEP, {"code": new[0]}, format="json").status_code == 200


def test_no_recovery_codes_without_two_factor(signed_in):
    response = signed_in.post("/api/account/recovery-codes/")
    assert response.status_code == 400
    assert response.json()["code"] == "two_factor_off"


def test_an_operator_resets_two_factor(signed_in, user):
    enrol(signed_in)
    call_command("reset_two_factor", "ADA@example.com")
    user.refresh_from_db()
    assert not user.two_factor_enabled
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()
    assert login(with_csrf(make_client())).status_code == 200


# --- A password reset does not get past the second factor -----------------------------------------


def test_a_password_reset_does_not_sign_in_a_user_with_two_factor(browser, user):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    secret = with_app(user)
    response = browser.post(
        "/api/auth/password-reset/confirm/",
        {
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
            "new_password": "a brand new passphrase here",
        },
        format="json",
    )
    assert response.status_code == 202
    assert response.json()["code"] == "sign_in_required"
    assert access_cookie() not in response.cookies
    assert browser.get("/api/auth/me/").status_code == 401
    client = with_csrf(make_client())
    assert login(client, password="a brand new passphrase here").status_code == 202
    assert client.post(SECOND_STEP, {"code": code_at(secret)}, format="json").status_code == 200


# --- The Django admin's login -------------------------------------------------------------------


def admin_login(client, email, code=""):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": email, "password": PASSWORD, "code": code, "next": "/admin/"},
    )


def test_the_admin_login_asks_for_the_code(db):
    admin = User.objects.create_superuser("root@example.com", PASSWORD, name="Root")
    secret = with_app(admin)
    client = Client()  # the admin's own form; CSRF is not what is tested here
    page = client.get("/admin/login/")
    assert b'name="code"' in page.content
    refused = admin_login(client, admin.email)
    assert refused.status_code == 200 and b"two-factor code" in refused.content
    wrong = admin_login(client, admin.email, "000000")
    assert wrong.status_code == 200
    done = admin_login(client, admin.email, code_at(secret))
    assert done.status_code == 302 and done["Location"] == "/admin/"


def test_the_admin_login_refuses_a_policy_user_without_two_factor(db, settings):
    settings.TWO_FACTOR_REQUIRED_ROLES = ["admin"]
    User.objects.create_superuser("root@example.com", PASSWORD, name="Root")
    response = admin_login(Client(), "root@example.com")
    assert response.status_code == 200
    assert b"requires two-factor" in response.content


def test_closing_the_account_removes_its_second_factors(signed_in, user):
    enrol(signed_in)
    assert (
        signed_in.post("/api/account/close/", {"password": PASSWORD}, format="json").status_code
        == 204
    )
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not RecoveryCode.objects.filter(user=user).exists()


def test_a_failed_admin_login_lands_in_the_owners_security_log(db):
    from accounts.models import SecurityEvent

    admin = User.objects.create_superuser("root@example.com", PASSWORD, name="Root")
    Client().post("/admin/login/", {"username": "ROOT@example.com", "password": "wrong"})
    assert SecurityEvent.objects.filter(user=admin, event="login_failed").exists()
