"""Password reset by email (accounts/passwords.py): the same answer for every address, a link
that works once and expires, every session ended, this browser signed in."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import DeviceSession, User

from .conftest import PASSWORD, login, make_client, obtain_pair, with_csrf

REQUEST = "/api/auth/password-reset/"
CONFIRM = "/api/auth/password-reset/confirm/"
NEW_PASSWORD = "a brand new passphrase"
ANSWER = {"detail": "If an account uses this address, we have sent it a link."}


def ask(client, email="ada@example.com"):
    return client.post(REQUEST, {"email": email}, format="json")


def link_of(message) -> dict:
    """uid and token of the reset link in a mail (its plain-text part)."""
    match = re.search(r"http://\S+/reset-password\?uid=(\S+)&token=(\S+)", message.body)
    assert match, message.body
    return {"uid": match.group(1), "token": match.group(2)}


def confirm(client, link, password=NEW_PASSWORD):
    return client.post(CONFIRM, {**link, "new_password": password}, format="json")


@pytest.fixture
def link(browser, user) -> dict:
    assert ask(browser).status_code == 202
    (message,) = mail.outbox
    return link_of(message)


def test_the_mail_has_a_link_to_the_web_client_in_both_parts(settings, browser, user):
    settings.WEB_ORIGINS = ["https://app.example.com"]
    assert ask(browser, " ADA@Example.com ").status_code == 202
    (message,) = mail.outbox
    assert message.to == ["ada@example.com"]
    assert "password" in message.subject.lower()
    html = message.alternatives[0][0]
    assert "https://app.example.com/reset-password?uid=" in message.body
    assert "https://app.example.com/reset-password?uid=" in html
    assert "Ada Lovelace" in message.body and "3 days" in message.body


@pytest.mark.parametrize("email", ["nobody@example.com", "inactive@example.com"])
def test_the_answer_is_the_same_for_any_address(browser, user, email):
    User.objects.create_user(email="inactive@example.com", password=PASSWORD, is_active=False)
    known, unknown = ask(browser), ask(browser, email)
    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json() == ANSWER
    assert len(mail.outbox) == 1  # to ada only


def test_asking_writes_nothing_either_way(browser, user):
    # The same queries (one read) for an account and for no account: no write tells them apart.
    for email in ("ada@example.com", "nobody@example.com"):
        with CaptureQueriesContext(connection) as queries:
            assert ask(browser, email).status_code == 202
        statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
        assert statements == ["SELECT"], queries.captured_queries


def test_a_bad_address_is_a_400(browser, db):
    response = ask(browser, "not an address")
    assert response.status_code == 400
    assert "email" in response.json()["errors"]


def test_the_link_sets_the_password_ends_every_session_and_signs_in_here(user):
    other_device = obtain_pair()
    elsewhere = with_csrf(make_client())
    assert login(elsewhere).status_code == 200

    here = with_csrf(make_client())
    assert ask(here).status_code == 202
    response = confirm(here, link_of(mail.outbox[-1]))
    assert response.status_code == 200, response.content
    assert response.json()["user"]["email"] == "ada@example.com"
    assert response.json()["access_expires_in"] > 0
    assert response.cookies["access"].value and response.cookies["refresh"].value

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert here.get("/api/auth/me/").status_code == 200
    assert elsewhere.post("/api/auth/refresh/").status_code == 401
    other = make_client()
    body = {"refresh": other_device["refresh"]}
    refreshed = other.post("/api/auth/token/refresh/", body, format="json")
    assert refreshed.status_code == 401
    assert DeviceSession.objects.filter(user=user).active().count() == 1
    assert login(with_csrf(make_client()), password=PASSWORD).status_code == 401


def assert_link_refused(response):
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "reset_link_invalid"
    assert "invalid or has expired" in response.json()["detail"]


def test_a_link_works_once(link, browser):
    assert confirm(browser, link).status_code == 200
    assert_link_refused(confirm(with_csrf(make_client()), link, "another new passphrase"))


def test_a_link_expires(settings, link, browser, user):
    later = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(later):
        assert_link_refused(confirm(browser, link))
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda link: {
            **link,
            "token": link["token"][:-1] + ("a" if link["token"][-1] != "a" else "b"),
        },
        lambda link: {**link, "uid": "!!!"},
        lambda link: {**link, "uid": "OTk5OTk"},  # 99999: nobody
        lambda link: {**link, "uid": "LTE"},  # -1
    ],
)
def test_a_tampered_link_is_refused(link, browser, tamper):
    assert_link_refused(confirm(browser, tamper(link)))


def test_a_link_for_another_user_is_refused(link, browser):
    grace = User.objects.create_user(email="grace@example.com", password=PASSWORD)
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    other = {**link, "uid": urlsafe_base64_encode(force_bytes(grace.pk))}
    assert_link_refused(confirm(browser, other))
    grace.refresh_from_db()
    assert grace.check_password(PASSWORD)


def test_a_deactivated_user_cannot_reset(link, browser, user):
    user.is_active = False
    user.save()
    assert_link_refused(confirm(browser, link))


def test_a_sign_in_after_the_mail_makes_the_link_outdated(link, browser):
    assert login(with_csrf(make_client())).status_code == 200  # last_login changes
    assert_link_refused(confirm(browser, link))


def test_the_new_password_must_pass_the_validators(link, browser, user):
    response = confirm(browser, link, "12345678")
    assert response.status_code == 400
    assert response.json()["errors"]["new_password"]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert confirm(browser, link).status_code == 200  # the link still works


def test_csrf_is_required(link):
    response = confirm(make_client(), link)
    assert response.status_code == 403
