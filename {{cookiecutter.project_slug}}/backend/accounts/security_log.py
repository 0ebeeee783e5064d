"""Authentication events, on their own logger: `accounts.security`.

One line per event, `event=<name>` first, then who and where: user id, device session id, client
IP (NUM_PROXIES decides which) and user agent. Never a token, a password or a cookie. INFO for
what users do (sign in, sign out, refresh refused for an ended session), WARNING for what may be
an attack (a failed or throttled sign-in, a bad token, a replay within the grace window, reuse
detected: a session revoked because a rotated token came back).
"""

import logging

from .device_sessions import client_ip

logger = logging.getLogger("accounts.security")


def log(level: int, event: str, request=None, **fields) -> None:
    if request is not None:
        fields.setdefault("ip", client_ip(request))
        fields.setdefault("user_agent", request.META.get("HTTP_USER_AGENT", "")[:200])
    text = " ".join(f"{key}={_quoted(value)}" for key, value in fields.items())
    logger.log(level, "event=%s %s", event, text, extra={"event": event, **fields})


def _quoted(value) -> str:
    # repr() for text that could hold spaces or forged "key=value" pairs (user agents).
    return str(value) if value is None or isinstance(value, int) else repr(str(value))


def info(event: str, request=None, **fields) -> None:
    log(logging.INFO, event, request, **fields)


def warning(event: str, request=None, **fields) -> None:
    log(logging.WARNING, event, request, **fields)
