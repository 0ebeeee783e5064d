"""How one API process tells all the others that sessions ended: Redis publish/subscribe.

Every process remembers the access tokens it accepted (auth_cache.py), so that an authenticated
request costs no database query. A revocation (logout, a revoked device session, a password
change, a deactivated or deleted user, a detected reuse) must end those tokens in every process
at once, not when a memory runs out. So once the change has committed, the process that made it
publishes the user's id on REVOCATION_CHANNEL of REDIS_URL, and a thread in each process listens
and makes its memory forget that user's tokens: within a millisecond or two.

A process trusts its memory only while it listens: a message it could not hear would be a
revocation it never applied. Until its subscription is confirmed, and from the moment the
connection fails (Redis restarted, stopped, unreachable) until it is listening again, a process
remembers nothing and every request asks the database (one query): the API stays up. Without
REDIS_URL (development: one process) nothing is published and the memory is always trusted.
"""

import contextlib
import logging
import os
import threading
import time
import uuid

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

log = logging.getLogger(__name__)

RETRY_SECONDS = 0.5  # between attempts to listen again after the connection failed
FIRST_SUBSCRIPTION_WAIT = 2.0  # a process's first request waits at most this long for it
# Each process's messages start with its own id: it has applied its revocations already.
_process_id = uuid.uuid4().hex
_listening = threading.Event()
_first_attempt = threading.Event()  # the listener subscribed or failed once
_start_lock = threading.Lock()
# (process id, REDIS_URL) of the listening thread: a forked child (gunicorn's workers) starts
# its own, and so does a changed REDIS_URL (tests).
_listener_key = None
_publisher = None
_handlers = None  # (forget_users, forget_all), given by auth_cache


def listening() -> bool:
    """May this process trust its memory of accepted tokens?"""
    if not settings.REDIS_URL:
        return True
    if _listener_key != (os.getpid(), settings.REDIS_URL):
        _start()
    return _listening.is_set()


def stop_listening() -> None:
    """Let this process's listener go (tests, before their Redis goes away)."""
    global _listener_key
    with _start_lock:
        _listener_key = None
        _stop_trusting()


def set_handlers(forget_users, forget_all) -> None:
    global _handlers
    _handlers = (forget_users, forget_all)


def publish(user_ids) -> None:
    """Tell the other processes that these users' sessions changed."""
    if not settings.REDIS_URL:
        return
    body = ",".join(str(user_id) for user_id in user_ids)
    try:
        _publishing_client().publish(settings.REVOCATION_CHANNEL, f"{_process_id} {body}")
    except redis.RedisError as error:
        # Every listener lost Redis too, or soon will, and then trusts no memory.
        log.warning("revocation not published (%s): other processes fall back on their own", error)


def _publishing_client():
    global _publisher
    url = settings.REDIS_URL
    if _publisher is None or _publisher[0] != url:
        # One retry at once, on a fresh connection (one from before a Redis restart is dead).
        client = redis.Redis.from_url(
            url, socket_connect_timeout=0.5, socket_timeout=0.5, retry=Retry(NoBackoff(), 1)
        )
        _publisher = (url, client)
    return _publisher[1]


def _start() -> None:
    global _listener_key, _process_id, _publisher
    with _start_lock:
        key = (os.getpid(), settings.REDIS_URL)
        if _listener_key == key:
            return
        # Nothing inherited from a parent process or an earlier URL is trusted.
        _listener_key = key
        _process_id = uuid.uuid4().hex
        _publisher = None
        _stop_trusting()
        _first_attempt.clear()
        threading.Thread(
            target=_listen, args=(key, settings.REVOCATION_CHANNEL), name="revocations", daemon=True
        ).start()
    _first_attempt.wait(FIRST_SUBSCRIPTION_WAIT)


def _listen(key, channel: str) -> None:
    url = key[1]
    while _listener_key == key:  # a newer listener replaces this one
        pubsub = None
        try:
            client = redis.Redis.from_url(
                url, socket_connect_timeout=1, socket_keepalive=True, health_check_interval=5
            )
            pubsub = client.pubsub()
            pubsub.subscribe(channel)
            while _listener_key == key:
                message = pubsub.get_message(timeout=1.0)
                if message is not None and _listener_key == key:
                    _receive(message)
        except Exception as error:  # whatever broke: stop trusting, and retry
            if _listening.is_set():
                log.warning("revocations: not listening (%s); asking the database", error)
        finally:
            if _listener_key == key:
                _stop_trusting()
                _first_attempt.set()
            if pubsub is not None:
                with contextlib.suppress(Exception):  # the connection is gone already
                    pubsub.close()
        time.sleep(RETRY_SECONDS)


def _receive(message) -> None:
    forget_users, forget_all = _handlers
    if message["type"] == "subscribe":
        forget_all()  # what was remembered before may have been revoked unheard
        _listening.set()
        _first_attempt.set()
    elif message["type"] == "message":
        sender, _, body = message["data"].decode().partition(" ")
        if sender != _process_id:
            forget_users(body.split(","))


def _stop_trusting() -> None:
    _listening.clear()
    if _handlers:
        _handlers[1]()
