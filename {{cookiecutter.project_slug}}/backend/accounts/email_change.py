"""Changing one's email address: confirmed by a link mailed to the new address; the old address
is told once it is done.

The link's token is signed by Django (django.core.signing, its own salt) and carries the user's
id, the current address and the new one, so it works only while the account still has the
address it was asked from (once, then), and within EMAIL_CHANGE_LIFETIME. An address that
another account uses gets no mail, and the answer is the same 202: nobody learns which
addresses have accounts here by trying to move to them.
"""

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import mail, schema, security_log
from .exceptions import LinkRefused
from .mail import duration_text
from .models import User, normalize_email
from .serializers import MAX_PASSWORD_LENGTH, UserSerializer
from .step_up import require_recent_auth
from .throttles import AccountAddressThrottle, AccountIPThrottle

SALT = "accounts.email_change"
REQUESTED = "We have sent a link to the new address: open it to confirm the change."


def request_change(user: User, new_email: str) -> None:
    """Mail the confirmation link to `new_email`, unless another account uses it."""
    if User.objects.filter(email=new_email).exists():
        return
    token = signing.dumps({"user": user.pk, "from": user.email, "to": new_email}, salt=SALT)
    mail.send(
        "email_change",
        new_email,
        {
            "user": user,
            "new_email": new_email,
            "link": mail.web_link("/confirm-email", token=token),
            "lifetime": duration_text(settings.EMAIL_CHANGE_LIFETIME),
        },
    )


def confirm_change(token: str) -> User:
    """Give the user the token's new address; LinkRefused (400) if the token is tampered with,
    expired, used (the account's address is no longer the one it was asked from) or the new
    address was taken meanwhile."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.EMAIL_CHANGE_LIFETIME)
    except signing.SignatureExpired:
        raise LinkRefused(
            "This confirmation link has expired. Ask for the change again.", "email_link_expired"
        ) from None
    except signing.BadSignature:
        raise LinkRefused("This confirmation link is not valid.", "email_link_invalid") from None
    with transaction.atomic():
        user = (
            User.objects.select_for_update()
            .filter(pk=payload["user"], is_active=True, email=payload["from"])
            .first()
        )
        if user is None:
            raise LinkRefused(
                "This confirmation link has been used, or the address has changed since.",
                "email_link_used",
            )
        old_email, user.email = user.email, payload["to"]
        user.email_verified_at = timezone.now()
        try:
            with transaction.atomic():
                user.save(update_fields=["email", "email_verified_at"])
        except IntegrityError:
            raise LinkRefused("Another account uses this address now.", "email_taken") from None
        mail.send("email_changed", old_email, {"user": user, "new_email": user.email})
    return user


# --- Views ---------------------------------------------------------------------------------------


class EmailChangeSerializer(serializers.Serializer):
    new_email = serializers.EmailField(max_length=254)
    password = serializers.CharField(
        max_length=MAX_PASSWORD_LENGTH, trim_whitespace=False, write_only=True
    )

    def validate_new_email(self, value: str) -> str:
        value = normalize_email(value)
        if value == self.context["request"].user.email:
            raise ValidationError("This is already your address.")
        return value

    def validate_password(self, value: str) -> str:
        if not self.context["request"].user.check_password(value):
            raise ValidationError("The password is not correct.")
        return value


class EmailConfirmSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=1024)


class EmailChangeView(APIView):
    # Per user: guesses at the password of a session left open are limited too.
    throttle_classes = (AccountAddressThrottle,)
    throttle_scope = "email-change"

    def throttle_target(self, request):
        return request.user.email if request.user.is_authenticated else None

    @extend_schema(
        request=EmailChangeSerializer,
        responses={
            202: schema.DetailSerializer,
            401: OpenApiResponse(schema.DetailSerializer, description="Not signed in"),
            429: schema.DetailSerializer,
        },
    )
    def post(self, request):
        """Ask to change the account's address (the password confirms it is you): a link goes to
        the new address, which changes once the link is opened. The answer is the same whether
        or not another account uses the new address (which then gets no mail). Step-up: 403
        `reauth_required` unless you proved who you are on this device lately."""
        require_recent_auth(request)
        body = EmailChangeSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        request_change(request.user, body.validated_data["new_email"])
        security_log.info("email_change_requested", request, user=request.user.pk)
        return Response({"detail": REQUESTED}, status=status.HTTP_202_ACCEPTED)


class EmailConfirmView(APIView):
    # Opened from a mail, maybe in another browser: signed in or not.
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = (AccountIPThrottle,)
    throttle_scope = "email-confirm"

    @extend_schema(
        request=EmailConfirmSerializer,
        responses={200: UserSerializer, 429: schema.DetailSerializer},
    )
    def post(self, request):
        """Confirm an address change with the mailed link's token: the account's address
        becomes the new one, and the old address is told. A used, expired or tampered link, or
        an address another account took meanwhile: 400 with a `code` (email_link_used,
        email_link_expired, email_link_invalid, email_taken)."""
        body = EmailConfirmSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = confirm_change(body.validated_data["token"])
        security_log.info("email_changed", request, user=user.pk)
        return Response(UserSerializer(user).data)
