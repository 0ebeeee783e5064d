"""One authentication class for both kinds of client.

- `Authorization: Bearer <access>`: mobile and CLI clients. Nothing ambient, so no CSRF check.
- the `access` cookie: the browser. The browser sends cookies on its own, so such requests must
  also pass Django's CSRF check (X-CSRFToken header, trusted Origin), exactly as DRF's
  SessionAuthentication enforces it.

Either way the token's device session must still be active (not revoked, not past its
absolute cap): the user is loaded in one query joined with it, so logout and revocation take
effect at once, not when the access token expires. Each process remembers the tokens it
accepted, and every process forgets them the moment a revocation is published (auth_cache.py,
revocations.py): the common request costs no query.

A user whose role requires two-factor and who has none yet may only use the views that let
them add one (two_factor.enforce_policy): 403 `two_factor_setup_required` elsewhere.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import cached_property
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import SAFE_METHODS
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings

from . import auth_cache
from .cookies import access_token_of
from .tokens import SESSION_ID_CLAIM
from .two_factor import enforce_policy


def enforce_csrf(request) -> None:
    """Django's CSRF check, as DRF applies it to session-authenticated requests (403 if not).
    Django's check accepts every request of a safe method (GET, HEAD, OPTIONS, TRACE) without
    looking further: those skip it here, which is most of what a browser asks."""
    if request.method not in SAFE_METHODS:
        SessionAuthentication().enforce_csrf(request)


class CookieOrBearerAuthentication(JWTAuthentication):
    def __init__(self):
        pass  # DRF makes one per request: simplejwt's lookup of the user model waits for a miss

    @cached_property
    def user_model(self):
        return get_user_model()

    def authenticate(self, request):
        header = self.get_header(request)
        if header is not None and (raw := self.get_raw_token(header)) is not None:
            token, user = auth_cache.authenticated(raw, self.check)
            enforce_policy(request, user)
            return user, token

        raw = access_token_of(request)
        if not raw:
            return None
        token, user = auth_cache.authenticated(raw.encode(), self.check)
        enforce_csrf(request)
        enforce_policy(request, user)
        return user, token

    def check(self, raw_token: bytes):
        """The validated token and its user, or AuthenticationFailed / InvalidToken."""
        token = self.get_validated_token(raw_token)
        return token, self.get_user(token)

    def get_user(self, validated_token):
        user_id = validated_token.get(api_settings.USER_ID_CLAIM)
        session_id = validated_token.get(SESSION_ID_CLAIM)
        if not user_id or not session_id:
            raise InvalidToken("Token has no user or session.")
        try:
            user = self.user_model.objects.get(
                pk=user_id,
                device_sessions__pk=session_id,
                device_sessions__revoked_at__isnull=True,
                device_sessions__expires_at__gt=timezone.now(),
            )
        except (self.user_model.DoesNotExist, ValidationError, ValueError):
            raise AuthenticationFailed("Session has ended.", code="session_revoked") from None
        if not api_settings.USER_AUTHENTICATION_RULE(user):
            raise AuthenticationFailed("User is inactive.", code="user_inactive")
        return user
