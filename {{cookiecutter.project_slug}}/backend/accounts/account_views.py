"""The signed-in user's own account, under /api/account/: profile (name), password change,
closing the account.

Changing the password and closing the account ask for the current password, and count a wrong
one as a failed sign-in (throttles.py's LoginAttempt): a stolen session is no faster way to
guess the password than the login page.
"""

import secrets

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from . import mail, schema, security_log
from .cookies import clear_auth_cookies
from .models import DeviceSession, Invitation, SecurityEvent, User
from .passwords import validated_password
from .serializers import MAX_PASSWORD_LENGTH, UserSerializer, expiry_data
from .sign_in import sign_in_after
from .step_up import require_recent_auth
from .throttles import LoginAttempt
from .two_factor import remove_second_factors
from .views import with_cookies

THROTTLED = OpenApiResponse(schema.DetailSerializer, "Too many wrong passwords: wait.")
# Where a closed account's address goes: a domain that never receives mail (RFC 2606).
CLOSED_EMAIL_DOMAIN = "closed.invalid"


def password_field(**kwargs):
    return serializers.CharField(
        max_length=MAX_PASSWORD_LENGTH, trim_whitespace=False, write_only=True, **kwargs
    )


def check_current_password(request, password: str, field: str) -> None:
    """A 400 on `field` unless `password` is the user's; throttled like a sign-in (429)."""
    user = request.user
    attempt = LoginAttempt(request, user.email)
    attempt.begin()
    if not user.check_password(password):
        security_log.warning("password_check_failed", request, user=user.pk)
        raise ValidationError({field: ["This is not your current password."]})
    attempt.succeeded()


class ProfileSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["name"]


class ProfileView(APIView):
    @extend_schema(request=ProfileSerializer, responses={200: UserSerializer})
    def patch(self, request):
        """Change your name. Access tokens carry it from their next refresh."""
        body = ProfileSerializer(request.user, data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        body.save()
        return Response(UserSerializer(request.user).data)


class PasswordChangeSerializer(serializers.Serializer):
    current_password = password_field()
    new_password = password_field()


class PasswordChangeView(APIView):
    @extend_schema(
        request=PasswordChangeSerializer,
        responses={
            200: schema.LoginResponseSerializer,
            429: THROTTLED,
        },
    )
    def post(self, request):
        """Change your password: every other device is signed out, this one gets a new session
        (cookies, as login), and a notice goes to your address. A wrong current password: 400 on
        `current_password`; a new one Django's validators refuse: 400 on `new_password`.
        Step-up: 403 `reauth_required` unless you proved who you are on this device lately."""
        require_recent_auth(request)
        body = PasswordChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        check_current_password(request, body.validated_data["current_password"], "current_password")
        user = request.user
        with transaction.atomic():
            user.set_password(validated_password(body.validated_data["new_password"], user))
            user.save()  # ends every session of the user, this one too (User.save)
            tokens = sign_in_after(request, user, "password_changed")
            mail.send(
                "password_changed",
                user.email,
                {"user": user, "link": mail.web_link("/forgot-password")},
            )
        return with_cookies({**expiry_data(tokens), "user": UserSerializer(user).data}, tokens)


class CloseAccountSerializer(serializers.Serializer):
    password = password_field()


class CloseAccountView(APIView):
    @extend_schema(request=CloseAccountSerializer, responses={204: None, 429: THROTTLED})
    def post(self, request):
        """Close your account, confirmed with your password: you are signed out everywhere and
        cannot sign in again; your name, address and sign-in history are erased (the README's
        "Closing an account" says what is kept). A wrong password: 400 on `password`."""
        body = CloseAccountSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        check_current_password(request, body.validated_data["password"], "password")
        close_account(request.user)
        security_log.info("account_closed", request, user=request.user.pk)
        response = Response(status=status.HTTP_204_NO_CONTENT)
        clear_auth_cookies(response)
        return response


def close_account(user: User) -> None:
    """Deactivate `user` and erase what identifies them: the name, the address (a placeholder
    that receives no mail, so the real one can be invited or sign up again), the password, the
    device sessions and the security log (IP addresses, browsers), the second factors, and the
    address on their accepted invitation. The row stays, so what they wrote keeps its author (shown as the
    placeholder)."""
    with transaction.atomic():
        user.name = ""
        user.email = f"closed-{user.pk}-{secrets.token_hex(4)}@{CLOSED_EMAIL_DOMAIN}"
        user.email_verified_at = None
        user.is_active = False
        user.set_unusable_password()
        user.save()  # revokes every session (User.save)
        DeviceSession.objects.filter(user=user).delete()
        SecurityEvent.objects.filter(user=user).delete()  # IP addresses, browsers again
        remove_second_factors(user)  # the app's secret, recovery codes, passkeys
        Invitation.objects.filter(user=user).update(email=user.email, name="")
