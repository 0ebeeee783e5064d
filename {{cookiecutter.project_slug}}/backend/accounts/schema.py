"""Response shapes for the OpenAPI schema (documentation only; the views build the data)."""

from rest_framework import serializers

from .serializers import UserSerializer


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(required=False)


class CsrfSerializer(serializers.Serializer):
    csrfToken = serializers.CharField()  # noqa: N815 (the name in the JSON)


class ExpirySerializer(serializers.Serializer):
    access_expires_at = serializers.DateTimeField()
    refresh_expires_at = serializers.DateTimeField()


class LoginResponseSerializer(ExpirySerializer):
    user = UserSerializer()


class TokenPairSerializer(ExpirySerializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class TokenObtainResponseSerializer(TokenPairSerializer):
    user = UserSerializer()


class LogoutRequestSerializer(serializers.Serializer):
    refresh = serializers.CharField(required=False, help_text="Only without a refresh cookie.")


class HealthSerializer(serializers.Serializer):
    status = serializers.CharField()
    database = serializers.CharField()
