"""Why a refresh token was refused: 401s whose body says why, `{"detail": ..., "code": ...}`."""

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
