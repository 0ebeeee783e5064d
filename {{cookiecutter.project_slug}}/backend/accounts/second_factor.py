"""The second step of a sign-in with a password, for a user with two-factor on.

The password right does not sign in yet: it starts a challenge, an AuthChallenge row (only the
SHA-256 of its random value is stored) that names the user and expires after
SECOND_FACTOR_LIFETIME. The browser holds the value in the httpOnly `mfa` cookie (cookies.py),
a token-flow client in the body. No tokens until a code (authenticator app or recovery code)
completes it, once: the challenge is deleted, and after SECOND_FACTOR_MAX_FAILURES wrong codes it
is dead and the password must be given again. Wrong codes are also counted per account and
client like wrong passwords (throttles.CodeAttempt), on counters a right password does not
reset. A passkey needs no challenge: it signs in by itself (passkeys.py).
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.exceptions import ValidationError
from rest_framework_simplejwt.exceptions import AuthenticationFailed
from rest_framework_simplejwt.settings import api_settings

from . import security_log
from .models import AuthChallenge, Passkey, User
from .throttles import CodeAttempt
from .totp import accept_second_factor, confirmed_device, recovery_codes_left

WRONG_CODE = "That code is not valid."


class SecondFactorExpired(AuthenticationFailed):
    """401: no sign-in waits for a code here (none, expired, done, or too many wrong codes)."""

    def __init__(self):
        super().__init__("Your sign-in has expired: sign in again.", "second_factor_expired")


def needs_second_factor(user: User) -> bool:
    return user.two_factor_enabled


def methods(user: User, *, passkeys: bool = True) -> list[str]:
    """How this user can complete the step."""
    found = []
    if confirmed_device(user) is not None:
        found.append("totp")
    if recovery_codes_left(user):
        found.append("recovery_code")
    if passkeys and Passkey.objects.filter(user=user).exists():
        found.append("passkey")
    return found


def start(user: User) -> str:
    """A new challenge for `user`; the value to hand to the client."""
    value = secrets.token_urlsafe(32)
    now = timezone.now()
    AuthChallenge.objects.create(
        purpose=AuthChallenge.Purpose.SECOND_FACTOR,
        digest=_digest(value),
        user=user,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.SECOND_FACTOR_LIFETIME),
    )
    return value


def challenge_body(user: User, *, passkeys: bool = True) -> dict:
    return {
        "second_factor_required": True,
        "methods": methods(user, passkeys=passkeys),
        "expires_in": settings.SECOND_FACTOR_LIFETIME,
    }


def complete(request, value: str | None, code: str) -> tuple[User, str]:
    """The user whose challenge `value` names, and how `code` proved it ("totp" or
    "recovery_code"). SecondFactorExpired (401), ValidationError on `code` (400), or Throttled
    (429)."""
    challenge = _pending(value)
    user = challenge.user
    if not api_settings.USER_AUTHENTICATION_RULE(user):
        raise SecondFactorExpired
    attempt = CodeAttempt(request, user.email)
    attempt.begin()
    with transaction.atomic():
        # Locked: of concurrent answers to one challenge, one completes it.
        challenge = _pending(value, lock=True)
        method = accept_second_factor(user, code)
        if method is not None:
            challenge.delete()
        else:
            challenge.failures += 1
            challenge.save(update_fields=["failures"])
    return user, settle(request, user, attempt, method)


def check_code(request, code: str) -> str:
    """How `code` proves the signed-in user's second factor (step-up: reauth_views.py); as the
    second step, a 400 on `code` if it does not, and 429 once too many are wrong."""
    user = request.user
    attempt = CodeAttempt(request, user.email)
    attempt.begin()
    return settle(request, user, attempt, accept_second_factor(user, code))


def settle(request, user: User, attempt: CodeAttempt, method: str | None) -> str:
    """After a code was checked: a wrong one is logged and refused (400 on `code`); a right one
    clears the wrong-code counters, and a recovery code used up is logged. Answers `method`."""
    if method is None:
        security_log.warning("second_factor_failed", request, user=user.pk)
        raise ValidationError({"code": [WRONG_CODE]})
    attempt.succeeded()
    if method == "recovery_code":
        security_log.warning(
            "recovery_code_used", request, user=user.pk, left=recovery_codes_left(user)
        )
    return method


def _pending(value: str | None, *, lock: bool = False) -> AuthChallenge:
    if not value or len(value) > 200:
        raise SecondFactorExpired
    challenges = AuthChallenge.objects.select_related("user").filter(
        purpose=AuthChallenge.Purpose.SECOND_FACTOR,
        digest=_digest(value),
        expires_at__gt=timezone.now(),
        failures__lt=settings.SECOND_FACTOR_MAX_FAILURES,
    )
    if lock:
        challenges = challenges.select_for_update(of=("self",))
    challenge = challenges.first()
    if challenge is None:
        raise SecondFactorExpired
    return challenge


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()
