"""Open sign-up (accounts/signup.py, only with the answer signup=open): an inactive account, a
link that activates it and signs in; no sign-in before; nothing tells which addresses have
accounts."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from accounts.models import User

from .conftest import PASSWORD, login, make_client, make_user, with_csrf

SIGNUP = "/api/auth/signup/"
VERIFY = "/api/auth/signup/verify/"
RESEND = "/api/auth/signup/resend/"
EMAIL = "new@example.com"


def sign_up(client, email=EMAIL, password=PASSWORD, name="New Person"):
    body = {"email": email, "name": name, "password": password}
    return client.post(SIGNUP, body, format="json")


def token_of(message) -> str:
    match = re.search(r"http://\S+/verify-email\?\S+", message.body)
    assert match, message.body
    return parse_qs(urlsplit(match.group(0)).query)["token"][0]


def verify(client, token):
    return client.post(VERIFY, {"token": token}, format="json")


@pytest.fixture
def token(browser) -> str:
    assert sign_up(browser).status_code == 202
    (message,) = mail.outbox
    return token_of(message)


def assert_refused(response, code):
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert response.json()["detail"]


def test_signing_up_makes_an_inactive_account_and_mails_the_link(settings, browser):
    settings.WEB_ORIGINS = ["https://portal.example.com"]
    response = sign_up(browser, " New@Example.com ")
    assert response.status_code == 202
    user = User.objects.get(email=EMAIL)
    assert not user.is_active and user.email_verified_at is None
    assert user.name == "New Person" and user.role == User.Role.CLIENT
    assert user.check_password(PASSWORD)
    (message,) = mail.outbox
    assert message.to == [EMAIL]
    assert "https://portal.example.com/verify-email?token=" in message.body
    assert "https://portal.example.com/verify-email?token=" in message.alternatives[0][0]
    assert "3 days" in message.body


def test_no_sign_in_before_the_address_is_verified(token, browser):
    refused = login(browser, email=EMAIL)
    unknown = login(with_csrf(make_client()), email="nobody@example.com")
    assert refused.status_code == unknown.status_code == 401
    assert refused.json() == unknown.json()  # the generic answer: nothing told


def test_verifying_activates_and_signs_in(token):
    client = with_csrf(make_client())
    response = verify(client, token)
    assert response.status_code == 200, response.content
    assert response.json()["user"]["email"] == EMAIL
    assert response.cookies["access"].value and response.cookies["refresh"].value
    assert client.get("/api/auth/me/").json()["email"] == EMAIL
    user = User.objects.get(email=EMAIL)
    assert user.is_active and user.email_verified_at is not None
    assert login(with_csrf(make_client()), email=EMAIL).status_code == 200


def test_a_link_works_once(token, browser):
    assert verify(browser, token).status_code == 200
    assert_refused(verify(with_csrf(make_client()), token), "verification_used")


def test_a_link_expires(settings, token, browser):
    later = timezone.now() + timedelta(seconds=settings.SIGNUP_VERIFICATION_LIFETIME + 60)
    with time_machine.travel(later):
        assert_refused(verify(browser, token), "verification_expired")
    assert not User.objects.get(email=EMAIL).is_active


@pytest.mark.parametrize("tamper", [lambda t: t[:-2] + "xx", lambda t: "garbage"])
def test_a_tampered_link_is_refused(token, browser, tamper):
    assert_refused(verify(browser, tamper(token)), "verification_invalid")


def test_a_link_does_not_bring_back_a_deactivated_account(token, browser):
    assert verify(browser, token).status_code == 200
    user = User.objects.get(email=EMAIL)
    user.is_active = False
    user.save()
    assert_refused(verify(with_csrf(make_client()), token), "verification_used")
    assert not User.objects.get(email=EMAIL).is_active


def test_an_existing_address_gets_the_same_answer_and_a_mail_instead(settings, browser, user):
    settings.WEB_ORIGINS = ["https://portal.example.com"]
    new, existing = sign_up(browser), sign_up(browser, "ADA@example.com", "another passphrase 1")
    assert new.status_code == existing.status_code == 202
    assert new.json() == existing.json()
    assert [m.to for m in mail.outbox] == [[EMAIL], ["ada@example.com"]]
    notice = mail.outbox[1]
    assert "already has an account" in notice.body
    assert "https://portal.example.com/forgot-password" in notice.body
    assert "/verify-email" not in notice.body
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and user.name == "Ada Lovelace"  # untouched


def test_signing_up_again_while_waiting_sends_the_link_again(token, browser):
    mail.outbox.clear()
    assert sign_up(browser, password="yet another passphrase").status_code == 202
    (message,) = mail.outbox
    assert "/verify-email?token=" in message.body
    user = User.objects.get(email=EMAIL)
    assert user.check_password(PASSWORD)  # the first password stays: nobody takes it over


def test_a_deactivated_account_is_not_reopened_by_signing_up(browser, user):
    assert login(with_csrf(make_client())).status_code == 200  # an account in use
    mail.outbox.clear()
    user.refresh_from_db()
    user.is_active = False
    user.save()
    assert sign_up(browser, "ada@example.com").status_code == 202
    (message,) = mail.outbox
    assert "/verify-email" not in message.body
    assert not User.objects.get(pk=user.pk).is_active


def test_an_account_deactivated_before_it_was_ever_used_stays_deactivated(browser, user):
    """Never signed in, never verified, deactivated by staff: it looks like nothing waiting
    for a link, and signing up again with its address neither mails one nor reopens it."""
    user.is_active = False
    user.save()
    mail.outbox.clear()
    assert sign_up(browser, "ada@example.com").status_code == 202
    (message,) = mail.outbox
    assert "/verify-email" not in message.body
    assert browser.post(RESEND, {"email": "ada@example.com"}, format="json").status_code == 202
    assert len(mail.outbox) == 1  # no link resent either
    assert not User.objects.get(pk=user.pk).is_active


def test_the_password_validators_apply(browser, user):
    for email in (EMAIL, "ada@example.com"):  # the same answer for an existing address
        response = sign_up(browser, email, password="12345678")
        assert response.status_code == 400
        assert response.json()["errors"]["password"]
    assert not User.objects.filter(email=EMAIL).exists()
    assert mail.outbox == []


def test_resending(token, browser, user):
    mail.outbox.clear()
    answers = [
        browser.post(RESEND, {"email": email}, format="json")
        for email in (EMAIL, "ada@example.com", "nobody@example.com")
    ]
    assert {a.status_code for a in answers} == {202}
    assert len({a.content for a in answers}) == 1
    (message,) = mail.outbox  # only the account that waits
    assert message.to == [EMAIL] and "/verify-email?token=" in message.body
    assert verify(browser, token_of(message)).status_code == 200


def test_resending_is_throttled_per_address_and_ip(settings, token, browser):
    settings.ACCOUNT_EMAIL_RATE = "2/hour"
    settings.ACCOUNT_IP_RATE = "4/hour"
    for i in range(2):
        ip = f"10.0.0.{i}"
        assert (
            browser.post(RESEND, {"email": EMAIL}, format="json", REMOTE_ADDR=ip).status_code == 202
        )
    response = browser.post(RESEND, {"email": EMAIL}, format="json", REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    for i in range(4):
        browser.post(RESEND, {"email": f"p{i}@example.com"}, format="json")
    response = browser.post(RESEND, {"email": "q@example.com"}, format="json")
    assert response.status_code == 429


def test_signing_up_is_throttled(settings, browser):
    settings.ACCOUNT_EMAIL_RATE = "1/hour"
    assert sign_up(browser).status_code == 202
    assert sign_up(browser).status_code == 429
    assert sign_up(browser, "other@example.com").status_code == 202


def test_csrf_is_required(token):
    assert sign_up(make_client(), "x@example.com").status_code == 403
    assert verify(make_client(), token).status_code == 403


def test_a_password_reset_does_not_activate_a_waiting_account(token, browser):
    assert (
        browser.post("/api/auth/password-reset/", {"email": EMAIL}, format="json").status_code
        == 202
    )
    assert mail.outbox[-1].subject.startswith("Confirm")  # no reset mail for it
    assert make_user("grace@example.com").is_active
