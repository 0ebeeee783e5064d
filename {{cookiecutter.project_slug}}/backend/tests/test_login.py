import jwt
import pytest
from django.conf import settings

from accounts.models import DeviceSession, User

from .conftest import PASSWORD, login, make_client, obtain_pair, with_csrf


def test_login_sets_httponly_cookies_and_returns_no_token(browser, user):
    response = login(browser)

    assert response.status_code == 200
    body = response.json()
    assert body["user"] == {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": "client",
        "two_factor_enabled": False,
        "two_factor_setup_required": False,
    }
    assert set(body) == {"user", "access_expires_at", "refresh_expires_at", "access_expires_in"}
    assert body["access_expires_in"] == pytest.approx(settings.JWT_ACCESS_TOKEN_LIFETIME, abs=2)
    assert response.cookies["access"].value not in response.content.decode()
    assert response.cookies["refresh"].value not in response.content.decode()

    access, refresh = response.cookies["access"], response.cookies["refresh"]
    assert access["httponly"] and refresh["httponly"]
    assert access["samesite"] == refresh["samesite"] == "Lax"
    assert access["path"] == "/"
    assert refresh["path"] == "/api/auth/"
    assert int(access["max-age"]) == pytest.approx(settings.JWT_ACCESS_TOKEN_LIFETIME, abs=2)
    assert int(refresh["max-age"]) == pytest.approx(settings.JWT_REFRESH_TOKEN_LIFETIME, abs=2)


@pytest.mark.parametrize(
    ("secure", "domain", "names"),
    [
        # __Host- wherever its rules allow (Secure, Path=/, no Domain), else __Secure-.
        (True, None, ("__Host-access", "__Secure-refresh")),
        (True, ".example.com", ("__Secure-access", "__Secure-refresh")),
        (False, ".example.com", ("access", "refresh")),
        (False, None, ("access", "refresh")),
    ],
)
def test_cookie_names_secure_and_domain_follow_settings(
    settings, browser, user, secure, domain, names
):
    settings.COOKIE_SECURE = secure
    settings.COOKIE_DOMAIN = domain
    response = login(browser)
    assert set(names) <= set(response.cookies)
    for name in names:
        assert bool(response.cookies[name]["secure"]) is secure
        assert response.cookies[name]["domain"] == (domain or "")
    if names[0].startswith("__Host-"):
        assert response.cookies[names[0]]["path"] == "/"
    # The cookies work under their names: me with the access cookie, refresh, logout.
    assert browser.get("/api/auth/me/").status_code == 200
    assert browser.post("/api/auth/refresh/").status_code == 200
    assert browser.post("/api/auth/logout/").status_code == 200
    assert DeviceSession.objects.get().revoked_at is not None


def test_an_unprefixed_cookie_is_not_read_over_https(settings, browser, user):
    """A subdomain could plant a plain `access` cookie; over https only the prefixed one counts."""
    settings.COOKIE_SECURE = True
    access = login(browser).cookies["__Host-access"].value
    planted = make_client()
    planted.cookies["access"] = access
    assert planted.get("/api/auth/me/").status_code == 401


def test_login_ends_the_session_the_browser_still_held(browser, user):
    """A shared computer: the next person signs in over the previous one's cookies."""
    other = User.objects.create_user(email="grace@example.com", password=PASSWORD)
    assert login(browser, email=other.email).status_code == 200
    previous = DeviceSession.objects.get(user=other)
    old_access = browser.cookies["access"].value

    assert login(browser).status_code == 200

    previous.refresh_from_db()
    assert previous.revoked_at is not None
    assert DeviceSession.objects.get(user=user).revoked_at is None
    bearer = make_client()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {old_access}")
    assert bearer.get("/api/auth/me/").status_code == 401


def test_login_with_forged_cookies_ends_no_other_session(browser, user):
    victim = obtain_pair()  # a session of the same user elsewhere
    claims = jwt.decode(victim["access"], options={"verify_signature": False})
    forged = jwt.encode({**claims, "sid": claims["sid"]}, "not-our-key", algorithm="HS256")
    browser.cookies["access"] = forged
    assert login(browser).status_code == 200
    assert DeviceSession.objects.get(pk=claims["sid"]).revoked_at is None


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
