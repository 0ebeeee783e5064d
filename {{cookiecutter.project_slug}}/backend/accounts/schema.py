"""OpenAPI documentation: the authentication scheme and the response shapes (the views build
the data; these only describe it)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import serializers

from .serializers import UserSerializer


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class CsrfSerializer(serializers.Serializer):
    csrfToken = serializers.CharField()  # the name in the JSON


class ExpirySerializer(serializers.Serializer):
    access_expires_at = serializers.DateTimeField()
    refresh_expires_at = serializers.DateTimeField()
    access_expires_in = serializers.IntegerField(
        help_text="Seconds the access token has left: schedule its renewal on your own clock."
    )


class LoginResponseSerializer(ExpirySerializer):
    user = UserSerializer()


class TokenPairSerializer(ExpirySerializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class TokenObtainResponseSerializer(TokenPairSerializer):
    user = UserSerializer()


class SecondFactorRequiredSerializer(serializers.Serializer):
    second_factor_required = serializers.BooleanField()
    methods = serializers.ListField(
        child=serializers.ChoiceField(["totp", "recovery_code", "passkey"]),
        help_text="How this user can finish signing in.",
    )
    expires_in = serializers.IntegerField(help_text="Seconds left to finish.")


class TokenSecondFactorRequiredSerializer(SecondFactorRequiredSerializer):
    challenge = serializers.CharField(help_text="For token/second-factor/, with the code.")


class SessionStateSerializer(serializers.Serializer):
    user = UserSerializer(
        allow_null=True, help_text="Who the access cookie signs in; null if nobody."
    )
    refreshable = serializers.BooleanField(
        help_text="A refresh cookie came along: POST /api/auth/refresh/ may sign the browser in "
        "again (the cookie is not checked here)."
    )


class LogoutSerializer(serializers.Serializer):
    refresh = serializers.CharField(required=False, help_text="Only without a refresh cookie.")


class CookieOrBearerScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.CookieOrBearerAuthentication"
    name = ["bearerAuth", "cookieAuth"]

    def get_security_requirement(self, auto_schema):
        return [{"bearerAuth": []}, {"cookieAuth": []}]  # either one

    def get_security_definition(self, auto_schema):
        return [
            {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
            {"type": "apiKey", "in": "cookie", "name": "access"},
        ]
