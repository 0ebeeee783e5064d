import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
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


# --- Security: docs switchable off, a CSP on the API's pages ------------------------------------


@pytest.mark.parametrize("path", ["/api/schema/", "/api/docs/", "/api/docs/?script="])
def test_docs_can_be_switched_off(db, settings, path):
    settings.API_DOCS_PUBLIC = False
    response = make_client().get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_docs_are_off_by_default_in_production():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.API_DOCS_PUBLIC)"
    )
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "JWT_SIGNING_KEY": secrets.token_urlsafe(50),
        "WEB_ORIGIN": "https://app.example.com",
        "NUM_PROXIES": "1",
        "EMAIL_URL": "smtp://smtp.example.com",
    }
    env.pop("API_DOCS_PUBLIC", None)
    backend = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=backend, env=env, capture_output=True, text=True
    )
    assert result.stdout.strip() == "False", result.stderr


def test_the_docs_page_runs_no_inline_script_and_carries_a_csp(db):
    response = make_client().get("/api/docs/")
    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    assert "frame-ancestors 'none'" in policy
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []  # every script is a file
    script = make_client().get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.parametrize("path", ["/admin/login/", "/api/auth/me/", "/no-such-page/"])
def test_every_api_response_carries_a_csp(db, path):
    response = make_client().get(path)
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    if response["Content-Type"].startswith("text/html"):
        assert "script-src 'self'" in policy
    else:
        assert policy.startswith("default-src 'none'")
