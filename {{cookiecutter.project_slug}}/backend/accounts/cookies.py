"""The cookie policy: the only place that names, sets or deletes the token cookies.

Both cookies are HttpOnly (no JavaScript can read them) and SameSite=Lax. The refresh cookie
is scoped to /api/auth/ so it travels only to the auth endpoints, never to the rest of the API.
Between a password and its second step, the browser holds only the `mfa` cookie (HttpOnly,
/api/auth/, a few minutes): it names the sign-in in progress and signs nobody in.

Over https their names carry the prefixes the browser enforces, so that no other site on the
domain (a subdomain, a sibling app) can set or overwrite them: `__Host-access` (Secure, Path=/,
no Domain) and `__Secure-refresh` (its path rules out `__Host-`); with a COOKIE_DOMAIN both are
`__Secure-`. Plain `access` and `refresh` over plain-http development. (The CSRF and admin
session cookies follow the same rule, config/env.py's cookie_name, in settings.py.)
"""

from django.conf import settings
from django.utils import timezone

from config.env import cookie_name

from .tokens import TokenPair, verified_session_id

ACCESS_COOKIE_PATH = "/"
REFRESH_COOKIE_PATH = "/api/auth/"
CHALLENGE_COOKIE_PATH = "/api/auth/"


def access_cookie() -> str:
    return _name("access", ACCESS_COOKIE_PATH)


def refresh_cookie() -> str:
    return _name("refresh", REFRESH_COOKIE_PATH)


def challenge_cookie() -> str:
    return _name("mfa", CHALLENGE_COOKIE_PATH)


def _name(name: str, path: str) -> str:
    # Read at use, not import: tests and reloads may change the settings.
    return cookie_name(
        name, secure=settings.COOKIE_SECURE, domain=settings.COOKIE_DOMAIN, path=path
    )


def _policy() -> dict:
    return {
        "httponly": True,
        "samesite": "Lax",
        "secure": settings.COOKIE_SECURE,
        "domain": settings.COOKIE_DOMAIN,
    }


def set_auth_cookies(response, tokens: TokenPair) -> None:
    now = timezone.now()
    response.set_cookie(
        access_cookie(),
        str(tokens.access),
        max_age=max(0, int((tokens.access_expires_at - now).total_seconds())),
        path=ACCESS_COOKIE_PATH,
        **_policy(),
    )
    response.set_cookie(
        refresh_cookie(),
        str(tokens.refresh),
        max_age=max(0, int((tokens.refresh_expires_at - now).total_seconds())),
        path=REFRESH_COOKIE_PATH,
        **_policy(),
    )


def clear_auth_cookies(response) -> None:
    policy = _policy()
    for name, path in (
        (access_cookie(), ACCESS_COOKIE_PATH),
        (refresh_cookie(), REFRESH_COOKIE_PATH),
    ):
        response.delete_cookie(name, path=path, domain=policy["domain"], samesite="Lax")


def set_challenge_cookie(response, value: str, max_age: int) -> None:
    """The second step's cookie: the sign-in waiting for a code or a passkey."""
    response.set_cookie(
        challenge_cookie(), value, max_age=max_age, path=CHALLENGE_COOKIE_PATH, **_policy()
    )


def clear_challenge_cookie(response) -> None:
    response.delete_cookie(
        challenge_cookie(),
        path=CHALLENGE_COOKIE_PATH,
        domain=settings.COOKIE_DOMAIN,
        samesite="Lax",
    )


def challenge_of(request) -> str | None:
    return request.COOKIES.get(challenge_cookie()) or None


def access_token_of(request) -> str | None:
    return request.COOKIES.get(access_cookie()) or None


def refresh_token_of(request) -> str | None:
    return request.COOKIES.get(refresh_cookie()) or None


def has_auth_cookies(request) -> bool:
    return bool(access_token_of(request) or refresh_token_of(request))


def sessions_named_by_cookies(request) -> set[str]:
    """The device sessions that the request's token cookies name, when we signed them (expired
    or rotated, they still say which session this browser holds)."""
    raw_tokens = (access_token_of(request), refresh_token_of(request))
    return {sid for raw in raw_tokens if raw and (sid := verified_session_id(raw))}
