"""Refusals whose body says why, `{"detail": ..., "code": ...}`: a refresh token (401), a link
from a mail (400)."""

from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework_simplejwt.exceptions import AuthenticationFailed


class RefreshRejected(AuthenticationFailed):
    """The refresh token will not work, now or later: the browser's cookies are deleted."""

    def __init__(self, detail: str, code: str, *, session=None):
        super().__init__(detail, code)
        self.code = code
        # For the security log: whose token it was, when known.
        self.session_id = session.pk if session is not None else None
        self.user_id = session.user_id if session is not None else None


class TokenJustRotated(RefreshRejected):
    """The token was rotated moments ago by another request, whose new token is already in use:
    another tab of the same browser, usually. That browser holds the new cookies, so the cookie
    views answer without touching them (deleting them would sign the user out)."""

    def __init__(self, *, session):
        super().__init__(
            "Token was just rotated by another request.", "token_rotated", session=session
        )


class LinkRefused(APIException):
    """A link from a mail (password reset, address confirmation) that does not work: 400 with
    a `code` a client can tell apart (used, expired, invalid...)."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, detail: str, code: str):
        super().__init__({"detail": detail, "code": code})
        self.code = code
