"""Open sign-up (projects made with the answer signup=open): anyone creates an account, which stays
inactive, so it cannot sign in, until the link mailed to its address is opened.

The answer to a sign-up is the same whether or not the address has an account (the owner of an
account gets a mail saying so instead, with the way to reset the password), and the password is
hashed either way, so the time does not tell either. The link's token is signed by Django
(django.core.signing, its own salt), carries the user's id and address, and works while the
account waits for it (once, then), within SIGNUP_VERIFICATION_LIFETIME.

Waiting for verification: made by a sign-up (`verification_pending`), still inactive and never
verified. Any other inactive account (one staff deactivated, whether or not it was ever used) is
not waiting, so neither a new sign-up nor a resent link brings it back.
"""

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from . import mail, schema, security_log
from .exceptions import LinkRefused
from .mail import duration_text
from .models import User, normalize_email
from .passwords import validated_password
from .serializers import MAX_PASSWORD_LENGTH
from .sign_in import sign_in_after
from .throttles import AccountAddressThrottle, AccountIPThrottle, email_digest
from .views import CookieFlowView, signed_in_response

SALT = "accounts.signup"
SIGNED_UP = "Check your mail: we have sent a link to confirm the address."
RESENT = "If an account waits for this address to be confirmed, we have sent it a new link."


def awaiting_verification(email: str) -> User | None:
    return User.objects.filter(
        email=normalize_email(email),
        is_active=False,
        email_verified_at__isnull=True,
        verification_pending=True,
    ).first()


def sign_up(email: str, name: str, password: str) -> None:
    """A new inactive account and the link to verify it; for an address that has an account, a
    mail to it instead (or the link again, if the account still waits for it)."""
    email = normalize_email(email)
    existing = User.objects.filter(email=email).first()
    if existing is None:
        user = User(email=email, name=name, is_active=False, verification_pending=True)
        user.set_password(validated_password(password, user, field="password"))
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            return  # the same address, signed up at the same moment: that sign-up mails it
        send_verification(user)
        return
    validated_password(password, User(email=email, name=name), field="password")
    make_password(password)  # the same work as for a new account
    if existing == awaiting_verification(email):
        send_verification(existing)
    else:
        mail.send("signup_existing", existing.email, {"user": existing, "link": _reset_link()})


def send_verification(user: User) -> None:
    mail.send("verify_email", user.email, _verification_context(user))


def resend(email: str) -> None:
    """The link again, to an account that waits for it; for any other address, the same work
    without the sending, so the time tells nothing either."""
    if user := awaiting_verification(email):
        send_verification(user)
    else:
        decoy = User(pk=0, email=normalize_email(email))
        mail.render(
            "verify_email", decoy.email or "nobody@example.com", _verification_context(decoy)
        )


def _verification_context(user: User) -> dict:
    token = signing.dumps({"user": user.pk, "email": user.email}, salt=SALT)
    return {
        "user": user,
        "link": mail.web_link("/verify-email", token=token),
        "lifetime": duration_text(settings.SIGNUP_VERIFICATION_LIFETIME),
    }


def _reset_link() -> str:
    return mail.web_link("/forgot-password")


def verify(token: str) -> User:
    """Activate the account the token names; LinkRefused (400) if tampered with, expired or
    used (the account no longer waits for it)."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.SIGNUP_VERIFICATION_LIFETIME)
    except signing.SignatureExpired:
        raise LinkRefused(
            "This confirmation link has expired. Ask for a new one.", "verification_expired"
        ) from None
    except signing.BadSignature:
        raise LinkRefused("This confirmation link is not valid.", "verification_invalid") from None
    with transaction.atomic():
        user = awaiting_verification(payload["email"])
        if user is None or user.pk != payload["user"]:
            raise LinkRefused("This address is already confirmed: sign in.", "verification_used")
        user.is_active, user.verification_pending = True, False
        user.email_verified_at = timezone.now()
        user.save(update_fields=["is_active", "verification_pending", "email_verified_at"])
    return user


# --- Views ---------------------------------------------------------------------------------------


class SignupSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    name = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=MAX_PASSWORD_LENGTH, trim_whitespace=False, write_only=True
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=1024)


class ResendSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class SignupView(CookieFlowView):
    throttle_classes = (AccountIPThrottle, AccountAddressThrottle)
    throttle_scope = "signup"

    @extend_schema(
        request=SignupSerializer,
        responses={202: schema.DetailSerializer, 429: schema.DetailSerializer},
    )
    def post(self, request):
        """Create an account: it can sign in once the address is confirmed by the link mailed
        to it. The answer is the same whether or not the address has an account (its owner is
        told by mail). Django's password validators apply (400 on `password`)."""
        body = SignupSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sign_up(**body.validated_data)
        digest = email_digest(body.validated_data["email"])
        security_log.info("signup_requested", request, email_sha256=digest)
        return Response({"detail": SIGNED_UP}, status=status.HTTP_202_ACCEPTED)


class SignupVerifyView(CookieFlowView):
    throttle_classes = (AccountIPThrottle,)
    throttle_scope = "signup-verify"

    @extend_schema(
        request=TokenSerializer,
        responses={200: schema.LoginResponseSerializer, 429: schema.DetailSerializer},
    )
    def post(self, request):
        """Confirm the address with the mailed link's token: the account is activated and this
        browser signed in (cookies, as login). A used, expired or tampered link: 400 with a
        `code` (verification_used, verification_expired, verification_invalid)."""
        body = TokenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = verify(body.validated_data["token"])
        tokens = sign_in_after(request, user, "signup_verified")
        return signed_in_response(request, user, tokens)


class SignupResendView(CookieFlowView):
    throttle_classes = (AccountIPThrottle, AccountAddressThrottle)
    throttle_scope = "signup-resend"

    @extend_schema(
        request=ResendSerializer,
        responses={202: schema.DetailSerializer, 429: schema.DetailSerializer},
    )
    def post(self, request):
        """Mail the confirmation link again, to an account that still waits for it. The answer
        is the same for any address."""
        body = ResendSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        resend(body.validated_data["email"])
        return Response({"detail": RESENT}, status=status.HTTP_202_ACCEPTED)
