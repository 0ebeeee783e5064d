"""Exactly-once rotation, proven against a live multi-threaded server (SQLite file or
PostgreSQL, whichever DATABASE_URL selects): of many concurrent refreshes with one token,
exactly one rotates it, and every one of them is answered with that one successor."""

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie

import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from accounts import rotation
from accounts.models import DeviceSession, User
from accounts.tokens import SessionRefreshToken

from .conftest import PASSWORD, obtain_pair

CONCURRENCY = 12


def post(url: str, body: bytes = b"", headers: dict | None = None) -> tuple[int, dict, dict]:
    request = urllib.request.Request(url, data=body, method="POST", headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read() or b"{}"), response.headers
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}"), error.headers


def all_at_once(attempt) -> list[int]:
    barrier = threading.Barrier(CONCURRENCY)

    def run(_):
        barrier.wait()
        return attempt()

    with ThreadPoolExecutor(CONCURRENCY) as pool:
        return list(pool.map(run, range(CONCURRENCY)))


@pytest.fixture
def ada(transactional_db):
    return User.objects.create_user(email="ada@example.com", password=PASSWORD)


def test_token_flow_rotates_exactly_once(live_server, ada):
    login = json.dumps({"email": ada.email, "password": PASSWORD}).encode()
    json_headers = {"Content-Type": "application/json"}
    status, pair, _ = post(f"{live_server.url}/api/auth/token/", login, json_headers)
    assert status == 200
    body = json.dumps({"refresh": pair["refresh"]}).encode()

    results = all_at_once(
        lambda: post(f"{live_server.url}/api/auth/token/refresh/", body, json_headers)
    )

    assert [status for status, _, _ in results] == [200] * CONCURRENCY
    assert len({body["refresh"] for _, body, _ in results}) == 1  # one successor for all
    assert BlacklistedToken.objects.filter(token__user=ada).count() == 1
    session = DeviceSession.objects.get(user=ada)
    assert session.revoked_at is None  # racing copies are not treated as theft
    assert OutstandingToken.objects.filter(user=ada).count() == 2  # the login's and one more


def test_browser_flow_rotates_exactly_once(live_server, ada):
    with urllib.request.urlopen(f"{live_server.url}/api/auth/csrf/") as response:
        csrf = json.loads(response.read())["csrfToken"]
        csrf_cookie = SimpleCookie(response.headers["Set-Cookie"])["csrftoken"].value
    headers = {
        "Content-Type": "application/json",
        "X-CSRFToken": csrf,
        "Cookie": f"csrftoken={csrf_cookie}",
    }
    login = json.dumps({"email": ada.email, "password": PASSWORD}).encode()
    status, _, login_headers = post(f"{live_server.url}/api/auth/login/", login, headers)
    assert status == 200
    cookies = SimpleCookie()
    for header in login_headers.get_all("Set-Cookie"):
        cookies.load(header)
    headers["Cookie"] += f"; refresh={cookies['refresh'].value}"

    results = all_at_once(lambda: post(f"{live_server.url}/api/auth/refresh/", b"", headers))

    assert [status for status, _, _ in results] == [200] * CONCURRENCY
    successors = set()
    for _, _, response_headers in results:
        cookies = SimpleCookie()
        for header in response_headers.get_all("Set-Cookie"):
            cookies.load(header)
        successors.add(cookies["refresh"].value)
    assert len(successors) == 1  # one successor for all
    assert OutstandingToken.objects.filter(user=ada).count() == 2
    assert DeviceSession.objects.get(user=ada).revoked_at is None


def test_the_loser_of_a_race_gets_the_winners_successor(monkeypatch, ada):
    # Deterministically, the moment two refreshes race: the other one commits its rotation
    # after this one found the token unused, before this one's transaction.
    refresh = str(SessionRefreshToken(obtain_pair()["refresh"]))
    new_tokens = rotation.new_tokens
    winner = []

    def rotated_meanwhile(session, **kwargs):
        if not winner:
            winner.append(None)
            winner[0] = rotation.rotate(refresh)
        return new_tokens(session, **kwargs)

    monkeypatch.setattr(rotation, "new_tokens", rotated_meanwhile)
    loser = rotation.rotate(refresh)

    assert str(loser.refresh) == str(winner[0].refresh)
    assert OutstandingToken.objects.filter(user=ada).count() == 2  # no second token recorded
    assert DeviceSession.objects.get(user=ada).revoked_at is None
