import hashlib
from datetime import timedelta

import jwt
import pytest
import time_machine
from django.utils import timezone
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts.models import DeviceSession, User

from .conftest import login, make_client, obtain_pair, with_csrf


def refresh(client, **extra):
    return client.post("/api/auth/refresh/", **extra)


def cleared(response, name: str) -> bool:
    return name in response.cookies and response.cookies[name].value == ""


def jti(token: str) -> str:
    return jwt.decode(token, options={"verify_signature": False})["jti"]


def test_refresh_rotates_and_blacklists_the_old_token(signed_in):
    old_refresh = signed_in.cookies["refresh"].value
    old_access = signed_in.cookies["access"].value

    response = refresh(signed_in)

    assert response.status_code == 200
    assert set(response.json()) == {"access_expires_at", "refresh_expires_at", "access_expires_in"}
    new_refresh = response.cookies["refresh"].value
    assert new_refresh != old_refresh
    assert response.cookies["access"].value != old_access
    assert response.cookies["refresh"]["path"] == "/api/auth/"
    assert response.cookies["refresh"]["httponly"] and response.cookies["access"]["httponly"]
    assert BlacklistedToken.objects.filter(token__jti=jti(old_refresh)).exists()
    assert not BlacklistedToken.objects.filter(token__jti=jti(new_refresh)).exists()
    # Rotation keeps the device session.
    claims = [
        jwt.decode(t, options={"verify_signature": False}) for t in (old_refresh, new_refresh)
    ]
    assert claims[0]["sid"] == claims[1]["sid"]
    assert signed_in.get("/api/auth/me/").status_code == 200


def test_database_holds_only_a_digest_of_refresh_tokens(signed_in):
    refresh(signed_in)
    raw = signed_in.cookies["refresh"].value
    stored = OutstandingToken.objects.get(jti=jti(raw)).token
    assert stored == hashlib.sha256(raw.encode()).hexdigest()
    for row in OutstandingToken.objects.all():
        assert "." not in row.token and len(row.token) == 64


def test_refresh_without_cookie_is_401(browser, user):
    response = refresh(browser)
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


@pytest.mark.parametrize("garbage", ["garbage", "a.b.c", "é" * 10, "x" * 5000])
def test_garbage_refresh_cookie_is_401_and_cleared(browser, user, garbage):
    browser.cookies["refresh"] = garbage
    response = refresh(browser)
    assert response.status_code == 401
    assert response.json()["detail"]
    assert cleared(response, "refresh") and cleared(response, "access")


def test_an_access_token_is_not_a_refresh_token(signed_in):
    signed_in.cookies["refresh"] = signed_in.cookies["access"].value
    assert refresh(signed_in).status_code == 401


def test_refresh_needs_the_csrf_token(signed_in):
    signed_in.credentials()  # drop the X-CSRFToken header
    response = refresh(signed_in)
    assert response.status_code == 403
    assert "refresh" not in response.cookies


def test_stale_access_cookie_never_blocks_refresh(signed_in):
    signed_in.cookies["access"] = "garbage"
    assert refresh(signed_in).status_code == 200


def test_expired_refresh_token_is_401_and_cleared(settings, signed_in):
    with time_machine.travel(
        timezone.now() + timedelta(seconds=settings.JWT_REFRESH_TOKEN_LIFETIME + 5)
    ):
        response = refresh(signed_in)
    assert response.status_code == 401
    assert cleared(response, "refresh")


def test_each_rotation_renews_the_idle_timeout(settings, signed_in):
    settings.JWT_REFRESH_TOKEN_LIFETIME = 100
    start = timezone.now()
    for step in (60, 120, 180):  # each step is within 100 s of the previous rotation
        with time_machine.travel(start + timedelta(seconds=step)):
            assert refresh(signed_in).status_code == 200
    with time_machine.travel(start + timedelta(seconds=300)):  # idle 120 s > 100 s
        assert refresh(signed_in).status_code == 401


def test_no_refresh_past_the_session_maximum_lifetime(settings, browser, user):
    settings.SESSION_MAX_LIFETIME = 300
    settings.JWT_REFRESH_TOKEN_LIFETIME = 200
    start = timezone.now()
    with time_machine.travel(start):
        login(browser)
    with time_machine.travel(start + timedelta(seconds=150)):
        response = refresh(browser)
        assert response.status_code == 200
        # The new token's expiry is capped at login + 300 s, not 150 + 200 s.
        claims = jwt.decode(response.cookies["refresh"].value, options={"verify_signature": False})
        session = DeviceSession.objects.get(user=user)
        assert claims["exp"] == int(session.expires_at.timestamp())
    with time_machine.travel(start + timedelta(seconds=301)):
        assert refresh(browser).status_code == 401


def test_a_retry_within_grace_gets_the_same_successor(signed_in):
    # The rotation committed but its response never arrived (the server died, the network
    # dropped it): the browser still holds the old token and retries with it.
    old = signed_in.cookies["refresh"].value
    first = refresh(signed_in).cookies["refresh"].value

    retry = with_csrf(make_client())
    retry.cookies["refresh"] = old
    response = refresh(retry)

    assert response.status_code == 200
    assert response.cookies["refresh"].value == first  # the same token, not a second one
    assert retry.get("/api/auth/me/").status_code == 200  # with a fresh access token
    assert OutstandingToken.objects.count() == 2  # the login's and the one successor
    assert DeviceSession.objects.get().revoked_at is None
    assert refresh(retry).status_code == 200  # and it rotates on as usual
    assert refresh(signed_in).status_code == 200  # the other copy, within the grace: same


def test_a_successor_is_handed_out_again_only_exactly_as_it_was_issued(signed_in):
    old = signed_in.cookies["refresh"].value
    first = refresh(signed_in).cookies["refresh"].value
    # What signing it again yields no longer matches what was issued (say, a new signing key).
    OutstandingToken.objects.filter(jti=jti(first)).update(token="0" * 64)

    retry = with_csrf(make_client())
    retry.cookies["refresh"] = old
    response = refresh(retry)

    assert response.status_code == 401
    assert response.json()["code"] == "token_rotated"


def test_replay_within_grace_once_the_successor_is_used_is_401_but_revokes_nothing(signed_in):
    old = signed_in.cookies["refresh"].value
    assert refresh(signed_in).status_code == 200
    assert refresh(signed_in).status_code == 200  # the successor is used too
    fresh = signed_in.cookies["refresh"].value

    replay = with_csrf(make_client())
    replay.cookies["refresh"] = old
    response = refresh(replay)

    assert response.status_code == 401
    assert response.json()["code"] == "token_rotated"
    # The other tab's fresh cookies must survive: nothing is deleted.
    assert "refresh" not in response.cookies and "access" not in response.cookies
    assert DeviceSession.objects.get().revoked_at is None
    signed_in.cookies["refresh"] = fresh
    assert refresh(signed_in).status_code == 200


def test_a_signed_out_token_gets_no_successor_within_grace(signed_in):
    old = signed_in.cookies["refresh"].value
    assert signed_in.post("/api/auth/logout/").status_code == 200

    replay = with_csrf(make_client())
    replay.cookies["refresh"] = old
    response = refresh(replay)

    assert response.status_code == 401
    assert response.json()["code"] == "session_revoked"
    assert OutstandingToken.objects.count() == 1


def test_replay_after_grace_revokes_the_whole_session(settings, signed_in):
    old = signed_in.cookies["refresh"].value
    assert refresh(signed_in).status_code == 200

    thief = with_csrf(make_client())
    thief.cookies["refresh"] = old
    with time_machine.travel(
        timezone.now() + timedelta(seconds=settings.REFRESH_REUSE_GRACE_SECONDS + 1)
    ):
        response = refresh(thief)
        assert response.status_code == 401
        assert response.json()["code"] == "token_reused"
        assert cleared(response, "refresh")
        assert DeviceSession.objects.get().revoked_at is not None
        # The victim's current tokens die with the session.
        assert refresh(signed_in).status_code == 401
        assert signed_in.get("/api/auth/me/").status_code == 401


def test_deactivated_user_can_neither_refresh_nor_use_access(signed_in, user):
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert signed_in.get("/api/auth/me/").status_code == 401
    response = refresh(signed_in)
    assert response.status_code == 401
    assert response.json()["code"] == "user_inactive"


def test_refresh_token_of_a_deleted_user_is_401_not_500(signed_in, user):
    pair = obtain_pair()
    user.delete()
    assert refresh(signed_in).status_code == 401
    response = make_client().post(
        "/api/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json"
    )
    assert response.status_code == 401
    assert response.json()["detail"]


def test_token_flow_refresh_rotates_and_blacklists(user):
    pair = obtain_pair()
    client = make_client()
    response = client.post("/api/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert {"access", "refresh"} <= set(body)
    assert body["refresh"] != pair["refresh"]
    assert not response.cookies  # the token flow never sets cookies
    assert BlacklistedToken.objects.filter(token__jti=jti(pair["refresh"])).exists()
    retry = client.post("/api/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json")
    assert retry.status_code == 200
    assert retry.json()["refresh"] == body["refresh"]  # within the grace: the same successor


def test_token_flow_refresh_needs_a_string(user):
    response = make_client().post("/api/auth/token/refresh/", {"refresh": ["x"]}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"]


def test_session_cap_is_checked_at_refresh_not_only_in_the_token(signed_in):
    # E.g. an admin shortened the session: its tokens must stop refreshing at once.
    DeviceSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = refresh(signed_in)
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"
