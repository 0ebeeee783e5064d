"""What authentication costs per request, and that remembering accepted tokens
(accounts/auth_cache.py) never lets a revoked session, a disabled user or an expired token
through for longer than it says."""

from datetime import UTC, datetime, timedelta

import jwt
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework_simplejwt.exceptions import InvalidToken

from accounts import auth_cache
from accounts.authentication import CookieOrBearerAuthentication
from accounts.models import DeviceSession, User

from .conftest import make_client, obtain_pair


def bearer(access: str):
    client = make_client()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def me_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/auth/me/").status_code == 200
    return len(queries)


@pytest.fixture
def clock(monkeypatch):
    """auth_cache's clock, moved by hand."""
    now = [timezone.now().timestamp()]
    monkeypatch.setattr(auth_cache, "_clock", lambda: now[0])
    return now


def test_one_query_then_none_while_the_token_is_remembered(signed_in, user):
    client = bearer(obtain_pair()["access"])
    for authenticated in (client, signed_in):  # Bearer, then the cookie
        assert me_queries(authenticated) == 1
        assert me_queries(authenticated) == 0


def test_one_query_every_request_when_turned_off(settings, user):
    settings.AUTH_CACHE_SECONDS = 0
    client = bearer(obtain_pair()["access"])
    assert [me_queries(client) for _ in range(3)] == [1, 1, 1]


def test_remembered_only_for_the_configured_seconds(clock, user):
    client = bearer(obtain_pair()["access"])
    assert me_queries(client) == 1
    clock[0] += settings.AUTH_CACHE_SECONDS - 0.5
    assert me_queries(client) == 0
    clock[0] += 1
    assert me_queries(client) == 1


def test_never_remembered_past_the_tokens_expiry(settings, user, time_machine):
    settings.AUTH_CACHE_SECONDS = 3600
    raw = obtain_pair()["access"]
    client = bearer(raw)
    assert me_queries(client) == 1
    exp = CookieOrBearerAuthentication().get_validated_token(raw.encode())["exp"]
    time_machine.move_to(datetime.fromtimestamp(exp - 1, UTC), tick=False)
    assert me_queries(client) == 0
    time_machine.move_to(datetime.fromtimestamp(exp, UTC), tick=False)
    response = client.get("/api/auth/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_logout_everywhere_ends_remembered_tokens_at_once(signed_in, user):
    other = bearer(obtain_pair()["access"])
    assert me_queries(other) == 1  # both tokens remembered now
    assert me_queries(signed_in) == 1
    access = signed_in.cookies["access"].value

    assert signed_in.post("/api/auth/logout-all/").status_code == 200
    assert other.get("/api/auth/me/").status_code == 401
    assert bearer(access).get("/api/auth/me/").status_code == 401


def test_revoking_one_session_ends_it_at_once(signed_in, user):
    own = signed_in.get("/api/auth/me/").wsgi_request.auth["sid"]
    victim = bearer(obtain_pair()["access"])
    assert me_queries(victim) == 1
    session = DeviceSession.objects.exclude(pk=own).get()
    assert signed_in.delete(f"/api/auth/sessions/{session.pk}/").status_code == 204
    response = victim.get("/api/auth/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "session_revoked"


def test_deactivating_a_user_takes_effect_at_once(user):
    client = bearer(obtain_pair()["access"])
    assert me_queries(client) == 1
    user.is_active = False
    user.save()
    assert client.get("/api/auth/me/").status_code == 401


def test_a_deleted_user_is_refused_at_once(user):
    client = bearer(obtain_pair()["access"])
    assert me_queries(client) == 1
    user.delete()
    assert client.get("/api/auth/me/").status_code == 401


def test_a_revocation_behind_the_models_back_takes_the_configured_seconds(clock, user):
    # What another worker process sees: nothing tells it, so its memory runs out on its own.
    client = bearer(obtain_pair()["access"])
    assert me_queries(client) == 1
    DeviceSession.objects.update(revoked_at=timezone.now())  # no revoke(), no signal
    assert client.get("/api/auth/me/").status_code == 200
    clock[0] += settings.AUTH_CACHE_SECONDS
    assert client.get("/api/auth/me/").status_code == 401


def test_a_sign_in_does_not_make_everyone_look_again(user):
    client = bearer(obtain_pair()["access"])
    assert me_queries(client) == 1
    obtain_pair()  # stamps last_login
    assert me_queries(client) == 0


def test_a_refused_token_is_not_remembered(user):
    raw = obtain_pair()["access"]
    tampered = bearer(raw[:-2] + ("AA" if not raw.endswith("AA") else "BB"))
    for _ in range(2):
        assert tampered.get("/api/auth/me/").status_code == 401


def test_a_check_that_races_a_revocation_is_not_remembered(user):
    raw = obtain_pair()["access"].encode()
    check = CookieOrBearerAuthentication().check

    def check_while_revoking(raw_token):
        checked = check(raw_token)
        auth_cache.forget_all()  # another request revokes meanwhile
        return checked

    auth_cache.authenticated(raw, check_while_revoking)

    def refuse(raw_token):
        raise InvalidToken("looked at again")

    with pytest.raises(InvalidToken):
        auth_cache.authenticated(raw, refuse)


def test_each_request_gets_its_own_copies(user):
    raw = obtain_pair()["access"].encode()
    check = CookieOrBearerAuthentication().check
    token, first = auth_cache.authenticated(raw, check)
    first.name = "changed by a view"
    token["role"] = "admin"
    token, second = auth_cache.authenticated(raw, pytest.fail)
    assert second.name == User.objects.get().name
    assert token["role"] == "client"


def test_an_expired_token_is_refused(user, time_machine):
    client = bearer(obtain_pair()["access"])
    assert me_queries(client) == 1
    time_machine.move_to(timezone.now() + timedelta(seconds=settings.JWT_ACCESS_TOKEN_LIFETIME + 1))
    response = client.get("/api/auth/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


# --- Security: no access token outlives its session's absolute cap ------------------------------


def test_access_tokens_expire_no_later_than_the_session(settings, user):
    settings.SESSION_MAX_LIFETIME = 60  # shorter than the access lifetime
    assert settings.JWT_ACCESS_TOKEN_LIFETIME > 60
    pair = obtain_pair()
    session = DeviceSession.objects.get()
    claims = jwt.decode(pair["access"], options={"verify_signature": False})
    assert claims["exp"] <= session.expires_at.timestamp()
    assert pair["access_expires_at"] == pair["refresh_expires_at"]
    assert pair["access_expires_in"] <= 60


def test_refreshed_access_tokens_expire_no_later_than_the_session(settings, user):
    pair = obtain_pair()
    DeviceSession.objects.update(expires_at=timezone.now() + timedelta(seconds=30))
    refreshed = make_client().post(
        "/api/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json"
    )
    assert refreshed.status_code == 200
    claims = jwt.decode(refreshed.json()["access"], options={"verify_signature": False})
    assert claims["exp"] <= DeviceSession.objects.get().expires_at.timestamp()


def test_a_session_past_its_cap_is_refused_whatever_the_token_says(settings, user):
    settings.AUTH_CACHE_SECONDS = 0
    client = bearer(obtain_pair()["access"])
    assert client.get("/api/auth/me/").status_code == 200
    DeviceSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/auth/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "session_revoked"
