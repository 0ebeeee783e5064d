import pytest

from accounts.models import DeviceSession, User

from .conftest import login, make_client, obtain_pair, with_csrf


def test_me_needs_authentication(browser):
    response = browser.get("/api/auth/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"]


def test_me_with_the_access_cookie(signed_in, user):
    response = signed_in.get("/api/auth/me/")
    assert response.status_code == 200
    assert response.json() == {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": "client",
        "two_factor_enabled": False,
        "two_factor_setup_required": False,
    }


def test_me_with_a_bearer_token(user):
    client = make_client()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {obtain_pair()['access']}")
    assert client.get("/api/auth/me/").json()["email"] == user.email


def test_token_obtain_returns_the_tokens_and_the_user(user):
    body = obtain_pair()
    assert {"access", "refresh", "user"} <= set(body)
    assert body["user"]["email"] == user.email


def test_a_refresh_token_is_not_an_access_token(user):
    client = make_client()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {obtain_pair()['refresh']}")
    assert client.get("/api/auth/me/").status_code == 401


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer garbage", "Bearer é"])
def test_bad_authorization_headers_are_401(db, header):
    response = make_client().get("/api/auth/me/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["detail"]


def test_sessions_lists_active_sessions_with_the_current_one_marked(signed_in, user):
    obtain_pair()  # another device
    revoked = obtain_pair()
    other_user = User.objects.create_user(email="eve@example.com", password="x" * 12)
    DeviceSession.objects.create(user=other_user, expires_at="2999-01-01T00:00:00Z")
    make_client().post("/api/auth/token/blacklist/", {"refresh": revoked["refresh"]}, format="json")

    sessions = signed_in.get("/api/auth/sessions/").json()

    assert len(sessions) == 2
    assert [s["current"] for s in sessions].count(True) == 1
    current = next(s for s in sessions if s["current"])
    assert current["user_agent"] == "pytest-browser/1.0"
    assert set(current) == {
        "id",
        "created_at",
        "last_used_at",
        "user_agent",
        "ip_address",
        "current",
    }


def test_revoking_a_session_signs_that_device_out(signed_in, user):
    other = obtain_pair()
    other_id = next(
        s["id"] for s in signed_in.get("/api/auth/sessions/").json() if not s["current"]
    )

    response = signed_in.delete(f"/api/auth/sessions/{other_id}/")

    assert response.status_code == 204
    refreshed = make_client().post(
        "/api/auth/token/refresh/", {"refresh": other["refresh"]}, format="json"
    )
    assert refreshed.status_code == 401
    device = make_client()
    device.credentials(HTTP_AUTHORIZATION=f"Bearer {other['access']}")
    assert device.get("/api/auth/me/").status_code == 401
    assert signed_in.get("/api/auth/me/").status_code == 200  # this device is untouched


def test_revoking_the_current_session_clears_its_cookies(signed_in):
    current = signed_in.get("/api/auth/sessions/").json()[0]["id"]
    response = signed_in.delete(f"/api/auth/sessions/{current}/")
    assert response.status_code == 204
    assert response.cookies["access"].value == ""
    assert signed_in.post("/api/auth/refresh/").status_code == 401


def test_cannot_revoke_another_users_session(signed_in):
    eve = User.objects.create_user(email="eve@example.com", password="x" * 12)
    eves = with_csrf(make_client())
    login(eves, email="eve@example.com", password="x" * 12)
    eve_session = DeviceSession.objects.get(user=eve)

    response = signed_in.delete(f"/api/auth/sessions/{eve_session.id}/")

    assert response.status_code == 404
    assert response.json()["detail"]
    eve_session.refresh_from_db()
    assert eve_session.revoked_at is None


def test_session_ids_must_be_uuids(signed_in):
    assert signed_in.delete("/api/auth/sessions/123/").status_code == 404
