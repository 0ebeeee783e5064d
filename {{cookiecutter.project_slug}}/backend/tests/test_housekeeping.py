"""`manage.py flushexpired`: expired tokens and ended sessions go, everything usable stays."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import AuthChallenge, DeviceSession, User

from .conftest import make_client, obtain_pair


def flush(*args) -> str:
    out = StringIO()
    call_command("flushexpired", *args, stdout=out)
    return out.getvalue()


def deleted(tokens: int, sessions: int, challenges: int = 0) -> str:
    """flushexpired's report, with no security log event old enough to go (test_security_events
    tests those)."""
    days = settings.SECURITY_LOG_RETENTION_DAYS
    return (
        f"Deleted {tokens} expired refresh token(s) and {sessions} ended device session(s).\n"
        f"Deleted {challenges} expired challenge(s).\n"
        f"Deleted 0 security event(s) older than {days} day(s).\n"
    )


def outstanding(user, jti: str, expires_in: timedelta, blacklisted=False) -> OutstandingToken:
    now = timezone.now()
    token = OutstandingToken.objects.create(
        user=user, jti=jti, token="0" * 64, created_at=now, expires_at=now + expires_in
    )
    if blacklisted:
        BlacklistedToken.objects.create(token=token)
    return token


def session(user, *, expires_in: timedelta, idle: timedelta = timedelta(), revoked=False):
    now = timezone.now()
    return DeviceSession.objects.create(
        user=user,
        created_at=now - idle,
        last_used_at=now - idle,
        expires_at=now + expires_in,
        revoked_at=now - idle if revoked else None,
    )


def test_expired_tokens_go_with_their_blacklist_rows_and_live_ones_stay(user):
    hour = timedelta(hours=1)
    outstanding(user, "expired", -hour)
    outstanding(user, "expired-rotated", -hour, blacklisted=True)
    outstanding(user, "live", hour)
    outstanding(user, "live-rotated", hour, blacklisted=True)

    assert flush() == deleted(2, 0)

    assert set(OutstandingToken.objects.values_list("jti", flat=True)) == {"live", "live-rotated"}
    # A rotated token that has not expired yet stays blacklisted: reuse detection needs it.
    assert list(BlacklistedToken.objects.values_list("token__jti", flat=True)) == ["live-rotated"]


def test_sessions_go_once_none_of_their_tokens_can_be_valid(user):
    access = timedelta(seconds=settings.JWT_ACCESS_TOKEN_LIFETIME)
    refresh = timedelta(seconds=settings.JWT_REFRESH_TOKEN_LIFETIME)
    margin = timedelta(minutes=5)
    day = timedelta(days=1)
    keep = {
        "active": session(user, expires_in=day),
        "revoked recently": session(user, expires_in=day, revoked=True),
        # Past its cap, but an access token issued just before the cap is still valid.
        "just capped": session(user, expires_in=-access + margin),
        "idle, not past the timeout": session(user, expires_in=day, idle=refresh - margin),
    }
    gone = [
        session(user, expires_in=-access - margin),
        session(user, expires_in=day, idle=refresh + access + margin),
        session(user, expires_in=day, idle=refresh + access + margin, revoked=True),
    ]

    assert flush() == deleted(0, 3)

    remaining = set(DeviceSession.objects.values_list("pk", flat=True))
    assert remaining == {s.pk for s in keep.values()}
    assert not remaining & {s.pk for s in gone}


def test_works_in_bounded_batches(user):
    for i in range(7):
        outstanding(user, f"expired-{i}", timedelta(hours=-1), blacklisted=i % 2 == 0)
    for _ in range(5):
        session(user, expires_in=timedelta(days=-1))

    with CaptureQueriesContext(connection) as queries:
        output = flush("--batch-size", "3")

    assert output == deleted(7, 5)
    assert not OutstandingToken.objects.exists() and not BlacklistedToken.objects.exists()
    assert not DeviceSession.objects.exists()
    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    # Every read of candidate rows is limited to one batch.
    assert all("LIMIT 3" in sql for sql in selects if "ORDER BY" in sql)
    # Tokens: pages of 3, 3, 1, then an empty one; sessions: 3, 2, empty; challenges and security
    # events: empty.
    assert len([sql for sql in selects if "LIMIT 3" in sql]) == 4 + 3 + 1 + 1


def test_expired_challenges_go_and_pending_ones_stay(user):
    now = timezone.now()
    for i, minutes in enumerate((-10, -1, 5)):
        AuthChallenge.objects.create(
            purpose=AuthChallenge.Purpose.SECOND_FACTOR,
            digest=f"{i:064d}",
            user=user,
            expires_at=now + timedelta(minutes=minutes),
        )
    assert flush() == deleted(0, 0, challenges=2)
    assert list(AuthChallenge.objects.values_list("digest", flat=True)) == [f"{2:064d}"]


def test_nothing_to_do_is_not_an_error(db):
    assert flush() == deleted(0, 0)
    assert flush() == deleted(0, 0)


def test_batch_size_must_be_positive(db):
    with pytest.raises(CommandError):
        flush("--batch-size", "0")


def test_a_signed_in_device_keeps_working_after_a_flush_long_after_others_expired(user):
    old = obtain_pair()
    later = timezone.now() + timedelta(seconds=settings.JWT_REFRESH_TOKEN_LIFETIME + 3600)
    with time_machine.travel(later):
        current = obtain_pair()
        assert flush() == deleted(1, 1)

        client = make_client()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {current['access']}")
        assert client.get("/api/auth/me/").status_code == 200
        refreshed = client.post(
            "/api/auth/token/refresh/", {"refresh": current["refresh"]}, format="json"
        )
        assert refreshed.status_code == 200
        stale = client.post("/api/auth/token/refresh/", {"refresh": old["refresh"]}, format="json")
        assert stale.status_code == 401
    assert User.objects.filter(pk=user.pk).exists()
