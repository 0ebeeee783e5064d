"""GET /api/auth/session/: who is signed in, always a 200 (the web client's first question on a
page load must not fail for an anonymous visitor)."""

from accounts.models import DeviceSession

from .conftest import make_client, obtain_pair

SESSION = "/api/auth/session/"


def test_anonymous_gets_nobody_and_nothing_to_refresh(db):
    response = make_client().get(SESSION)
    assert response.status_code == 200
    assert response.json() == {"user": None, "refreshable": False}


def test_signed_in_gets_the_user_as_me_shows_it(signed_in, user):
    response = signed_in.get(SESSION)
    assert response.status_code == 200
    assert response.json() == {
        "user": signed_in.get("/api/auth/me/").json(),
        "refreshable": True,
    }
    assert response.json()["user"]["email"] == user.email


def test_an_expired_access_cookie_leaves_a_refresh_to_try(signed_in):
    del signed_in.cookies["access"]  # the browser drops it when it expires
    response = signed_in.get(SESSION)
    assert response.status_code == 200
    assert response.json() == {"user": None, "refreshable": True}


def test_a_refused_access_cookie_is_nobody_not_a_401(signed_in, user):
    DeviceSession.objects.filter(user=user).revoke()
    assert signed_in.get("/api/auth/me/").status_code == 401
    response = signed_in.get(SESSION)
    assert response.status_code == 200
    assert response.json() == {"user": None, "refreshable": True}


def test_garbage_cookies_are_nobody(db):
    client = make_client()
    client.cookies["access"] = "garbage"
    response = client.get(SESSION)
    assert response.status_code == 200
    assert response.json()["user"] is None


def test_a_bearer_token_signs_in_too(user):
    client = make_client()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {obtain_pair()['access']}")
    assert client.get(SESSION).json() == {
        "user": {
            "id": user.id,
            "email": user.email,
            "name": user.name,
            "role": "client",
            "two_factor_enabled": False,
            "two_factor_setup_required": False,
        },
        "refreshable": False,
    }
