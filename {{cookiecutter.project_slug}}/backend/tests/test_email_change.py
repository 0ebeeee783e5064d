"""Changing one's email address (accounts/email_change.py): a link to the new address, bound to
the user and both addresses; the old address is told."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core import mail, signing
from django.utils import timezone

from accounts.models import User

from .conftest import PASSWORD, login, make_client, make_user, with_csrf

CHANGE = "/api/account/email/"
CONFIRM = "/api/account/email/confirm/"
NEW = "ada.new@example.com"


def ask(client, new_email=NEW, password=PASSWORD):
    return client.post(CHANGE, {"new_email": new_email, "password": password}, format="json")


def token_of(message) -> str:
    match = re.search(r"http://\S+/confirm-email\?\S+", message.body)
    assert match, message.body
    return parse_qs(urlsplit(match.group(0)).query)["token"][0]


def confirm(token, client=None):
    client = client or make_client()
    return client.post(CONFIRM, {"token": token}, format="json")


@pytest.fixture
def token(signed_in) -> str:
    assert ask(signed_in).status_code == 202
    (message,) = mail.outbox
    return token_of(message)


def assert_refused(response, code):
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert response.json()["detail"]


def test_the_link_goes_to_the_new_address(settings, signed_in, user):
    settings.WEB_ORIGINS = ["https://portal.example.com"]
    response = ask(signed_in, " Ada.New@Example.com ")
    assert response.status_code == 202
    (message,) = mail.outbox
    assert message.to == [NEW]
    assert "https://portal.example.com/confirm-email?token=" in message.body
    assert "https://portal.example.com/confirm-email?token=" in message.alternatives[0][0]
    assert "ada@example.com" in message.body
    user.refresh_from_db()
    assert user.email == "ada@example.com"  # not before the link is opened


def test_confirming_changes_the_address_and_tells_the_old_one(token, user):
    mail.outbox.clear()
    response = confirm(token)  # from another browser, not signed in
    assert response.status_code == 200, response.content
    assert response.json()["email"] == NEW
    user.refresh_from_db()
    assert user.email == NEW and user.email_verified_at is not None
    (notice,) = mail.outbox
    assert notice.to == ["ada@example.com"]
    assert NEW in notice.body and NEW in notice.alternatives[0][0]
    # The new address signs in; the old one no longer does.
    assert login(with_csrf(make_client()), email=NEW).status_code == 200
    assert login(with_csrf(make_client())).status_code == 401


def test_a_link_works_once(token):
    assert confirm(token).status_code == 200
    assert_refused(confirm(token), "email_link_used")


def test_a_link_expires(settings, token, user):
    later = timezone.now() + timedelta(seconds=settings.EMAIL_CHANGE_LIFETIME + 60)
    with time_machine.travel(later):
        assert_refused(confirm(token), "email_link_expired")
    user.refresh_from_db()
    assert user.email == "ada@example.com"


@pytest.mark.parametrize(
    "tamper", [lambda t: t[:-2] + "xx", lambda t: "garbage", lambda t: "a:b:c"]
)
def test_a_tampered_link_is_refused(token, tamper):
    assert_refused(confirm(tamper(token)), "email_link_invalid")


def test_the_link_is_signed_and_bound_to_the_user_and_both_addresses(token, user):
    grace = make_user("grace@example.com")
    forged = signing.dumps({"user": grace.pk, "from": "ada@example.com", "to": NEW}, salt="x")
    assert_refused(confirm(forged), "email_link_invalid")  # not our salt
    payload = signing.loads(token, salt="accounts.email_change")
    assert payload == {"user": user.pk, "from": "ada@example.com", "to": NEW}


def test_an_older_link_dies_when_the_address_changes_another_way(token, user):
    user.email = "ada.other@example.com"
    user.save()
    assert_refused(confirm(token), "email_link_used")


def test_a_deactivated_user_cannot_confirm(token, user):
    user.is_active = False
    user.save()
    assert_refused(confirm(token), "email_link_used")


def test_an_address_taken_meanwhile_is_refused(token, user):
    make_user(NEW)
    assert_refused(confirm(token), "email_taken")
    user.refresh_from_db()
    assert user.email == "ada@example.com"


def test_an_address_in_use_gets_the_same_answer_and_no_mail(signed_in, user):
    make_user("grace@example.com")
    free, taken = ask(signed_in), ask(signed_in, "Grace@example.com")
    assert free.status_code == taken.status_code == 202
    assert free.json() == taken.json()
    assert [m.to for m in mail.outbox] == [[NEW]]


def test_the_password_is_required(signed_in, user):
    response = ask(signed_in, password="wrong")
    assert response.status_code == 400
    assert response.json()["errors"]["password"]
    assert mail.outbox == []


def test_the_current_address_is_refused(signed_in):
    response = ask(signed_in, "ADA@example.com")
    assert response.status_code == 400
    assert response.json()["errors"]["new_email"]


def test_asking_needs_a_signed_in_user(browser, db):
    assert ask(browser).status_code == 401


def test_asking_is_throttled_per_user(settings, signed_in):
    settings.ACCOUNT_EMAIL_RATE = "2/hour"
    assert [ask(signed_in, password="wrong").status_code for _ in range(2)] == [400, 400]
    response = ask(signed_in)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_confirming_is_throttled_per_ip(settings, db):
    settings.ACCOUNT_IP_RATE = "2/hour"
    for _ in range(2):
        assert confirm("garbage").status_code == 400
    response = confirm("garbage")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert not User.objects.filter(email=NEW).exists()
