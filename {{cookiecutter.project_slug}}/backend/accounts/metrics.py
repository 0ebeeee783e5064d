"""The authentication counters an operator watches, for Prometheus (GET /metrics, config/metrics.py).

Most are counted from the security log's events (security_log.py calls count_event for each), so
a counter and its log line never disagree; the rest where nothing is logged: a successful refresh
(rotation.py), a throttled request (config/errors.py, the admin's login form through its event),
a revoked session (models.py). No label holds a user, an address or a token: only small fixed
sets of values, so each counter stays a handful of series.
"""

from prometheus_client import Counter

LOGINS = Counter(
    "auth_logins",
    "Sign-ins with credentials, by result (success: tokens or an admin session issued; failure: "
    "wrong password or unknown account, refused passkey), method (password, totp, recovery_code, "
    "passkey) and flow (browser: cookies; token: mobile and CLI clients, Bearer; admin).",
    ["result", "method", "flow"],
)
SECOND_FACTOR_FAILURES = Counter(
    "auth_second_factor_failures",
    "Wrong authenticator-app or recovery codes: the second step of a sign-in, step-up, the admin.",
)
REFRESHES = Counter(
    "auth_refreshes",
    "Refresh tokens exchanged for new tokens (grace replays included).",
)
REFRESHES_REFUSED = Counter(
    "auth_refreshes_refused",
    "Refresh tokens refused, by reason (rotation.py's codes: token_not_valid, session_revoked, "
    "session_expired, user_inactive, token_rotated, token_reused).",
    ["reason"],
)
GRACE_REPLAYS = Counter(
    "auth_refresh_grace_replays",
    "Rotated refresh tokens presented again within REFRESH_REUSE_GRACE_SECONDS and answered with "
    "their unused successor: a lost answer retried, tabs racing, or a thief.",
)
REUSE_DETECTIONS = Counter(
    "auth_refresh_reuse_detections",
    "Device sessions revoked because a rotated refresh token came back after the grace period.",
)
THROTTLED = Counter(
    "auth_throttled_requests",
    "Requests refused by throttling (429, or the admin's login form), by view (URL name).",
    ["view"],
)
# Incremented by models.py with the number of sessions each revocation ends.
REVOCATIONS = Counter(
    "auth_session_revocations",
    "Device sessions revoked: logouts, sessions ended from the list, log out everywhere, "
    "password changes, deactivations, reuse detections.",
)


def count_event(event: str, request, fields: dict) -> None:
    """Count a security log event (security_log.log) on its counter, if it has one."""
    if event == "login":
        LOGINS.labels("success", fields.get("method", "password"), _flow(request, fields)).inc()
    elif event == "login_failed":
        LOGINS.labels("failure", fields.get("method", "password"), _flow(request, fields)).inc()
    elif event == "second_factor_failed":
        SECOND_FACTOR_FAILURES.inc()
    elif event == "refresh_refused":
        REFRESHES_REFUSED.labels(fields.get("code", "unknown")).inc()
    elif event == "refresh_grace_replay":
        GRACE_REPLAYS.inc()
    elif event == "reuse_detected_session_revoked":
        REUSE_DETECTIONS.inc()
    elif event == "login_throttled" and fields.get("via") == "admin":
        THROTTLED.labels("admin:login").inc()  # a form error, not a 429: errors.py never sees it


def count_throttled(request) -> None:
    """A request answered 429 (config/errors.py)."""
    THROTTLED.labels(_view_name(request)).inc()


def _flow(request, fields: dict) -> str:
    if fields.get("via") == "admin":
        return "admin"
    return "token" if _view_name(request).startswith("token-") else "browser"


def _view_name(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match and match.view_name) or "<unnamed view>"
