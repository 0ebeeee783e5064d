"""The signed-in user's second factors, under /api/account/: the two-factor status, the
authenticator app (enrol, confirm, turn off) and recovery codes. Passkeys: passkey_views.py.

Each view lets a user the policy holds back (two_factor.enforce_policy) in: they are here to
enrol. Turning off and new recovery codes are step-up actions (step_up.py).
"""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from . import schema, security_log, totp
from .models import Passkey, RecoveryCode, TOTPDevice, User
from .second_factor import WRONG_CODE
from .step_up import require_recent_auth
from .two_factor import has_second_factor, sync_two_factor, two_factor_required


class Refused(APIException):
    """400 with a `code` a client can tell apart."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self, detail: str, code: str):
        super().__init__({"detail": detail, "code": code})


class TwoFactorStatusSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(help_text="Signing in with the password takes a 2nd step.")
    required = serializers.BooleanField(help_text="The user's role requires two-factor.")
    totp = serializers.BooleanField(help_text="An authenticator app is on.")
    recovery_codes_left = serializers.IntegerField()
    passkeys = serializers.IntegerField()


class TOTPEnrolmentSerializer(serializers.Serializer):
    secret = serializers.CharField(help_text="Base32, for typing into the app by hand.")
    otpauth_url = serializers.CharField()
    qr_code = serializers.CharField(help_text="The otpauth URL as a QR code: an SVG data: URI.")


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=64, write_only=True)


class RecoveryCodesSerializer(serializers.Serializer):
    recovery_codes = serializers.ListField(
        child=serializers.CharField(), help_text="Shown this once: only digests are kept."
    )


class TwoFactorView(APIView):
    two_factor_setup_allowed = True

    @extend_schema(responses=TwoFactorStatusSerializer)
    def get(self, request):
        """Your two-factor status."""
        user = request.user
        return Response(
            {
                "enabled": user.two_factor_enabled,
                "required": two_factor_required(user),
                "totp": totp.confirmed_device(user) is not None,
                "recovery_codes_left": totp.recovery_codes_left(user),
                "passkeys": Passkey.objects.filter(user=user).count(),
            }
        )


class TOTPView(APIView):
    two_factor_setup_allowed = True

    @extend_schema(
        request=None, responses={200: TOTPEnrolmentSerializer, 400: schema.DetailSerializer}
    )
    def post(self, request):
        """Start setting up an authenticator app (again, if not confirmed yet): its secret and QR
        code. It is on once confirmed with a code (totp/confirm/). Step-up (403
        `reauth_required`): a stolen session must not lock its owner out behind a thief's app."""
        require_recent_auth(request)
        if totp.confirmed_device(request.user) is not None:
            raise Refused("An authenticator app is already on.", "totp_already_enabled")
        device = totp.start_enrolment(request.user)
        uri = totp.provisioning_uri(device)
        return Response({"secret": device.secret, "otpauth_url": uri, "qr_code": totp.qr_code(uri)})

    @extend_schema(request=None, responses={204: None, 400: schema.DetailSerializer})
    def delete(self, request):
        """Turn the authenticator app off (step-up). Not the last second factor of a user whose
        role requires one: 400 `two_factor_required`."""
        require_recent_auth(request)
        user = request.user
        if not TOTPDevice.objects.filter(user=user).exists():
            return Response(status=status.HTTP_204_NO_CONTENT)
        with transaction.atomic():
            # Locked: removing the app and the last passkey at once must not leave the policy's
            # user with neither (passkeys.py locks the same row).
            User.objects.select_for_update().get(pk=user.pk)
            TOTPDevice.objects.filter(user=user).delete()
            if two_factor_required(user) and not has_second_factor(user):
                raise Refused(
                    "Your role requires two-factor: add a passkey before turning the app off.",
                    "two_factor_required",
                )
            if not has_second_factor(user):
                RecoveryCode.objects.filter(user=user).delete()
            sync_two_factor(user)
        security_log.warning("totp_disabled", request, user=user.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TOTPConfirmView(APIView):
    two_factor_setup_allowed = True

    @extend_schema(
        request=CodeSerializer,
        responses={200: RecoveryCodesSerializer},
    )
    def post(self, request):
        """Turn the authenticator app on with a code it shows: answers ten new recovery codes
        (any earlier ones stop working). A wrong code: 400 on `code`."""
        body = CodeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = request.user
        with transaction.atomic():
            try:
                confirmed = totp.confirm_enrolment(user, body.validated_data["code"])
            except totp.NotPending:
                raise Refused(
                    "Start setting up the authenticator app first.", "no_totp_enrolment"
                ) from None
            if not confirmed:
                raise ValidationError({"code": [WRONG_CODE]})
            sync_two_factor(user)
            codes = totp.new_recovery_codes(user)
        security_log.info("totp_enabled", request, user=user.pk)
        return Response({"recovery_codes": codes})


class RecoveryCodesView(APIView):
    two_factor_setup_allowed = True

    @extend_schema(
        request=None, responses={200: RecoveryCodesSerializer, 400: schema.DetailSerializer}
    )
    def post(self, request):
        """Ten new recovery codes (step-up); the old ones stop working."""
        require_recent_auth(request)
        user = request.user
        if not user.two_factor_enabled:
            raise Refused("Turn two-factor on first.", "two_factor_off")
        codes = totp.new_recovery_codes(user)
        security_log.info("recovery_codes_generated", request, user=user.pk)
        return Response({"recovery_codes": codes})
