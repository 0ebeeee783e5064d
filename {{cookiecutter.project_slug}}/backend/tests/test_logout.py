from datetime import UTC, datetime, timedelta

import jwt
import time_machine
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.models import DeviceSession

from .conftest import login, make_client, obtain_pair, with_csrf


def jti(token: str) -> str:
    return jwt.decode(token, options={"verify_signature": False})["jti"]


def cleared(response, name: str) -> bool:
    return name in response.cookies and response.cookies[name].value == ""


def test_logout_blacklists_revokes_and_clears_cookies(signed_in):
    refresh = signed_in.cookies["refresh"].value
    access = signed_in.cookies["access"].value

    response = signed_in.post("/api/auth/logout/")

    assert response.status_code == 200
    assert cleared(response, "access") and cleared(response, "refresh")
    assert response.cookies["refresh"]["path"] == "/api/auth/"
    assert response.cookies["access"]["path"] == "/"
    assert BlacklistedToken.objects.filter(token__jti=jti(refresh)).exists()
    assert DeviceSession.objects.get().revoked_at is not None

    # Neither token works any more: not the refresh token, not even the unexpired access token.
    replay = with_csrf(make_client())
    replay.cookies["refresh"] = refresh
    assert replay.post("/api/auth/refresh/").status_code == 401
    bearer = make_client()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    assert bearer.get("/api/auth/me/").status_code == 401


def test_logging_out_twice_is_not_an_error(signed_in):
    assert signed_in.post("/api/auth/logout/").status_code == 200
    assert signed_in.post("/api/auth/logout/").status_code == 200


def test_logout_with_stale_cookies_still_signs_out(browser, user):
    login(browser)
    browser.cookies["access"] = "garbage"
    browser.cookies["refresh"] = "garbage"
    response = browser.post("/api/auth/logout/")
    assert response.status_code == 200
    assert cleared(response, "refresh")


def test_logout_with_cookies_needs_csrf(signed_in):
    signed_in.credentials()
    response = signed_in.post("/api/auth/logout/")
    assert response.status_code == 403
    assert DeviceSession.objects.get().revoked_at is None


def test_logout_takes_the_refresh_token_from_the_body(user):
    pair = obtain_pair()
    response = make_client().post("/api/auth/logout/", {"refresh": pair["refresh"]}, format="json")
    assert response.status_code == 200
    assert BlacklistedToken.objects.filter(token__jti=jti(pair["refresh"])).exists()
    assert DeviceSession.objects.get().revoked_at is not None


def test_logout_with_a_bad_body_token_is_401(db):
    response = make_client().post("/api/auth/logout/", {"refresh": "nope"}, format="json")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_logout_all_revokes_every_session(signed_in, user):
    other = obtain_pair()  # a second device
    assert DeviceSession.objects.filter(user=user, revoked_at__isnull=True).count() == 2

    response = signed_in.post("/api/auth/logout-all/")

    assert response.status_code == 200
    assert cleared(response, "access")
    assert not DeviceSession.objects.filter(user=user, revoked_at__isnull=True).exists()
    refreshed = make_client().post(
        "/api/auth/token/refresh/", {"refresh": other["refresh"]}, format="json"
    )
    assert refreshed.status_code == 401
    assert refreshed.json()["code"] == "session_revoked"


def test_logout_all_needs_a_signed_in_user(browser):
    assert browser.post("/api/auth/logout-all/").status_code == 401


def test_token_flow_blacklist(user):
    pair = obtain_pair()
    client = make_client()
    response = client.post(
        "/api/auth/token/blacklist/", {"refresh": pair["refresh"]}, format="json"
    )
    assert response.status_code == 200
    assert BlacklistedToken.objects.filter(token__jti=jti(pair["refresh"])).exists()
    replay = client.post("/api/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json")
    assert replay.status_code == 401


# --- Security: cross-site logout, and logout that must end what the cookies name ----------------


def test_a_cross_site_logout_acts_on_nothing_and_deletes_no_cookie(signed_in):
    """A foreign site's form POSTs to logout: SameSite=Lax keeps the cookies from that request,
    so it arrives with none, and without a CSRF token. Deleting cookies in the answer would
    still sign the user out (the browser applies it on a top-level navigation)."""
    forged = make_client()
    response = forged.post(
        "/api/auth/logout/", HTTP_ORIGIN="https://evil.example", HTTP_SEC_FETCH_SITE="cross-site"
    )
    assert response.status_code == 200
    assert "access" not in response.cookies and "refresh" not in response.cookies
    assert not response.has_header("Set-Cookie")
    assert DeviceSession.objects.get().revoked_at is None
    assert signed_in.get("/api/auth/me/").status_code == 200


def test_a_logout_with_cookies_that_fails_csrf_deletes_no_cookie(signed_in):
    """A sibling subdomain is same-site: the cookies come along, but no valid CSRF token."""
    signed_in.credentials(HTTP_X_CSRFTOKEN="forged", HTTP_ORIGIN="https://evil.example.com")
    response = signed_in.post("/api/auth/logout/")
    assert response.status_code == 403
    assert not response.has_header("Set-Cookie")
    assert DeviceSession.objects.get().revoked_at is None


def test_logout_with_only_the_access_cookie_ends_the_session(signed_in):
    access = signed_in.cookies["access"].value
    del signed_in.cookies["refresh"]
    response = signed_in.post("/api/auth/logout/")
    assert response.status_code == 200
    assert DeviceSession.objects.get().revoked_at is not None
    assert cleared(response, "access") and cleared(response, "refresh")
    bearer = make_client()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    assert bearer.get("/api/auth/me/").status_code == 401


def test_logout_with_a_stale_refresh_cookie_ends_the_session(signed_in):
    stale = signed_in.cookies["refresh"].value
    assert signed_in.post("/api/auth/refresh/").status_code == 200  # rotated: `stale` is old
    current = signed_in.cookies["refresh"].value
    del signed_in.cookies["access"]
    signed_in.cookies["refresh"] = stale
    assert signed_in.post("/api/auth/logout/").status_code == 200
    assert DeviceSession.objects.get().revoked_at is not None
    replay = with_csrf(make_client())
    replay.cookies["refresh"] = current
    assert replay.post("/api/auth/refresh/").json()["code"] == "session_revoked"


def test_logout_with_an_expired_access_cookie_ends_the_session(signed_in, settings):
    del signed_in.cookies["refresh"]
    later = datetime.now(tz=UTC) + timedelta(seconds=settings.JWT_ACCESS_TOKEN_LIFETIME + 60)
    with time_machine.travel(later):
        assert signed_in.post("/api/auth/logout/").status_code == 200
    assert DeviceSession.objects.get().revoked_at is not None


def test_a_forged_cookie_ends_no_session(signed_in, user):
    other = obtain_pair()
    claims = jwt.decode(other["refresh"], options={"verify_signature": False})
    forged = make_client()
    with_csrf(forged)
    forged.cookies["refresh"] = jwt.encode(claims, "not-our-key", algorithm="HS256")
    assert forged.post("/api/auth/logout/").status_code == 200
    assert DeviceSession.objects.get(pk=claims["sid"]).revoked_at is None
