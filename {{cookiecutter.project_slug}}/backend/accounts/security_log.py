"""Authentication events, on their own logger: `accounts.security`; and the user's security log.

One line per event, `event=<name>` first, then who and where: user id, device session id, client
IP (NUM_PROXIES decides which) and user agent. Never a token, a password or a cookie. INFO for
what users do (sign in, sign out, refresh refused for an ended session), WARNING for what may be
an attack (a failed or throttled sign-in, a bad token, a replay within the grace window, reuse
detected: a session revoked because a rotated token came back).

An event that names a `user` and that accounts/security_events.py lists (USER_EVENTS) is also
stored as a SecurityEvent row, the log the user and staff read: IP, user agent, device session,
and the other fields in `detail`. Storing never fails the request (a database error is logged).
A row is written in the request's transaction, so a change that rolls back leaves no event
behind; except failed attempts (security_events.FAILURES), written once the answer has gone:
they stay whatever the request's transaction does, and a failed sign-in takes the same time
whether or not the address is an account's. The events of security_events.ALERTS also mail
the user.
"""

import ipaddress
import logging
import threading
import uuid

from django.core.signals import request_finished, request_started
from django.db import DatabaseError, transaction
from django.utils import timezone

from . import metrics
from .device_sessions import client_ip

logger = logging.getLogger("accounts.security")

USER_AGENT_LENGTH = 200
# Fields that have columns of their own, and fields that are nobody's business in the user's
# log (a digest of whatever address was typed).
COLUMNS = {"user", "session", "ip", "user_agent"}
NOT_STORED = {"email_sha256"}


def log(level: int, event: str, request=None, **fields) -> None:
    if request is not None:
        fields.setdefault("ip", client_ip(request))
        fields.setdefault("user_agent", request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH])
    text = " ".join(f"{key}={_quoted(value)}" for key, value in fields.items())
    logger.log(level, "event=%s %s", event, text, extra={"event": event, **fields})
    metrics.count_event(event, request, fields)
    if fields.get("user") is not None:
        _store(event, request, fields)


def _quoted(value) -> str:
    # repr() for text that could hold spaces or forged "key=value" pairs (user agents).
    return str(value) if value is None or isinstance(value, int) else repr(str(value))


def info(event: str, request=None, **fields) -> None:
    log(logging.INFO, event, request, **fields)


def warning(event: str, request=None, **fields) -> None:
    log(logging.WARNING, event, request, **fields)


# --- The user's security log: SecurityEvent rows -------------------------------------------------


def _store(event: str, request, fields: dict) -> None:
    from . import security_events  # here: its views import modules that import this one

    if event not in security_events.USER_EVENTS:
        return
    try:
        row = _row(event, fields)
    except (TypeError, ValueError):
        logger.exception("security event %s not stored: unexpected fields", event)
        return
    if request is not None and event in security_events.FAILURES:
        _after_response.rows.append(row)
    else:
        write(row, in_request=request is not None)


def _row(event: str, fields: dict):
    from .models import SecurityEvent

    return SecurityEvent(
        user_id=int(fields["user"]),
        event=event,
        created_at=timezone.now(),
        ip_address=_ip_or_none(fields.get("ip")),
        user_agent=str(fields.get("user_agent") or "")[:USER_AGENT_LENGTH],
        session_id=_uuid_or_none(fields.get("session")),
        detail={
            key: _json_value(value)
            for key, value in fields.items()
            if key not in COLUMNS and key not in NOT_STORED
        },
    )


def write(row, *, in_request: bool = True) -> None:
    """Insert the row (and mail its alert); a database error is logged, never raised. Not
    `in_request`: a command's (reset_two_factor), which may exit before a thread has mailed."""
    try:
        # A savepoint: a failed insert leaves the request's own transaction usable.
        with transaction.atomic():
            row.save(force_insert=True)
    except DatabaseError:
        logger.exception("security event %s of user %s not stored", row.event, row.user_id)
        return
    from . import security_events

    if row.event in security_events.ALERTS:
        _alert(row, in_request)


def _alert(row, in_request: bool) -> None:
    from . import mail, security_events
    from .models import User

    try:
        user = User.objects.filter(pk=row.user_id, is_active=True).first()
        if user is None:
            return
        mail.send(
            "security_alert",
            user.email,
            {
                "user": user,
                "description": security_events.describe(row.event, row.detail),
                "when": row.created_at,
                "device": security_events.device_summary(row.user_agent),
                "ip_address": row.ip_address,
                "activity_link": mail.web_link("/settings/activity"),
                "reset_link": mail.web_link("/forgot-password"),
            },
            background=None if in_request else False,
        )
    except Exception:  # never fail the request for a notice; the event is in the log anyway
        logger.exception("security alert %s to user %s not sent", row.event, row.user_id)


class _AfterResponse(threading.local):
    """The failed attempts of the request this thread is answering, written when its response
    is closed: after the server sent it (request_finished)."""

    def __init__(self):
        self.rows = []


_after_response = _AfterResponse()


def write_after_response() -> None:
    rows, _after_response.rows = _after_response.rows, []
    for row in rows:
        try:
            write(row)
        except Exception:  # a receiver's error would reach the server's close()
            logger.exception("security event %s of user %s not stored", row.event, row.user_id)


def _on_request_finished(**kwargs) -> None:
    write_after_response()


def _on_request_started(**kwargs) -> None:
    _after_response.rows = []  # left by a request whose response was never closed


request_finished.connect(_on_request_finished, dispatch_uid="accounts.security_log.finished")
request_started.connect(_on_request_started, dispatch_uid="accounts.security_log.started")


def _ip_or_none(value) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def _uuid_or_none(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def _json_value(value):
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)
