import jwt
import pytest
from django.conf import settings

from accounts.models import DeviceSession

from .conftest import PASSWORD, login, make_client, with_csrf


def test_login_sets_httponly_cookies_and_returns_no_token(browser, user):
    response = login(browser)

    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {"id": user.id, "email": user.email, "name": user.name, "role": "client"}
    assert set(body) == {"user", "access_expires_at", "refresh_expires_at"}
    assert response.cookies["access"].value not in response.content.decode()
    assert response.cookies["refresh"].value not in response.content.decode()

    access, refresh = response.cookies["access"], response.cookies["refresh"]
    assert access["httponly"] and refresh["httponly"]
    assert access["samesite"] == refresh["samesite"] == "Lax"
    assert access["path"] == "/"
    assert refresh["path"] == "/api/auth/"
    assert int(access["max-age"]) == pytest.approx(settings.JWT_ACCESS_TOKEN_LIFETIME, abs=2)
    assert int(refresh["max-age"]) == pytest.approx(settings.JWT_REFRESH_TOKEN_LIFETIME, abs=2)


@pytest.mark.parametrize("secure", [True, False])
def test_cookie_secure_and_domain_follow_settings(settings, browser, user, secure):
    settings.COOKIE_SECURE = secure
    settings.COOKIE_DOMAIN = ".example.com"
    response = login(browser)
    for name in ("access", "refresh"):
        assert bool(response.cookies[name]["secure"]) is secure
        assert response.cookies[name]["domain"] == ".example.com"


def test_access_token_carries_user_and_session_claims(browser, user):
    response = login(browser)
    claims = jwt.decode(response.cookies["access"].value, options={"verify_signature": False})
    session = DeviceSession.objects.get(user=user)
    assert claims["user_id"] == str(user.id)
    assert claims["sid"] == str(session.id)
    assert (claims["email"], claims["name"], claims["role"]) == (user.email, user.name, "client")
    assert claims["token_type"] == "access"
    assert claims["exp"] - claims["iat"] == settings.JWT_ACCESS_TOKEN_LIFETIME


def test_login_starts_a_device_session(browser, user):
    login(browser)
    session = DeviceSession.objects.get(user=user)
    assert session.user_agent == "pytest-browser/1.0"
    assert session.ip_address == "127.0.0.1"
    assert session.revoked_at is None
    assert (session.expires_at - session.created_at).total_seconds() == (
        settings.SESSION_MAX_LIFETIME
    )
    user.refresh_from_db()
    assert user.last_login is not None


def test_email_is_case_insensitive(browser, user):
    assert login(browser, email="ADA@Example.com").status_code == 200


@pytest.mark.parametrize(
    ("email", "password"),
    [("ada@example.com", "wrong password"), ("nobody@example.com", PASSWORD)],
)
def test_wrong_credentials_401_and_no_cookies(browser, user, email, password):
    response = login(browser, email=email, password=password)
    assert response.status_code == 401
    assert response.json()["detail"]
    assert "access" not in response.cookies and "refresh" not in response.cookies
    assert not DeviceSession.objects.exists()


def test_inactive_user_cannot_log_in(browser, user):
    user.is_active = False
    user.save()
    assert login(browser).status_code == 401


@pytest.mark.parametrize("stale", ["garbage", "eyJhbGciOiJIUzI1NiJ9.e30.bad-signature"])
def test_stale_access_cookie_never_blocks_login(browser, user, stale):
    browser.cookies["access"] = stale
    browser.cookies["refresh"] = stale
    assert login(browser).status_code == 200


def test_login_requires_the_csrf_token(db, user):
    client = make_client()
    client.get("/api/auth/csrf/")  # cookie, but no header
    response = login(client)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert "access" not in response.cookies


def test_login_from_a_foreign_origin_is_refused(db, user):
    client = with_csrf(make_client())
    response = client.post(
        "/api/auth/login/",
        {"email": user.email, "password": PASSWORD},
        format="json",
        HTTP_ORIGIN="https://evil.example.net",
    )
    assert response.status_code == 403
    assert not DeviceSession.objects.exists()


def test_login_from_the_web_origin_is_accepted(browser, user):
    origin = settings.WEB_ORIGINS[0]
    response = browser.post(
        "/api/auth/login/",
        {"email": user.email, "password": PASSWORD},
        format="json",
        HTTP_ORIGIN=origin,
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == origin
    assert response["Access-Control-Allow-Credentials"] == "true"


def test_login_is_throttled_per_ip(settings, browser, user):
    settings.LOGIN_THROTTLE_RATE = "3/min"
    for i in range(3):
        assert login(browser, email=f"other{i}@example.com").status_code == 401
    response = login(browser)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["detail"]


def test_login_is_throttled_per_email_across_addresses(settings, db, user):
    settings.LOGIN_THROTTLE_RATE = "3/min"
    for i in range(3):
        client = with_csrf(make_client())
        response = login(client, password="wrong", REMOTE_ADDR=f"10.0.0.{i}")
        assert response.status_code == 401
    client = with_csrf(make_client())
    response = client.post(
        "/api/auth/login/",
        {"email": "ADA@example.com", "password": PASSWORD},
        format="json",
        REMOTE_ADDR="10.0.0.99",
    )
    assert response.status_code == 429


def test_forwarded_for_is_ignored_without_trusted_proxies(settings, browser, user):
    settings.LOGIN_THROTTLE_RATE = "2/min"
    for i in range(2):
        login(browser, email=f"x{i}@example.com", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}")
    assert login(browser, HTTP_X_FORWARDED_FOR="203.0.113.77").status_code == 429
