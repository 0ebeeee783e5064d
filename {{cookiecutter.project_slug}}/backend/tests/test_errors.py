"""Bad input gets a 4xx with a JSON `detail`, never a 500."""

import pytest

from .conftest import make_client, with_csrf

BAD_BODIES = [
    (b'{"email": "a@example.com", "password": ', "application/json"),  # malformed JSON
    (b"\xff\xfe\xfa not utf-8", "application/json"),
    (b"[1, 2, 3]", "application/json"),
    (b'"just a string"', "application/json"),
    (b'{"email": ["a"], "password": {"x": 1}}', "application/json"),
    (b'{"email": null, "password": null}', "application/json"),
    (b"{}", "application/json"),
]


@pytest.mark.parametrize(("body", "content_type"), BAD_BODIES)
@pytest.mark.parametrize("path", ["/api/auth/login/", "/api/auth/token/"])
def test_bad_login_bodies_are_400(db, path, body, content_type):
    client = with_csrf(make_client())
    response = client.generic("POST", path, body, content_type=content_type)
    assert response.status_code == 400, response.content
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize("body", BAD_BODIES[:4])
@pytest.mark.parametrize(
    "path", ["/api/auth/token/refresh/", "/api/auth/token/blacklist/", "/api/auth/logout/"]
)
def test_bad_token_bodies_are_400(db, path, body):
    response = make_client().generic("POST", path, body[0], content_type=body[1])
    assert response.status_code == 400
    assert response.json()["detail"]


def test_huge_password_is_400(user):
    client = with_csrf(make_client())
    response = client.post(
        "/api/auth/login/", {"email": user.email, "password": "x" * 200_000}, format="json"
    )
    assert response.status_code == 400
    assert "password" in response.json()["detail"]


def test_form_bodies_are_415(db):
    client = with_csrf(make_client())
    response = client.post("/api/auth/login/", {"email": "a", "password": "b"})  # multipart
    assert response.status_code == 415
    assert response.json()["detail"]


def test_validation_errors_keep_the_fields(db):
    client = with_csrf(make_client())
    response = client.post("/api/auth/login/", {"email": "a@example.com"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "password: This field is required."
    assert "password" in body["errors"]


@pytest.mark.parametrize("path", ["/nowhere/", "/api/nowhere/", "/api/auth/sessions/not-a-uuid/"])
def test_unknown_urls_are_json_404(db, path):
    response = make_client().get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_wrong_method_is_405(db):
    response = make_client().get("/api/auth/login/")
    assert response.status_code == 405
    assert response.json()["detail"]


@pytest.mark.parametrize("token", ["garbage", "eyJhbGciOiJIUzI1NiJ9.e30.bad-signature"])
def test_401_bodies_name_no_internals(db, token):
    """simplejwt lists the token classes it tried (`messages`): not for clients."""
    client = make_client()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.get("/api/auth/me/")
    assert response.status_code == 401
    body = response.json()
    assert set(body) <= {"detail", "code"}, body
    assert "AccessToken" not in response.content.decode()  # a class name
