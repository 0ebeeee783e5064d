"""What the auth endpoints read and return: the user, device sessions, credentials, and the token
flow's serializers (mobile and CLI clients: simplejwt's views, with tokens in JSON bodies).

The token flow's serializers only unpack the body: signing in and out is sign_in.py's, token
rotation rotation.py's, the same for the browser's cookie views (views.py).
"""

from rest_framework import serializers
from rest_framework_simplejwt.serializers import PasswordField

from . import second_factor
from .models import USER_CLAIMS, DeviceSession, User
from .rotation import rotate
from .sign_in import check_credentials, sign_in_after, sign_out
from .tokens import TokenPair
from .two_factor import setup_required

# Long enough for any passphrase; short enough that hashing it costs nothing.
MAX_PASSWORD_LENGTH = 4096


class UserSerializer(serializers.ModelSerializer):
    # Not claims: read from the user at each answer. The web client sends a user who must add a
    # second factor (TWO_FACTOR_REQUIRED_ROLES) to do so before anything else.
    two_factor_setup_required = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", *USER_CLAIMS, "two_factor_enabled", "two_factor_setup_required"]
        read_only_fields = fields

    def get_two_factor_setup_required(self, user) -> bool:
        return setup_required(user)


class DeviceSessionSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField()

    class Meta:
        model = DeviceSession
        fields = ["id", "created_at", "last_used_at", "user_agent", "ip_address", "current"]
        read_only_fields = fields

    def get_current(self, session) -> bool:
        return str(session.pk) == self.context.get("current_session_id")


def expiry_data(tokens: TokenPair) -> dict:
    """When the tokens expire: in every response that hands out tokens."""
    return {
        "access_expires_at": tokens.access_expires_at,
        "refresh_expires_at": tokens.refresh_expires_at,
        # The same, as seconds left: a client whose clock is off can still schedule renewal.
        "access_expires_in": tokens.access_expires_in,
    }


def token_data(tokens: TokenPair) -> dict:
    """The tokens themselves and their expiry: the token flow's JSON (the browser gets the
    tokens as cookies instead)."""
    return {"access": str(tokens.access), "refresh": str(tokens.refresh), **expiry_data(tokens)}


class CredentialsSerializer(serializers.Serializer):
    """Email and password."""

    # With limits: over-long input is a 400, not work for the password hasher.
    email = serializers.CharField(max_length=254, write_only=True)
    password = PasswordField(max_length=MAX_PASSWORD_LENGTH, trim_whitespace=False)


class TokenObtainSerializer(CredentialsSerializer):
    """Email and password in; a new device session, its tokens and the user out. Or, with
    two-factor on, the challenge to answer with a code (TokenSecondFactorSerializer)."""

    def validate(self, attrs):
        request = self.context["request"]
        user = check_credentials(request, attrs["email"], attrs["password"])
        if second_factor.needs_second_factor(user):
            body = second_factor.challenge_body(user, passkeys=False)
            return {**body, "challenge": second_factor.start(user)}
        return signed_in_data(sign_in_after(request, user, "login", method="password"), user)


def signed_in_data(tokens: TokenPair, user: User) -> dict:
    return {**token_data(tokens), "user": UserSerializer(user).data}


class SecondFactorSerializer(serializers.Serializer):
    """A code from the authenticator app (6 digits) or a recovery code."""

    code = serializers.CharField(max_length=64, write_only=True)


class TokenSecondFactorSerializer(SecondFactorSerializer):
    challenge = serializers.CharField(max_length=200, write_only=True)

    def validate(self, attrs):
        request = self.context["request"]
        user, method = second_factor.complete(request, attrs["challenge"], attrs["code"])
        return signed_in_data(sign_in_after(request, user, "login", method=method), user)


class TokenRefreshSerializer(serializers.Serializer):
    refresh = serializers.CharField(write_only=True)

    def validate(self, attrs):
        return token_data(rotate(attrs["refresh"], self.context.get("request")))


class TokenBlacklistSerializer(serializers.Serializer):
    """Ends the refresh token's device session and blacklists the token (logout)."""

    refresh = serializers.CharField(write_only=True)

    def validate(self, attrs):
        sign_out(self.context.get("request"), attrs["refresh"])  # TokenError: 401 in the views
        return {}
