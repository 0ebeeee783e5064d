"""Prometheus metrics: GET /metrics for the holder of METRICS_TOKEN only, the authentication
counters (accounts/metrics.py), the latency per view (config/metrics.py), and gunicorn's
workers adding up (gunicorn.conf.py).

The registry is the process's: every test compares a counter before and after."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone
from prometheus_client import REGISTRY
from rest_framework.test import APIClient

from .conftest import PASSWORD, login, make_client, obtain_pair, with_csrf
from .test_settings import PRODUCTION, run
from .test_two_factor import SECOND_STEP, code_at, password_step, with_app

BACKEND = Path(__file__).resolve().parent.parent
TOKEN = "metrics-Vq8wN3kZr5Tb1Xy7Lm2Pd9Hs4Jf6Gc0Ae-Ku3Io8Qw5Er1Ty7Ui2Op9As4Df6Gh"


def value(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scrape(token=TOKEN):
    headers = {} if token is None else {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    return APIClient().get("/metrics", **headers)


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN


# --- The endpoint ---------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN[:-1], TOKEN + "x"])
def test_metrics_are_404_without_the_token(db, metrics_token, token):
    response = scrape(token)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_metrics_are_404_when_no_token_is_set(db, settings):
    settings.METRICS_TOKEN = ""
    assert scrape("").status_code == 404
    assert APIClient().get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_metrics_with_the_token(db, metrics_token):
    response = scrape()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    for name in [
        "auth_logins_total",
        "auth_second_factor_failures_total",
        "auth_refreshes_total",
        "auth_refreshes_refused_total",
        "auth_refresh_grace_replays_total",
        "auth_refresh_reuse_detections_total",
        "auth_throttled_requests_total",
        "auth_session_revocations_total",
        "django_http_requests_latency_seconds_by_view_method",
    ]:
        assert f"# HELP {name} " in text, name
    assert APIClient().post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 405


def test_a_weak_token_is_refused_at_start_when_debug_is_off():
    code = "import django; django.setup()"
    weak = run("-c", code, **PRODUCTION, METRICS_TOKEN="change-me")
    assert weak.returncode != 0
    assert "METRICS_TOKEN must be a long random value" in weak.stderr
    assert run("-c", code, **PRODUCTION, METRICS_TOKEN=TOKEN).returncode == 0


def test_metrics_answer_any_host_over_plain_http(db, metrics_token, settings):
    """Prometheus scrapes each replica by its address (a pod's IP), over http in the cluster."""
    settings.SECURE_SSL_REDIRECT = True
    response = APIClient().get(
        "/metrics", HTTP_HOST="10.0.0.7:8000", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"
    )
    assert response.status_code == 200
    assert APIClient().get("/api/health/", HTTP_HOST="10.0.0.7:8000").status_code == 400


def test_metrics_are_not_under_api_nor_in_the_schema(db, settings):
    settings.API_DOCS_PUBLIC = True
    schema = APIClient().get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert not [path for path in schema["paths"] if "metrics" in path]


# --- The authentication counters ----------------------------------------------------------------


def test_logins_are_counted_by_result_method_and_flow(browser, user):
    def logins(result, flow="browser"):
        return value("auth_logins_total", result=result, method="password", flow=flow)

    before = {k: logins(*k) for k in [("success",), ("failure",), ("success", "token")]}
    assert login(browser, password="not the password").status_code == 401
    assert login(browser).status_code == 200
    obtain_pair()
    assert logins("failure") == before[("failure",)] + 1
    assert logins("success") == before[("success",)] + 1
    assert logins("success", "token") == before[("success", "token")] + 1


def test_refreshes_and_refusals_are_counted(signed_in):
    refreshes = value("auth_refreshes_total")
    refused = value("auth_refreshes_refused_total", reason="token_not_valid")
    assert signed_in.post("/api/auth/refresh/").status_code == 200
    signed_in.cookies["refresh"] = "garbage"
    assert signed_in.post("/api/auth/refresh/").status_code == 401
    assert value("auth_refreshes_total") == refreshes + 1
    assert value("auth_refreshes_refused_total", reason="token_not_valid") == refused + 1


def test_grace_replays_and_reuse_detections_are_counted(settings, signed_in):
    replays = value("auth_refresh_grace_replays_total")
    reuses = value("auth_refresh_reuse_detections_total")
    refused = value("auth_refreshes_refused_total", reason="token_reused")
    old = signed_in.cookies["refresh"].value
    assert signed_in.post("/api/auth/refresh/").status_code == 200

    replay = with_csrf(make_client())
    replay.cookies["refresh"] = old
    assert replay.post("/api/auth/refresh/").status_code == 200  # within the grace
    assert value("auth_refresh_grace_replays_total") == replays + 1

    thief = with_csrf(make_client())
    thief.cookies["refresh"] = old
    later = timezone.now() + timedelta(seconds=settings.REFRESH_REUSE_GRACE_SECONDS + 1)
    with time_machine.travel(later):
        assert thief.post("/api/auth/refresh/").json()["code"] == "token_reused"
    assert value("auth_refresh_reuse_detections_total") == reuses + 1
    assert value("auth_refreshes_refused_total", reason="token_reused") == refused + 1


def test_throttled_requests_are_counted_by_view(settings, user):
    settings.LOGIN_THROTTLE_RATE = "1/min"
    before = value("auth_throttled_requests_total", view="token-obtain")
    client = APIClient()
    body = {"email": user.email, "password": PASSWORD}
    assert client.post("/api/auth/token/", body, format="json").status_code == 200
    assert client.post("/api/auth/token/", body, format="json").status_code == 429
    assert value("auth_throttled_requests_total", view="token-obtain") == before + 1


def test_second_step_codes_are_counted(user):
    secret = with_app(user)
    wrong = value("auth_second_factor_failures_total")
    totp_logins = value("auth_logins_total", result="success", method="totp", flow="browser")
    client, _ = password_step()
    assert client.post(SECOND_STEP, {"code": "000000"}, format="json").status_code == 400
    assert client.post(SECOND_STEP, {"code": code_at(secret)}, format="json").status_code == 200
    assert value("auth_second_factor_failures_total") == wrong + 1
    assert (
        value("auth_logins_total", result="success", method="totp", flow="browser")
        == totp_logins + 1
    )


# --- Latency per view ---------------------------------------------------------------------------


def test_revoked_sessions_are_counted(signed_in, user):
    before = value("auth_session_revocations_total")
    obtain_pair()
    obtain_pair()
    assert with_csrf(signed_in).post("/api/auth/logout/").status_code == 200
    assert value("auth_session_revocations_total") == before + 1
    user.set_password("another long passphrase")
    user.save()  # ends the other two
    assert value("auth_session_revocations_total") == before + 3


def test_each_view_has_a_latency_histogram_and_response_counts(signed_in):
    count = "django_http_requests_latency_seconds_by_view_method_count"
    responses = "django_http_responses_total_by_status_view_method_total"
    before = value(count, view="auth-me", method="GET")
    ok = value(responses, status="200", view="auth-me", method="GET")
    assert signed_in.get("/api/auth/me/").status_code == 200
    assert value(count, view="auth-me", method="GET") == before + 1
    assert value(responses, status="200", view="auth-me", method="GET") == ok + 1
    assert value(count.replace("_count", "_sum"), view="auth-me", method="GET") > 0

    unknown = value(count, view="<unnamed view>", method="<invalid method>")
    signed_in.generic("BREW", "/no/such/page/")
    assert value(count, view="<unnamed view>", method="<invalid method>") == unknown + 1


# --- gunicorn: the workers of one server add up -------------------------------------------------


def test_gunicorn_workers_add_up(tmp_path):
    """Two workers each answer one request (the first is held half-sent, so the second must go
    to the other worker); /metrics, whichever worker answers it, counts both."""
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    (metrics_dir / "counter_1.db").write_bytes(b"left by a previous run")
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "1",
        "METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "2"]
    server = subprocess.Popen(
        [*command, "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=BACKEND,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(port, metrics_dir)
        before = _csrf_count(port)
        held = socket.create_connection(("127.0.0.1", port))
        held.sendall(b"GET /api/auth/csrf/ HTTP/1.1\r\nHost: localhost\r\n")
        time.sleep(0.3)  # one worker now waits for the rest of that request
        _get(port, "/api/auth/csrf/")
        held.sendall(b"Connection: close\r\n\r\n")
        assert held.recv(100).startswith(b"HTTP/1.1 200")
        held.close()
        counts = {_csrf_count(port) for _ in range(6)}
        assert counts == {before + 2}
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=10)
    assert b"Traceback" not in errors, errors.decode()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str, **headers) -> str:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Host": "localhost", **headers}
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.read().decode()


def _wait_for(port: int, metrics_dir: Path) -> None:
    """Until both workers have started: each has made its own files of metrics."""
    deadline = time.monotonic() + 60  # a loaded machine takes its time
    while len({path.name for path in metrics_dir.glob("counter_*.db")} - {"counter_1.db"}) < 2:
        assert time.monotonic() < deadline, "the workers did not start"
        time.sleep(0.1)
    assert not (metrics_dir / "counter_1.db").exists()  # the previous run's are gone
    _get(port, "/api/auth/csrf/")


def _csrf_count(port: int) -> float:
    text = _get(port, "/metrics", Host="10.0.0.7:8000", Authorization=f"Bearer {TOKEN}")
    prefix = (
        'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="auth-csrf"}'
    )
    lines = [line for line in text.splitlines() if line.startswith(prefix)]
    return float(lines[0].split()[-1]) if lines else 0.0
