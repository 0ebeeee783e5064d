"""Serializers shared by the browser flow (cookies) and the token flow (JSON bodies).

They extend simplejwt's: credentials are checked by TokenObtainSerializer exactly as in the
seed setup; we add the device session, the user payload and our rotation.
"""

from django.contrib.auth.models import update_last_login
from rest_framework import serializers
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework_simplejwt import serializers as jwt_serializers

from . import security_log
from .device_sessions import revoke_session, start_session
from .models import DeviceSession, User
from .rotation import rotate
from .throttles import LoginAttempt
from .tokens import SessionRefreshToken, TokenPair, issue_tokens

# Long enough for any passphrase; short enough that hashing it costs nothing.
MAX_PASSWORD_LENGTH = 4096


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "name", "role"]
        read_only_fields = fields


class DeviceSessionSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField()

    class Meta:
        model = DeviceSession
        fields = ["id", "created_at", "last_used_at", "user_agent", "ip_address", "current"]
        read_only_fields = fields

    def get_current(self, session) -> bool:
        return str(session.pk) == self.context.get("current_session_id")


def token_response(tokens: TokenPair) -> dict:
    """The JSON of a token-flow response; the browser views move the two tokens into cookies."""
    return {
        "access": str(tokens.access),
        "refresh": str(tokens.refresh),
        "access_expires_at": tokens.access_expires_at,
        "refresh_expires_at": tokens.refresh_expires_at,
        # The same, as seconds left: a client whose clock is off can still schedule renewal.
        "access_expires_in": tokens.access_expires_in,
    }


class TokenObtainSerializer(jwt_serializers.TokenObtainSerializer):
    """Email and password in; a new device session, its tokens and the user out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # simplejwt's fields, with limits: over-long input is a 400, not work for the hasher.
        self.fields["email"] = serializers.CharField(max_length=254, write_only=True)
        self.fields["password"] = jwt_serializers.PasswordField(
            max_length=MAX_PASSWORD_LENGTH, trim_whitespace=False
        )

    def validate(self, attrs):
        request = self.context["request"]
        attempt = LoginAttempt(request, attrs["email"])
        try:
            attempt.begin()  # 429 while a backoff holds (accounts/throttles.py)
            super().validate(attrs)  # authenticate(); 401 "no_active_account" on failure
        except (AuthenticationFailed, Throttled) as exc:
            event = "login_throttled" if isinstance(exc, Throttled) else "login_failed"
            security_log.warning(event, request, email_sha256=attempt.account_digest)
            raise
        attempt.succeeded()
        session = start_session(self.user, request)
        update_last_login(None, self.user)
        self.tokens = issue_tokens(session)
        security_log.info("login", request, user=self.user.pk, session=session.pk)
        return {**token_response(self.tokens), "user": UserSerializer(self.user).data}


class TokenRefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField(write_only=True)

    def validate(self, attrs):
        self.tokens = rotate(attrs["refresh"], self.context.get("request"))
        return token_response(self.tokens)


class TokenBlacklistSerializer(serializers.Serializer):
    """Ends the refresh token's device session and blacklists the token (logout)."""

    refresh = serializers.CharField(write_only=True)

    def validate(self, attrs):
        token = SessionRefreshToken(attrs["refresh"])  # TokenError -> 401 in the views
        token.blacklist()
        revoke_session(token.session_id)
        request = self.context.get("request")
        security_log.info("logout", request, user=token.user_id, session=token.session_id)
        return {}
