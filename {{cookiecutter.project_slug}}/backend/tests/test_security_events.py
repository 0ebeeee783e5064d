"""The security log users read (accounts/security_log.py stores it, accounts/security_events.py
lists it): each event lands in its user's log with where it came from and words for it; nobody
reads another's log but staff; failed attempts outlast the request; the alerts are mailed; a
closed account's log goes; storing never fails a request."""

import logging
import re
import time
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import invitations, security_log
from accounts import mail as accounts_mail
from accounts.models import DeviceSession, SecurityEvent, User
from accounts.security_events import ALERTS, FAILURES, USER_EVENTS, describe, device_summary
from accounts.two_factor import reset_two_factor

from .conftest import PASSWORD, acting_as, login, make_client, make_user, with_csrf

OWN = "/api/account/security-events/"
AGENT = "pytest-browser/1.0"
WRONG = "not the password at all"
NEW_PASSWORD = "a brand new passphrase"
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"


def of(user) -> str:
    return f"/api/users/{user.pk}/security-events/"


def listed(client, url=OWN, **query) -> list[dict]:
    response = client.get(url, query)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def stored(user, event) -> SecurityEvent:
    [row] = SecurityEvent.objects.filter(user=user, event=event)
    return row


def events_of(user) -> list[str]:
    return list(SecurityEvent.objects.filter(user=user).values_list("event", flat=True))


@pytest.fixture
def staff(db) -> User:
    return make_user("sam@example.com", User.Role.STAFF, name="Sam Staff")


@pytest.fixture
def grace(db) -> User:
    return make_user("grace@example.com", name="Grace Hopper")


def browser_with(agent: str) -> APIClient:
    """A browser-like client (as conftest's make_client) with another user agent."""
    return with_csrf(APIClient(enforce_csrf_checks=True, HTTP_USER_AGENT=agent))


def request_from(ip="203.0.113.9", agent=FIREFOX):
    return RequestFactory().post("/", REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)


# --- What is stored, through the real flows ------------------------------------------------------


def test_a_sign_in_lands_with_its_device_ip_session_and_method(browser, user):
    assert login(browser, REMOTE_ADDR="203.0.113.9").status_code == 200
    row = stored(user, "login")
    session = DeviceSession.objects.get(user=user)
    assert (row.ip_address, row.user_agent, row.session_id) == ("203.0.113.9", AGENT, session.pk)
    assert row.detail == {"method": "password"}

    [event] = listed(browser)
    assert event == {
        "id": row.pk,
        "event": "login",
        "description": "Signed in with the password",
        "created_at": event["created_at"],
        "ip_address": "203.0.113.9",
        "user_agent": AGENT,
    }
    assert abs(timezone.datetime.fromisoformat(event["created_at"]) - timezone.now()) < timedelta(
        minutes=1
    )


def test_a_wrong_password_lands_in_the_account_owners_log_without_the_address(browser, user):
    other = with_csrf(make_client())
    assert login(other, password=WRONG, REMOTE_ADDR="198.51.100.7").status_code == 401
    row = stored(user, "login_failed")
    assert (row.ip_address, row.user_agent, row.session_id) == ("198.51.100.7", AGENT, None)
    assert row.detail == {}  # not even a digest of the address typed

    assert login(browser).status_code == 200
    failed, signed_in = listed(browser)[::-1]
    assert signed_in["event"] == "login"
    assert failed["event"] == "login_failed"
    assert failed["description"] == "Wrong password entered"
    assert failed["ip_address"] == "198.51.100.7"


def test_a_wrong_password_for_an_unknown_address_is_nobodys(caplog, browser, user):
    caplog.set_level(logging.INFO, logger="accounts.security")
    assert login(browser, email="nobody@example.com", password=WRONG).status_code == 401
    assert not SecurityEvent.objects.exists()
    [record] = [r for r in caplog.records if getattr(r, "event", None) == "login_failed"]
    assert record.user is None


def test_a_failed_sign_in_does_the_same_work_for_any_address_and_stores_after_the_answer(
    monkeypatch, browser, user
):
    store = security_log.write_after_response
    monkeypatch.setattr(security_log, "write_after_response", lambda: None)

    def statements_of_a_failed_sign_in(email) -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            assert login(browser, email=email, password=WRONG).status_code == 401
        return [re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"]) for query in queries]

    known = statements_of_a_failed_sign_in("ada@example.com")
    assert not SecurityEvent.objects.exists()  # nothing written while answering
    store()
    assert events_of(user) == ["login_failed"]

    unknown = statements_of_a_failed_sign_in("nobody@example.com")
    store()
    assert known == unknown
    assert SecurityEvent.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_sign_in_is_committed_although_the_request_failed():
    user = make_user("ada@example.com")
    browser = with_csrf(make_client())
    assert login(browser, password=WRONG).status_code == 401
    assert events_of(user) == ["login_failed"]


def test_a_failed_attempt_outlasts_a_rollback_of_its_request(user):
    request = request_from()
    with pytest.raises(RuntimeError), transaction.atomic():
        security_log.warning("second_factor_failed", request, user=user.pk)
        raise RuntimeError
    security_log.write_after_response()  # as when the response is closed (request_finished)
    row = stored(user, "second_factor_failed")
    assert (row.ip_address, row.user_agent) == ("203.0.113.9", FIREFOX)


def test_a_change_that_rolls_back_leaves_no_event(user):
    with pytest.raises(RuntimeError), transaction.atomic():
        security_log.info("password_changed", request_from(), user=user.pk)
        raise RuntimeError
    security_log.write_after_response()
    assert not SecurityEvent.objects.exists()


def test_sign_outs(signed_in, user):
    theirs = browser_with(FIREFOX)
    assert login(theirs).status_code == 200
    their_session = DeviceSession.objects.get(user=user, user_agent=FIREFOX)
    assert signed_in.delete(f"/api/auth/sessions/{their_session.pk}/").status_code == 204
    assert stored(user, "session_revoked").session_id == their_session.pk

    assert login(theirs).status_code == 200
    assert theirs.post("/api/auth/logout/").status_code == 200
    assert stored(user, "logout").user_agent == FIREFOX

    assert signed_in.post("/api/auth/logout-all/").status_code == 200
    assert stored(user, "logout_everywhere").detail == {"sessions": 1}

    assert login(signed_in).status_code == 200
    descriptions = [e["description"] for e in listed(signed_in) if e["event"] != "login"]
    assert descriptions == [
        "Signed out of every device",
        "Signed out",
        "A device was signed out",
    ]


def test_a_password_change(signed_in, user):
    response = signed_in.post(
        "/api/account/password/",
        {"current_password": WRONG, "new_password": NEW_PASSWORD},
        format="json",
    )
    assert response.status_code == 400
    response = signed_in.post(
        "/api/account/password/",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert stored(user, "password_check_failed").user_agent == AGENT
    assert stored(user, "sessions_revoked").detail == {
        "reason": "password_changed",
        "sessions": 1,
    }
    assert stored(user, "password_changed").ip_address == "127.0.0.1"
    descriptions = [event["description"] for event in listed(signed_in)]
    assert descriptions[:3] == [
        "Password changed",
        "Every device was signed out: the password changed",
        "Wrong password entered to confirm a change",
    ]


def test_an_address_change(signed_in, user):
    response = signed_in.post(
        "/api/account/email/",
        {"new_email": "ada.new@example.com", "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 202, response.content
    [message] = mail.outbox
    link = re.search(r"http://\S+/confirm-email\?\S+", message.body).group(0)
    token = parse_qs(urlsplit(link).query)["token"][0]
    confirming = browser_with(FIREFOX)
    response = confirming.post("/api/account/email/confirm/", {"token": token}, format="json")
    assert response.status_code == 200, response.content
    assert stored(user, "email_change_requested").user_agent == AGENT
    assert stored(user, "email_changed").user_agent == FIREFOX
    descriptions = [event["description"] for event in listed(signed_in)]
    assert descriptions[:2] == ["Email address changed", "Email address change requested"]


def test_a_password_reset(browser, user):
    response = browser.post("/api/auth/password-reset/", {"email": user.email}, format="json")
    assert response.status_code == 202
    [message] = mail.outbox
    uid, token = re.search(r"/reset-password\?uid=(\S+)&token=(\S+)", message.body).groups()
    response = browser.post(
        "/api/auth/password-reset/confirm/",
        {"uid": uid, "token": token, "new_password": NEW_PASSWORD},
        format="json",
    )
    assert response.status_code == 200, response.content
    row = stored(user, "password_reset")
    assert row.session_id == DeviceSession.objects.get(user=user, revoked_at=None).pk
    assert listed(browser)[0]["description"] == "Password reset with an emailed link, and signed in"


def test_an_invitation_accepted(browser, staff):
    invitations.invite("nia@example.com", "client", staff)
    token = re.search(r"/invite/([\w-]+)", mail.outbox[0].body).group(1)
    response = browser.post(
        "/api/auth/invitations/accept/",
        {"token": token, "name": "Nia", "password": NEW_PASSWORD},
        format="json",
    )
    assert response.status_code == 200, response.content
    nia = User.objects.get(email="nia@example.com")
    assert stored(nia, "invitation_accepted").user_agent == AGENT
    assert listed(browser)[0]["description"] == "Accepted the invitation and signed in"


def test_a_replayed_refresh_token_is_logged_and_mailed(settings, signed_in, user):
    settings.REFRESH_REUSE_GRACE_SECONDS = 30
    settings.WEB_ORIGINS = ["https://portal.example.com"]
    stolen = signed_in.cookies["refresh"].value
    assert signed_in.post("/api/auth/refresh/").status_code == 200
    mail.outbox.clear()

    thief = browser_with(FIREFOX)
    thief.cookies["refresh"] = stolen
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        response = thief.post("/api/auth/refresh/", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 401

    row = stored(user, "reuse_detected_session_revoked")
    assert (row.ip_address, row.user_agent) == ("198.51.100.7", FIREFOX)
    assert row.session_id == DeviceSession.objects.get(user=user).pk
    [message] = mail.outbox
    assert message.to == [user.email]
    description = "A stolen sign-in token was replayed: that session was ended"
    assert description in message.subject
    html = message.alternatives[0][0]
    for part in (message.body, html):
        assert description in part
        assert "Firefox on Windows" in part
        assert "198.51.100.7" in part
        assert "https://portal.example.com/settings/activity" in part
        assert "https://portal.example.com/forgot-password" in part
    assert stolen not in message.body and stolen not in html

    assert login(signed_in).status_code == 200
    [replayed] = [e for e in listed(signed_in) if e["event"] == row.event]
    assert (replayed["description"], replayed["ip_address"]) == (description, "198.51.100.7")


# --- The events of the two-factor flows, as those flows log them ---------------------------------


def test_the_authenticator_apps_flows(settings, signed_in, user):
    settings.WEB_ORIGINS = ["https://portal.example.com"]
    started = signed_in.post("/api/account/totp/").json()
    now = int(time.time())
    code = pyotp.TOTP(started["secret"]).at(now)
    response = signed_in.post("/api/account/totp/confirm/", {"code": code}, format="json")
    assert response.status_code == 200, response.content
    response = signed_in.post("/api/account/recovery-codes/")
    assert response.status_code == 200, response.content
    recovery_code = response.json()["recovery_codes"][0]

    other = browser_with(FIREFOX)
    assert login(other).status_code == 202
    near = {pyotp.TOTP(started["secret"]).at(now + 30 * k) for k in range(-3, 4)}
    wrong = next(c for c in ("000000", "111111", "222222", "333333") if c not in near)
    second_step = "/api/auth/login/second-factor/"
    assert other.post(second_step, {"code": wrong}, format="json").status_code == 400
    response = other.post(second_step, {"code": recovery_code}, format="json")
    assert response.status_code == 200, response.content
    mail.outbox.clear()
    assert signed_in.delete("/api/account/totp/").status_code == 204

    expected = {
        "totp_enabled": (AGENT, "Authenticator app turned on"),
        "recovery_codes_generated": (AGENT, "New recovery codes generated"),
        "second_factor_failed": (FIREFOX, "Wrong authentication code entered"),
        "recovery_code_used": (FIREFOX, "A recovery code was used"),
        "totp_disabled": (AGENT, "Authenticator app turned off"),
    }
    for event, (agent, description) in expected.items():
        assert stored(user, event).user_agent == agent
        [listed_event] = [e for e in listed(signed_in) if e["event"] == event]
        assert listed_event["description"] == description
    [other_login] = SecurityEvent.objects.filter(user=user, event="login", user_agent=FIREFOX)
    assert other_login.detail == {"method": "recovery_code"}
    assert (
        describe("login", other_login.detail) == "Signed in with the password and a recovery code"
    )
    # Turning it off is the one of these that mails.
    [message] = mail.outbox
    assert "Authenticator app turned off" in message.subject
    assert "https://portal.example.com/settings/activity" in message.body


# (event, fields the flow logs besides user and request, description)
TWO_FACTOR_EVENTS = [
    ("login", {"method": "totp"}, "Signed in with the password and an authenticator app code"),
    ("login", {"method": "recovery_code"}, "Signed in with the password and a recovery code"),
    ("login", {"method": "passkey"}, "Signed in with a passkey"),
    ("login", {"via": "admin"}, "Signed in to the admin site"),
    ("second_factor_failed", {}, "Wrong authentication code entered"),
    ("totp_enabled", {}, "Authenticator app turned on"),
    ("totp_disabled", {}, "Authenticator app turned off"),
    ("recovery_codes_generated", {}, "New recovery codes generated"),
    ("recovery_code_used", {"left": 9}, "A recovery code was used"),
    ("passkey_added", {"passkey": 3}, "Passkey added"),
    ("passkey_removed", {"passkey": 3}, "Passkey removed"),
    ("signup_verified", {}, "Confirmed the email address and signed in"),
]


@pytest.mark.parametrize(("event", "fields", "description"), TWO_FACTOR_EVENTS)
def test_two_factor_events(user, event, fields, description):
    request = request_from()
    security_log.info(event, request, user=user.pk, **fields)
    security_log.write_after_response()
    row = stored(user, event)
    assert (row.ip_address, row.user_agent, row.detail) == ("203.0.113.9", FIREFOX, fields)
    [listed_event] = listed(acting_as(user))
    assert listed_event["description"] == description
    assert (listed_event["event"], listed_event["ip_address"]) == (event, "203.0.113.9")


def test_an_operator_resetting_two_factor(user):
    reset_two_factor(user, by="operator@example.com")
    row = stored(user, "two_factor_reset")
    assert (row.ip_address, row.user_agent) == (None, "")
    [message] = mail.outbox
    assert "Two-factor authentication reset by an administrator" in message.subject
    assert "Device: unknown" in message.body


def test_the_reset_commands_alert_is_sent_before_the_command_exits(monkeypatch, settings, user):
    # A thread of its own (EMAIL_IN_BACKGROUND) would die with the command's process.
    settings.EMAIL_IN_BACKGROUND = True
    threads = []

    def thread(**kwargs):
        threads.append(kwargs)
        return SimpleNamespace(start=lambda: None)  # never sends

    monkeypatch.setattr(accounts_mail.threading, "Thread", thread)
    call_command("reset_two_factor", user.email, stdout=StringIO())
    [message] = mail.outbox
    assert "Two-factor authentication reset by an administrator" in message.subject
    assert not threads
    # In a request, the alert goes from a thread as every mail does.
    security_log.warning("passkey_added", request_from(), user=user.pk)
    assert len(threads) == 1 and len(mail.outbox) == 1


@pytest.mark.parametrize("event", sorted(ALERTS))
def test_the_alerts_are_mailed(settings, user, event):
    settings.WEB_ORIGINS = ["https://portal.example.com"]
    security_log.warning(event, request_from(), user=user.pk)
    [message] = mail.outbox
    assert message.to == [user.email]
    assert USER_EVENTS[event] in message.subject
    for part in (message.body, message.alternatives[0][0]):
        assert USER_EVENTS[event] in part
        assert "Firefox on Windows" in part and "203.0.113.9" in part
        assert "https://portal.example.com/settings/activity" in part
        assert "https://portal.example.com/forgot-password" in part


def test_other_events_mail_nothing(user):
    security_log.info("passkey_removed", request_from(), user=user.pk)
    security_log.info("totp_enabled", request_from(), user=user.pk)
    assert not mail.outbox


def test_a_deactivated_user_gets_no_alert(user):
    user.is_active = False
    user.save()
    security_log.warning("passkey_added", request_from(), user=user.pk)
    assert "passkey_added" in events_of(user)
    assert not mail.outbox


def test_every_alert_and_failure_has_words():
    assert USER_EVENTS.keys() >= ALERTS | FAILURES
    assert all(text and text[0].isupper() for text in USER_EVENTS.values())
    assert describe("sessions_revoked", {"reason": "deactivated"}) == (
        "Every device was signed out: the account was deactivated"
    )
    assert describe("login", {"method": "something new"}) == "Signed in"


def test_events_users_do_not_read_are_not_stored(user):
    for event in ("account_closed", "refresh_grace_replay", "reauthenticated", "user_changed"):
        security_log.info(event, request_from(), user=user.pk)
    assert not SecurityEvent.objects.exists()


# --- Who reads which log -------------------------------------------------------------------------


def test_nobody_reads_another_users_events(user, grace, staff):
    security_log.info("passkey_added", request_from(), user=user.pk)
    security_log.info("totp_enabled", request_from(), user=grace.pk)
    assert [e["event"] for e in listed(acting_as(user))] == ["passkey_added"]
    assert [e["event"] for e in listed(acting_as(grace))] == ["totp_enabled"]
    assert [e["event"] for e in listed(acting_as(staff))] == []


def test_a_client_cannot_read_any_users_log_through_the_staff_endpoint(user, grace):
    security_log.info("totp_enabled", request_from(), user=grace.pk)
    client = acting_as(user)
    for target in (grace, user):
        response = client.get(of(target))
        assert response.status_code == 403
        assert response.json() == {"detail": "Only staff can do this."}
    assert client.get("/api/users/999999/security-events/").status_code == 403


def test_nobody_signed_in_reads_no_log(user):
    assert make_client().get(OWN).status_code == 401
    assert make_client().get(of(user)).status_code == 401


def test_staff_read_any_users_log(user, staff):
    admin = make_user("root@example.com", User.Role.ADMIN)
    security_log.info("totp_enabled", request_from(), user=user.pk)
    security_log.info("passkey_added", request_from(), user=admin.pk)
    security_log.info("totp_disabled", request_from(), user=staff.pk)
    client = acting_as(staff)
    [event] = listed(client, of(user))
    assert (event["event"], event["ip_address"], event["user_agent"]) == (
        "totp_enabled",
        "203.0.113.9",
        FIREFOX,
    )
    assert [e["event"] for e in listed(client, of(admin))] == ["passkey_added"]
    assert [e["event"] for e in listed(client, of(staff))] == ["totp_disabled"]
    response = client.get("/api/users/999999/security-events/")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_staff_who_must_add_a_second_factor_read_no_log(settings, user, staff):
    # Neither list lets a user the policy holds at enrolment through.
    settings.TWO_FACTOR_REQUIRED_ROLES = ["staff", "admin"]
    client = with_csrf(make_client())
    assert login(client, email=staff.email).status_code == 200
    for url in (OWN, of(user)):
        response = client.get(url)
        assert response.status_code == 403
        assert response.json()["code"] == "two_factor_setup_required"


def test_pages_newest_first(user, staff):
    start = timezone.now() - timedelta(hours=1)
    for minute in range(25):
        with time_machine.travel(start + timedelta(minutes=minute), tick=False):
            security_log.info("passkey_added", request_from(), user=user.pk, passkey=minute)
    for client, url in ((acting_as(user), OWN), (acting_as(staff), of(user))):
        first = client.get(url).json()
        assert first["count"] == 25
        assert [e["id"] for e in first["results"]] == sorted(
            (e["id"] for e in first["results"]), reverse=True
        )
        assert len(first["results"]) == 20 and first["previous"] is None
        second = client.get(first["next"]).json()
        assert len(second["results"]) == 5 and second["next"] is None
        passkeys = [
            SecurityEvent.objects.get(pk=e["id"]).detail["passkey"]
            for e in first["results"] + second["results"]
        ]
        assert passkeys == list(range(24, -1, -1))
        assert len(client.get(url, {"page_size": 7}).json()["results"]) == 7
        assert client.get(url, {"page": 3}).status_code == 404


# --- Erasure, retention, failures ----------------------------------------------------------------


def test_closing_an_account_erases_its_log(signed_in, user, grace):
    security_log.info("passkey_added", request_from(), user=user.pk)
    security_log.info("passkey_added", request_from(), user=grace.pk)
    assert login(with_csrf(make_client()), password=WRONG).status_code == 401
    assert sorted(events_of(user)) == ["login", "login_failed", "passkey_added"]

    response = signed_in.post("/api/account/close/", {"password": PASSWORD}, format="json")
    assert response.status_code == 204
    assert not SecurityEvent.objects.filter(user=user).exists()
    assert events_of(grace) == ["passkey_added"]


def test_housekeeping_drops_events_past_their_retention(settings, user):
    settings.SECURITY_LOG_RETENTION_DAYS = 30
    now = timezone.now()
    for age in (timedelta(days=31), timedelta(days=29)):
        with time_machine.travel(now - age, tick=False):
            security_log.info("passkey_added", request_from(), user=user.pk)
    out = StringIO()
    call_command("flushexpired", stdout=out)
    assert out.getvalue().splitlines()[-1] == "Deleted 1 security event(s) older than 30 day(s)."
    [kept] = SecurityEvent.objects.all()
    assert now - kept.created_at < timedelta(days=30)

    settings.SECURITY_LOG_RETENTION_DAYS = 0  # kept for good
    with time_machine.travel(now + timedelta(days=3650)):
        call_command("flushexpired", stdout=StringIO())
    assert SecurityEvent.objects.count() == 1


def test_a_failing_write_does_not_fail_the_sign_in(caplog, monkeypatch, browser, user):
    def broken_insert(self, *args, **kwargs):
        with connection.cursor() as cursor:  # a real database error, inside the savepoint
            cursor.execute("INSERT INTO no_such_table VALUES (1)")

    monkeypatch.setattr(SecurityEvent, "save", broken_insert)
    with caplog.at_level(logging.ERROR, logger="accounts.security"):
        assert login(browser).status_code == 200
        assert login(with_csrf(make_client()), password=WRONG).status_code == 401
    # The request's transaction is still usable after the failed insert.
    assert browser.get("/api/auth/me/").status_code == 200
    assert DeviceSession.objects.filter(user=user).count() == 1
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert any("login " in e and "not stored" in e for e in errors)
    assert any("login_failed" in e and "not stored" in e for e in errors)


def test_no_secret_is_stored(browser, user):
    assert login(browser, password=WRONG).status_code == 401
    assert login(browser).status_code == 200
    secrets = [PASSWORD, WRONG, browser.cookies["access"].value, browser.cookies["refresh"].value]
    for row in SecurityEvent.objects.all():
        text = repr((row.detail, row.user_agent, row.event))
        assert not any(secret in text for secret in secrets)
        assert "email_sha256" not in row.detail


@pytest.mark.parametrize(
    ("agent", "summary"),
    [
        (FIREFOX, "Firefox on Windows"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
            "Gecko) Version/18.1 Safari/605.1.15",
            "Safari on macOS",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
            "like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Safari on iOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "HeadlessChrome/131.0.0.0 Safari/537.36",
            "Chrome on Linux",
        ),
        ("curl/8.5.0", "curl"),
        (AGENT, "Unknown browser"),
        ("", ""),
    ],
)
def test_device_summary(agent, summary):
    assert device_summary(agent) == summary
