"""The cookie policy: the only place that names, sets or deletes the token cookies.

Both cookies are HttpOnly (no JavaScript can read them) and SameSite=Lax. The refresh cookie
is scoped to /api/auth/ so it travels only to the auth endpoints, never to the rest of the API.
"""

from django.conf import settings
from django.utils import timezone

from .tokens import TokenPair

ACCESS_COOKIE = "access"
REFRESH_COOKIE = "refresh"
ACCESS_COOKIE_PATH = "/"
REFRESH_COOKIE_PATH = "/api/auth/"


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
        ACCESS_COOKIE,
        str(tokens.access),
        max_age=max(0, int((tokens.access_expires_at - now).total_seconds())),
        path=ACCESS_COOKIE_PATH,
        **_policy(),
    )
    response.set_cookie(
        REFRESH_COOKIE,
        str(tokens.refresh),
        max_age=max(0, int((tokens.refresh_expires_at - now).total_seconds())),
        path=REFRESH_COOKIE_PATH,
        **_policy(),
    )


def clear_auth_cookies(response) -> None:
    policy = _policy()
    for name, path in ((ACCESS_COOKIE, ACCESS_COOKIE_PATH), (REFRESH_COOKIE, REFRESH_COOKIE_PATH)):
        response.delete_cookie(name, path=path, domain=policy["domain"], samesite="Lax")


def has_auth_cookies(request) -> bool:
    return bool(request.COOKIES.get(ACCESS_COOKIE) or request.COOKIES.get(REFRESH_COOKIE))
