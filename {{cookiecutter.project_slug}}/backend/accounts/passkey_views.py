"""Passkey endpoints (accounts/passkeys.py does the WebAuthn work).

Sign-in, under /api/auth/passkeys/: `options/` (anyone: a discoverable-credential challenge; for
a signed-in user, one for their passkeys, to confirm it's them) and `login/`.
The user's own passkeys, under /api/account/passkeys/: list, `options/` then add, rename, remove
(adding and removing want a recent authentication: step_up.py).

Every view here stays open to a user whom the policy sends to add a second factor first
(`two_factor_setup_allowed`).
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import passkeys, schema, security_log, step_up
from .authentication import enforce_csrf
from .cookies import clear_challenge_cookie
from .models import Passkey
from .sign_in import sign_in_after
from .throttles import LoginIPThrottle
from .views import CookieFlowView, signed_in_response

THROTTLED = OpenApiResponse(schema.DetailSerializer, "Too many attempts: wait.")


class PasskeySerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=100)  # stripped; blank refused

    class Meta:
        model = Passkey
        fields = ["id", "name", "created_at", "last_used_at"]
        read_only_fields = ["id", "created_at", "last_used_at"]


class PasskeyRegistrationSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, write_only=True)
    credential = serializers.DictField(
        write_only=True,
        help_text="What navigator.credentials.create() returned, as RegistrationResponseJSON.",
    )


class PasskeyCredentialSerializer(serializers.Serializer):
    credential = serializers.DictField(
        help_text="What navigator.credentials.get() returned, as AuthenticationResponseJSON."
    )


class PasskeyOptionsSerializer(serializers.Serializer):
    options = serializers.DictField(
        help_text="PublicKeyCredentialCreationOptionsJSON (adding a passkey) or "
        "PublicKeyCredentialRequestOptionsJSON (signing in), for the WebAuthn browser API."
    )


class PasskeyOptionsThrottle(LoginIPThrottle):
    """Sign-in challenges per client IP (LOGIN_THROTTLE_RATE), apart from the login's own count:
    each is a stored row, and anyone may ask."""

    scope = "passkey-options"


# --- Sign-in ------------------------------------------------------------------------------------


class PasskeyLoginOptionsView(APIView):
    permission_classes = (AllowAny,)
    throttle_classes = (PasskeyOptionsThrottle,)
    two_factor_setup_allowed = True

    def initial(self, request, *args, **kwargs):
        enforce_csrf(request)  # a browser endpoint, signed in or not
        super().initial(request, *args, **kwargs)

    def perform_authentication(self, request):
        pass  # in post(): refused credentials mean "nobody", not a 401

    @extend_schema(request=None, responses={200: PasskeyOptionsSerializer, 429: THROTTLED})
    def post(self, request):
        """Options for navigator.credentials.get(). Signed out: any passkey of this site
        (discoverable credentials, no email asked). Signed in: only yours (to confirm it's you,
        POST /api/auth/reauth/)."""
        try:
            user = request.user if request.user.is_authenticated else None
        except AuthenticationFailed:
            user = None
        return Response({"options": passkeys.authentication_options(user)})


class PasskeyLoginView(CookieFlowView):
    throttle_classes = (LoginIPThrottle,)
    two_factor_setup_allowed = True

    @extend_schema(
        request=PasskeyCredentialSerializer,
        responses={200: schema.LoginResponseSerializer, 429: THROTTLED},
    )
    def post(self, request):
        """Sign in with a passkey, by itself or as the second step after a password (it ends
        that sign-in in progress: the `mfa` cookie is deleted). Sets the `access` and `refresh`
        cookies, as login."""
        body = PasskeyCredentialSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            passkey = passkeys.verify_authentication(request, body.validated_data["credential"])
        except passkeys.PasskeyRefused:
            security_log.warning("login_failed", request, method="passkey")
            raise
        user = passkey.user
        tokens = sign_in_after(request, user, "login", method="passkey")
        response = signed_in_response(request, user, tokens)
        clear_challenge_cookie(response)
        return response


# --- The user's passkeys ------------------------------------------------------------------------


class PasskeyListView(APIView):
    two_factor_setup_allowed = True

    @extend_schema(responses={200: PasskeySerializer(many=True)})
    def get(self, request):
        """Your passkeys, oldest first."""
        mine = Passkey.objects.filter(user=request.user)
        return Response(PasskeySerializer(mine, many=True).data)

    @extend_schema(request=PasskeyRegistrationSerializer, responses={201: PasskeySerializer})
    def post(self, request):
        """Add a passkey: the credential navigator.credentials.create() made from the options
        of POST /api/account/passkeys/options/. Two-factor is on from now."""
        body = PasskeyRegistrationSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = request.user
        passkey = passkeys.register(request, user, **body.validated_data)
        security_log.info("passkey_added", request, user=user.pk, passkey=passkey.pk)
        return Response(PasskeySerializer(passkey).data, status=status.HTTP_201_CREATED)


class PasskeyRegistrationOptionsView(APIView):
    two_factor_setup_allowed = True

    @extend_schema(request=None, responses={200: PasskeyOptionsSerializer})
    def post(self, request):
        """Options for navigator.credentials.create(): a passkey the authenticator keeps
        (discoverable), user verification required, none you have already. Step-up (403
        `reauth_required`): a stolen session must not add a way back in for its thief."""
        step_up.require_recent_auth(request)
        return Response({"options": passkeys.registration_options(request.user)})


class PasskeyDetailView(APIView):
    two_factor_setup_allowed = True

    @extend_schema(request=PasskeySerializer, responses={200: PasskeySerializer})
    def patch(self, request, pk):
        """Rename one of your passkeys."""
        passkey = get_object_or_404(Passkey, pk=pk, user=request.user)
        body = PasskeySerializer(passkey, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        body.save()
        return Response(body.data)

    @extend_schema(
        responses={
            204: None,
            400: OpenApiResponse(
                schema.DetailSerializer,
                "Your role requires two-factor and this is your last second factor "
                "(code `two_factor_required`).",
            ),
            403: OpenApiResponse(
                schema.DetailSerializer, "Confirm it's you first (code `reauth_required`)."
            ),
        }
    )
    def delete(self, request, pk):
        """Remove one of your passkeys (wants a recent authentication). Two-factor goes off
        with your last second factor, unless your role requires it: then 400."""
        step_up.require_recent_auth(request)
        passkey = get_object_or_404(Passkey, pk=pk, user=request.user)
        passkeys.remove(passkey)
        security_log.info("passkey_removed", request, user=request.user.pk, passkey=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
