import jwt
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
