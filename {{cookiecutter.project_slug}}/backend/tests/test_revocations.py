"""Revocations reach every API process at once through Redis (accounts/revocations.py), and with
Redis down the API stays up and asks the database instead.

"Another process" here is a second subscriber to the same Redis channel, or a message published
the way another process publishes one; Redis is real: a redis-server of this test's own (so it
can be stopped and started again), skipped where none is installed. `make scale` at the
template's root measures the same across three servers behind a proxy."""

import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import auth_cache, revocations

from .conftest import PASSWORD, make_client, make_user, obtain_pair, with_csrf

pytestmark = pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server")


def wait_for(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.005)


class RedisServer:
    """A redis-server of our own on a free port, stopped and started at will."""

    def __init__(self, tmp_path):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.dir = tmp_path
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [  # noqa: S607  (from PATH, like the test's skip condition)
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_for(self.answers)

    def answers(self) -> bool:
        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping()
        except redis.ConnectionError:
            return False

    def stop(self):
        self.process.terminate()
        self.process.wait()


@pytest.fixture
def redis_server(tmp_path, settings):
    server = RedisServer(tmp_path)
    server.start()
    settings.REDIS_URL = server.url
    settings.AUTH_CACHE_SECONDS = 3600  # only revocations may end a remembered token here
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.FailOpenRedisCache",
            "LOCATION": server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    yield server
    revocations.stop_listening()  # or its failing connection would make later tests forget
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def other_process(redis_server):
    """A subscriber of the channel, as every other API process is."""
    pubsub = redis.Redis.from_url(redis_server.url).pubsub(ignore_subscribe_messages=True)
    pubsub.subscribe(settings.REVOCATION_CHANNEL)
    wait_for(lambda: pubsub.get_message(timeout=0.01) is None and pubsub.subscribed)
    yield pubsub
    pubsub.close()


def heard(pubsub, timeout=2.0) -> set[str]:
    """The user ids in the next message another process hears."""
    message = pubsub.get_message(timeout=timeout)
    assert message is not None, "nothing published"
    _sender, _, body = message["data"].decode().partition(" ")
    return set(body.split(","))


def announce(redis_server, user_id) -> None:
    """Publish a revocation the way another process does."""
    redis.Redis.from_url(redis_server.url).publish(
        settings.REVOCATION_CHANNEL, f"another-process {user_id}"
    )


def me(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/auth/me/")
    return response.status_code, len(queries)


def bearer(access: str):
    client = make_client()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    return client


def signed_in_browser():
    client = with_csrf(make_client())
    response = client.post(
        "/api/auth/login/", {"email": "ada@example.com", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return client


# --- Published once the change commits, heard by the other processes -----------------------------


def test_a_logout_is_published_after_it_commits(
    redis_server, other_process, user, django_capture_on_commit_callbacks
):
    browser = signed_in_browser()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert browser.post("/api/auth/logout/").status_code == 200
    assert other_process.get_message(timeout=0.2) is None  # not before the commit
    for callback in callbacks:
        callback()
    assert heard(other_process) == {str(user.pk)}


@pytest.mark.parametrize("how", ["revoke_session", "password_change", "deactivation", "deletion"])
def test_every_kind_of_revocation_is_published(
    how, redis_server, other_process, user, django_capture_on_commit_callbacks
):
    browser = signed_in_browser()
    user_id = str(user.pk)
    with django_capture_on_commit_callbacks(execute=True):
        if how == "revoke_session":
            session = browser.get("/api/auth/me/").wsgi_request.auth["sid"]
            assert browser.delete(f"/api/auth/sessions/{session}/").status_code == 204
        elif how == "password_change":
            user.set_password("another long passphrase")
            user.save()
        elif how == "deactivation":
            user.is_active = False
            user.save()
        else:
            user.delete()
    assert user_id in heard(other_process)


def test_reuse_detection_is_published(
    redis_server, other_process, user, django_capture_on_commit_callbacks
):
    pair = obtain_pair()
    client = make_client()
    refreshed = client.post("/api/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json")
    assert refreshed.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        settings.REFRESH_REUSE_GRACE_SECONDS = 0
        replay = client.post(
            "/api/auth/token/refresh/", {"refresh": pair["refresh"]}, format="json"
        )
    assert replay.status_code == 401
    assert heard(other_process) == {str(user.pk)}


def test_a_message_from_another_process_ends_remembered_tokens(redis_server, user):
    client = bearer(obtain_pair()["access"])
    assert me(client) == (200, 1)
    assert me(client) == (200, 0)  # remembered
    # Another process revoked the session (its row is revoked; this process was told).
    from accounts.models import DeviceSession

    DeviceSession.objects.update(revoked_at=user.date_joined)  # behind this process's back
    assert me(client) == (200, 0)  # nothing told it yet
    announce(redis_server, user.pk)
    wait_for(lambda: not auth_cache._entries)
    assert me(client)[0] == 401


def test_a_message_about_someone_else_keeps_remembered_tokens(redis_server, user):
    other_user = make_user("grace@example.com")
    ada = bearer(obtain_pair()["access"])
    grace = bearer(obtain_pair(email=other_user.email)["access"])
    assert me(ada) == (200, 1)
    assert me(grace) == (200, 1)
    announce(redis_server, other_user.pk)
    wait_for(lambda: len(auth_cache._entries) == 1)  # heard: Grace's token forgotten
    assert me(ada) == (200, 0)
    assert me(grace) == (200, 1)


# --- Redis down: the API stays up and asks the database -----------------------------------------


def test_with_redis_down_every_request_asks_the_database(redis_server, user):
    browser = signed_in_browser()
    assert me(browser) == (200, 1)
    assert me(browser) == (200, 0)

    redis_server.stop()
    wait_for(lambda: not revocations.listening())
    assert [me(browser) for _ in range(3)] == [(200, 1)] * 3  # remembered nothing

    # Signing in and refreshing still work (throttling is off while its counters are away).
    other = signed_in_browser()
    assert other.post("/api/auth/refresh/").status_code == 200
    # A revocation still ends the session at once: this process asks the database.
    assert browser.post("/api/auth/logout/").status_code == 200
    assert me(browser)[0] == 401

    redis_server.start()
    wait_for(revocations.listening)
    assert me(other) == (200, 1)
    assert me(other) == (200, 0)  # remembered again


def test_a_revocation_while_redis_restarts_is_not_missed(redis_server, user):
    """A listener that was away forgets everything it remembered: it may have missed news."""
    client = bearer(obtain_pair()["access"])
    assert me(client) == (200, 1)
    assert me(client) == (200, 0)
    from accounts.models import DeviceSession

    redis_server.stop()
    wait_for(lambda: not revocations.listening())
    DeviceSession.objects.update(revoked_at=user.date_joined)  # news nobody could publish
    redis_server.start()
    wait_for(revocations.listening)
    assert me(client)[0] == 401


def test_own_messages_are_not_applied_twice(redis_server, user):
    other_user = make_user("grace@example.com")
    ada = bearer(obtain_pair()["access"])
    grace = bearer(obtain_pair(email=other_user.email)["access"])
    assert me(ada) == (200, 1)
    assert me(grace) == (200, 1)
    revocations.publish([str(user.pk)])  # as if this process revoked: it forgot already
    announce(redis_server, other_user.pk)  # after it on the channel
    wait_for(lambda: len(auth_cache._entries) == 1)
    assert me(ada) == (200, 0)
