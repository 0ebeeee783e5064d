import pytest
from django.conf import settings

from accounts.models import DeviceSession

from .conftest import make_client, obtain_pair


def test_csrf_endpoint_gives_a_token_and_an_httponly_cookie(db):
    response = make_client().get("/api/auth/csrf/")
    assert response.status_code == 200
    assert len(response.json()["csrfToken"]) >= 32
    cookie = response.cookies["csrftoken"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_cookie_authenticated_post_without_csrf_header_is_403(signed_in):
    signed_in.credentials()
    response = signed_in.post("/api/auth/logout-all/")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert DeviceSession.objects.get().revoked_at is None


def test_cookie_authenticated_post_from_a_foreign_origin_is_403(signed_in):
    response = signed_in.post("/api/auth/logout-all/", HTTP_ORIGIN="https://evil.example.net")
    assert response.status_code == 403
    assert DeviceSession.objects.get().revoked_at is None
    assert "Access-Control-Allow-Origin" not in response


def test_cookie_authenticated_get_needs_no_csrf_header(signed_in):
    signed_in.credentials()
    assert signed_in.get("/api/auth/me/").status_code == 200


def test_bearer_requests_need_no_csrf(user):
    client = make_client()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {obtain_pair()['access']}")
    assert client.post("/api/auth/logout-all/").status_code == 200


def test_cors_preflight_allows_the_web_origin_with_credentials(db):
    origin = settings.WEB_ORIGINS[0]
    response = make_client().options(
        "/api/auth/login/",
        HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type,x-csrftoken",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == origin
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert "x-csrftoken" in response["Access-Control-Allow-Headers"]


@pytest.mark.parametrize("origin", ["https://evil.example.net", "null", "http://localhost:1"])
def test_cors_refuses_other_origins(db, origin):
    response = make_client().options(
        "/api/auth/login/", HTTP_ORIGIN=origin, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST"
    )
    assert "Access-Control-Allow-Origin" not in response
    assert (
        make_client().get("/api/health/", HTTP_ORIGIN=origin).get("Access-Control-Allow-Origin")
        is None
    )


def test_cors_is_never_a_wildcard():
    assert not getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False)
    assert "*" not in settings.CORS_ALLOWED_ORIGINS


def test_the_web_client_may_read_retry_after(db):
    """On a 429 the browser shows how long to wait: CORS must expose the header to it."""
    response = make_client().get("/api/health/", HTTP_ORIGIN=settings.WEB_ORIGINS[0])
    exposed = [h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")]
    assert "retry-after" in exposed
