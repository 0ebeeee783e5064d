"""Password reset by email, with Django's own machinery: default_token_generator's tokens and a
base64 user id in the link.

A token is bound to the user's password hash, last sign-in and email, so it works once (the new
password, and the sign-in that follows, change them) and only within PASSWORD_RESET_TIMEOUT.

Asking for a link answers the same whatever the address (status, body, time): the one lookup is
made either way, nothing is written, and the mail is rendered either way but sent (in the
background, accounts/mail.py) only to an active account.
"""

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from . import mail, schema, security_log
from .exceptions import LinkRefused
from .mail import duration_text
from .models import User, normalize_email
from .serializers import MAX_PASSWORD_LENGTH
from .sign_in import sign_in_after
from .throttles import AccountAddressThrottle, AccountIPThrottle, email_digest
from .views import CookieFlowView, signed_in_response

RESET_REQUESTED = "If an account uses this address, we have sent it a link."
RESET_LINK_INVALID = (
    "This password reset link is invalid or has expired (each link works once). Ask for a new one."
)


class ResetLinkInvalid(LinkRefused):
    def __init__(self):
        super().__init__(RESET_LINK_INVALID, "reset_link_invalid")


def request_reset(email: str) -> None:
    """Mail a reset link to the active account that uses `email`, if there is one."""
    user = User.objects.filter(email=normalize_email(email), is_active=True).first()
    if user is None:
        # The same work as for an account: only the sending differs, and it is not awaited.
        mail.render(
            "password_reset", normalize_email(email) or "nobody@example.com", _context(User())
        )
        return
    mail.send("password_reset", user.email, _context(user))


def _context(user: User) -> dict:
    uid = urlsafe_base64_encode(force_bytes(user.pk or 0))
    token = default_token_generator.make_token(user) if user.pk else "x"
    return {
        "user": user,
        "link": mail.web_link("/reset-password", uid=uid, token=token),
        "lifetime": duration_text(settings.PASSWORD_RESET_TIMEOUT),
    }


def user_of_link(uid: str, token: str) -> User:
    """The active user the link (uid, token) resets; ResetLinkInvalid (400) if none."""
    try:
        pk = int(urlsafe_base64_decode(uid).decode())
        user = User.objects.get(pk=pk, is_active=True)
    except (TypeError, ValueError, OverflowError, User.DoesNotExist):
        raise ResetLinkInvalid() from None
    if not default_token_generator.check_token(user, token):
        raise ResetLinkInvalid()
    return user


def validated_password(password: str, user: User, field: str = "new_password") -> str:
    """`password` if Django's validators accept it for `user`, else a 400 on `field`."""
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
    return password


# --- Views ---------------------------------------------------------------------------------------


class PasswordResetRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class PasswordResetConfirmSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64)
    token = serializers.CharField(max_length=128)
    new_password = serializers.CharField(
        max_length=MAX_PASSWORD_LENGTH, trim_whitespace=False, write_only=True
    )


class PasswordResetRequestView(CookieFlowView):
    throttle_classes = (AccountIPThrottle, AccountAddressThrottle)
    throttle_scope = "password-reset"

    @extend_schema(
        request=PasswordResetRequestSerializer,
        responses={202: schema.DetailSerializer, 429: schema.DetailSerializer},
    )
    def post(self, request):
        """Mail a password reset link to the account that uses this address. The answer is the
        same whether or not there is one."""
        body = PasswordResetRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        request_reset(body.validated_data["email"])
        security_log.info(
            "password_reset_requested",
            request,
            email_sha256=email_digest(body.validated_data["email"]),
        )
        return Response({"detail": RESET_REQUESTED}, status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmView(CookieFlowView):
    throttle_classes = (AccountIPThrottle, AccountAddressThrottle)
    throttle_scope = "password-reset-confirm"

    def throttle_target(self, request):
        # Per account the link names: its uid stands for the address.
        uid = request.data.get("uid") if isinstance(request.data, dict) else None
        return f"uid:{uid}" if isinstance(uid, str) and uid else None

    @extend_schema(
        request=PasswordResetConfirmSerializer,
        responses={
            200: schema.LoginResponseSerializer,
            202: schema.DetailSerializer,
            429: schema.DetailSerializer,
        },
    )
    def post(self, request):
        """Set a new password with the link's uid and token: every session of the user ends,
        and this browser is signed in (cookies, as login). A user with two-factor on is not:
        202 `sign_in_required`, they sign in with the new password and their second factor (a
        mailbox alone must not get past it). A link that is invalid, used or expired: 400 with
        code `reset_link_invalid`."""
        body = PasswordResetConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        with transaction.atomic():
            user = user_of_link(data["uid"], data["token"])
            user.set_password(validated_password(data["new_password"], user))
            user.save()  # revokes every session of the user (User.save)
            if user.two_factor_enabled:
                security_log.info("password_reset", request, user=user.pk)
                return Response(
                    {
                        "detail": "Your password is changed: sign in with it.",
                        "code": "sign_in_required",
                    },
                    status=status.HTTP_202_ACCEPTED,
                )
            tokens = sign_in_after(request, user, "password_reset")
        return signed_in_response(request, user, tokens)
