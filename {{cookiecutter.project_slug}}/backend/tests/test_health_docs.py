from django.contrib.staticfiles import finders
from django.db import DatabaseError

from .conftest import make_client


def test_health_answers_when_the_database_does(db):
    response = make_client().get("/api/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_does_not(db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise DatabaseError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr("config.health.connection.cursor", broken_cursor)
        response = make_client().get("/api/health/")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_api_responses_carry_the_security_headers(signed_in):
    for response in (signed_in.get("/api/auth/me/"), make_client().get("/api/auth/me/")):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_health_ignores_a_stale_access_cookie(db):
    client = make_client()
    client.cookies["access"] = "garbage"
    assert client.get("/api/health/").status_code == 200


def test_openapi_schema_lists_every_auth_endpoint(db):
    client = make_client()
    client.cookies["access"] = "garbage"  # the schema is public whatever the cookies say
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = set(response.json()["paths"])
    for name in [
        "csrf",
        "login",
        "refresh",
        "logout",
        "logout-all",
        "me",
        "sessions",
        "sessions/{id}",
        "token",
        "token/refresh",
        "token/blacklist",
    ]:
        assert f"/api/auth/{name}/" in paths
    assert "/api/health/" in paths


def test_openapi_schema_documents_the_errors_each_operation_can_give(db):
    schema = make_client().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    error = {"$ref": "#/components/schemas/Error"}
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            if "requestBody" in operation:
                assert responses["400"]["content"]["application/json"]["schema"] == error, path
            if method in {"post", "put", "patch", "delete"}:
                assert {"401", "403"} <= set(responses), (method, path)
            if operation.get("security"):
                assert "401" in responses, (method, path)
    for path in ("/api/auth/login/", "/api/auth/token/"):  # throttled
        assert "429" in schema["paths"][path]["post"]["responses"]


def test_docs_are_served_from_local_assets(db):
    response = make_client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn." not in html and "unpkg" not in html
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
