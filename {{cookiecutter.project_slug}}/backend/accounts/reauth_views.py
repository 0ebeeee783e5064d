"""POST /api/auth/reauth/: prove who you are again on this device, for the sensitive actions
(step_up.py). With the password, a code (authenticator app or recovery code), or a passkey."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from . import schema, security_log
from .account_views import check_current_password, password_field
from .second_factor import check_code
from .step_up import mark_authenticated


class ReauthSerializer(serializers.Serializer):
    password = password_field(required=False)
    code = serializers.CharField(max_length=64, required=False, write_only=True)
    credential = serializers.DictField(
        required=False, write_only=True, help_text="A passkey's AuthenticationResponseJSON."
    )

    def validate(self, attrs):
        if len(attrs) != 1:
            raise ValidationError("Give one of password, code or credential.")
        return attrs


class ReauthResultSerializer(serializers.Serializer):
    reauthenticated_until = serializers.DateTimeField()


class ReauthView(APIView):
    two_factor_setup_allowed = True

    @extend_schema(
        request=ReauthSerializer,
        responses={
            200: ReauthResultSerializer,
            429: schema.DetailSerializer,
        },
    )
    def post(self, request):
        """Confirm it's you: the sensitive actions work without asking again for REAUTH_WINDOW
        seconds. Wrong: 400 on the field given; too many wrong tries: 429."""
        body = ReauthSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if "password" in data:
            check_current_password(request, data["password"], "password")
            method = "password"
        elif "code" in data:
            method = check_code(request, data["code"])
        else:
            from .passkeys import verify_authentication

            verify_authentication(request, data["credential"], user=request.user)
            method = "passkey"
        until = mark_authenticated(request)
        security_log.info("reauthenticated", request, user=request.user.pk, method=method)
        return Response({"reauthenticated_until": until})
