"""The security log (accounts/security_log.py): one record per authentication event on the
`accounts.security` logger, with who and where, and never a token or a password."""

import hashlib
import logging
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.models import DeviceSession

from .conftest import PASSWORD, login, make_client, obtain_pair, with_csrf

AGENT = "pytest-browser/1.0"
WRONG = "not the password at all"


@pytest.fixture(autouse=True)
def _capture(caplog):
    caplog.set_level(logging.INFO, logger="accounts.security")


def events(caplog, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "accounts.security" and r.event == name]


def the_event(caplog, name: str, level: int) -> logging.LogRecord:
    [record] = events(caplog, name)
    assert record.levelno == level
    assert record.getMessage().startswith(f"event={name} ")
    return record


def assert_where(record, ip="127.0.0.1", agent=AGENT):
    assert record.ip == ip
    assert record.user_agent == agent
    assert f"ip='{ip}'" in record.getMessage()
    assert f"user_agent='{agent}'" in record.getMessage()


def assert_no_secrets(caplog, *secrets):
    """No record, of any logger, holds a secret in its message or its attributes."""
    secrets = [s for s in (*secrets, PASSWORD, WRONG) if s]
    secrets += [s.rsplit(".", 1)[-1] for s in secrets if s.count(".") == 2]  # JWT signatures
    assert caplog.records
    for record in caplog.records:
        texts = [record.getMessage(), *(repr(value) for value in vars(record).values())]
        for secret in secrets:
            assert not any(secret in text for text in texts), (record.name, record.getMessage())


def cookies(client) -> tuple[str, str]:
    return client.cookies["access"].value, client.cookies["refresh"].value


def session_of(user) -> DeviceSession:
    return DeviceSession.objects.get(user=user)


def test_login(caplog, browser, user):
    assert login(browser).status_code == 200
    record = the_event(caplog, "login", logging.INFO)
    assert record.user == user.pk
    assert str(record.session) == str(session_of(user).pk)
    assert_where(record)
    assert_no_secrets(caplog, *cookies(browser))


def test_token_flow_login(caplog, user):
    pair = obtain_pair()
    record = the_event(caplog, "login", logging.INFO)
    assert record.user == user.pk
    assert str(record.session) == str(session_of(user).pk)
    assert_no_secrets(caplog, pair["access"], pair["refresh"])


def test_failed_login_names_no_address_typed(caplog, browser, user):
    assert login(browser, email="ADA@example.com", password=WRONG).status_code == 401
    record = the_event(caplog, "login_failed", logging.WARNING)
    assert record.email_sha256 == hashlib.sha256(b"ada@example.com").hexdigest()
    assert_where(record)
    assert record.user == user.pk  # the account's, for its owner's security log
    for r in caplog.records:
        assert "ada@example.com" not in r.getMessage().lower()
    assert_no_secrets(caplog)


def test_failed_login_for_an_unknown_address_names_nobody(caplog, browser, user):
    assert login(browser, email="nobody@example.com", password=WRONG).status_code == 401
    record = the_event(caplog, "login_failed", logging.WARNING)
    assert record.email_sha256 == hashlib.sha256(b"nobody@example.com").hexdigest()
    assert record.user is None


def test_throttled_login(caplog, settings, browser, user):
    settings.LOGIN_FAILURES_PER_CLIENT = 1
    settings.LOGIN_THROTTLE_RATE = "1000/min"
    with time_machine.travel(timezone.now(), tick=False):
        statuses = [login(browser, password=WRONG).status_code for _ in range(2)]
        assert login(browser).status_code == 429  # the right password, throttled
    assert statuses.count(401) >= 1
    records = events(caplog, "login_throttled")
    assert records
    record = records[-1]
    assert record.levelno == logging.WARNING
    assert record.email_sha256 == hashlib.sha256(b"ada@example.com").hexdigest()
    assert_where(record)
    assert not events(caplog, "login")
    assert_no_secrets(caplog)


def test_logout_with_cookies(caplog, signed_in, user):
    secrets = cookies(signed_in)
    caplog.clear()
    assert signed_in.post("/api/auth/logout/").status_code == 200
    record = the_event(caplog, "logout", logging.INFO)
    assert str(record.session) == str(session_of(user).pk)
    assert_where(record)
    assert_no_secrets(caplog, *secrets)


def test_logout_with_a_body_token(caplog, user):
    pair = obtain_pair()
    caplog.clear()
    response = make_client().post("/api/auth/logout/", {"refresh": pair["refresh"]}, format="json")
    assert response.status_code == 200
    record = the_event(caplog, "logout", logging.INFO)
    assert str(record.user) == str(user.pk)
    assert str(record.session) == str(session_of(user).pk)
    assert_where(record)
    assert_no_secrets(caplog, pair["access"], pair["refresh"])


def test_logout_everywhere(caplog, signed_in, user):
    other = obtain_pair()
    secrets = (*cookies(signed_in), other["access"], other["refresh"])
    caplog.clear()
    assert signed_in.post("/api/auth/logout-all/").status_code == 200
    record = the_event(caplog, "logout_everywhere", logging.INFO)
    assert record.user == user.pk
    assert record.sessions == 2
    assert_where(record)
    assert_no_secrets(caplog, *secrets)


def test_session_revoked(caplog, signed_in, user):
    other = obtain_pair()
    mine = str(DeviceSession.objects.get(user=user, user_agent=AGENT).pk)
    theirs = DeviceSession.objects.exclude(pk=mine).get()
    secrets = (*cookies(signed_in), other["access"], other["refresh"])
    caplog.clear()
    assert signed_in.delete(f"/api/auth/sessions/{theirs.pk}/").status_code == 204
    record = the_event(caplog, "session_revoked", logging.INFO)
    assert record.user == user.pk
    assert str(record.session) == str(theirs.pk)
    assert_where(record)
    assert_no_secrets(caplog, *secrets)


@pytest.mark.parametrize("garbage", ["garbage", "a.b.c"])
def test_refresh_refused_for_a_garbage_token(caplog, browser, user, garbage):
    browser.cookies["refresh"] = garbage
    assert browser.post("/api/auth/refresh/").status_code == 401
    record = the_event(caplog, "refresh_refused", logging.WARNING)
    assert record.code == "token_not_valid"
    assert record.user is None and record.session is None
    assert_where(record)
    assert_no_secrets(caplog, garbage if len(garbage) > 5 else None)


def test_refresh_refused_for_an_ended_session_is_info(caplog, signed_in, user):
    old = signed_in.cookies["refresh"].value
    assert signed_in.post("/api/auth/logout/").status_code == 200
    caplog.clear()
    replay = with_csrf(make_client())
    replay.cookies["refresh"] = old
    assert replay.post("/api/auth/refresh/").status_code == 401
    record = the_event(caplog, "refresh_refused", logging.INFO)
    assert record.code == "session_revoked"
    assert record.user == user.pk
    assert_no_secrets(caplog, old)


def test_reuse_detected(caplog, settings, signed_in, user):
    settings.REFRESH_REUSE_GRACE_SECONDS = 30
    old = signed_in.cookies["refresh"].value
    assert signed_in.post("/api/auth/refresh/").status_code == 200
    secrets = (old, *cookies(signed_in))
    caplog.clear()

    thief = with_csrf(make_client())
    thief.cookies["refresh"] = old
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        response = thief.post("/api/auth/refresh/", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 401

    record = the_event(caplog, "reuse_detected_session_revoked", logging.WARNING)
    assert record.user == user.pk
    assert str(record.session) == str(session_of(user).pk)
    assert_where(record, ip="198.51.100.7")
    refused = the_event(caplog, "refresh_refused", logging.WARNING)
    assert refused.code == "token_reused"
    assert refused.user == user.pk
    assert_no_secrets(caplog, *secrets)


def test_replay_within_the_grace_window(caplog, settings, signed_in, user):
    settings.REFRESH_REUSE_GRACE_SECONDS = 30
    old = signed_in.cookies["refresh"].value
    assert signed_in.post("/api/auth/refresh/").status_code == 200
    secrets = [old, *cookies(signed_in)]
    caplog.clear()

    replay = with_csrf(make_client())
    replay.cookies["refresh"] = old
    response = replay.post("/api/auth/refresh/", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 200
    secrets += cookies(replay)

    record = the_event(caplog, "refresh_grace_replay", logging.WARNING)
    assert record.user == user.pk
    assert str(record.session) == str(session_of(user).pk)
    assert_where(record, ip="198.51.100.7")
    assert not events(caplog, "reuse_detected_session_revoked")
    assert_no_secrets(caplog, *secrets)


def test_a_forged_user_agent_cannot_forge_fields(caplog, user):
    client = with_csrf(make_client())
    forged = "x' event=login user=1 session='y"
    assert login(client, password=WRONG, HTTP_USER_AGENT=forged).status_code == 401
    record = the_event(caplog, "login_failed", logging.WARNING)
    assert record.user_agent == forged
    assert repr(forged) in record.getMessage()
    assert not events(caplog, "login")


@pytest.mark.parametrize("change", ["password_changed", "deactivated"])
def test_sessions_ended_by_a_password_change_or_deactivation(caplog, signed_in, user, change):
    if change == "password_changed":
        user.set_password("another long passphrase")
    else:
        user.is_active = False
    user.save()
    record = the_event(caplog, "sessions_revoked", logging.INFO)
    assert (record.user, record.reason, record.sessions) == (user.pk, change, 1)
