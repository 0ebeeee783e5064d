"""Whether a user has a second factor, and whether the policy wants one (TWO_FACTOR_REQUIRED_ROLES).

A second factor is a confirmed authenticator app (accounts/totp.py) or a passkey
(accounts/passkeys.py). `User.two_factor_enabled` mirrors it, kept by sync_two_factor() whenever
one is added or removed, so that authentication can apply the policy with the user it loads.
"""

from django.conf import settings
from django.db import transaction
from rest_framework import status
from rest_framework.exceptions import APIException

from . import security_log
from .models import Passkey, RecoveryCode, TOTPDevice, User


class TwoFactorSetupRequired(APIException):
    """403 for a user the policy covers who has no second factor yet, from every view but those
    that let them add one (`two_factor_setup_allowed = True` on the view)."""

    status_code = status.HTTP_403_FORBIDDEN

    def __init__(self):
        super().__init__(
            {
                "detail": "Set up two-factor authentication first.",
                "code": "two_factor_setup_required",
            }
        )


def has_second_factor(user: User) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
        or Passkey.objects.filter(user=user).exists()
    )


def sync_two_factor(user: User) -> None:
    """Call after adding or removing an authenticator app or a passkey (in its transaction)."""
    enabled = has_second_factor(user)
    if user.two_factor_enabled != enabled:
        user.two_factor_enabled = enabled
        user.save(update_fields=["two_factor_enabled"])


def two_factor_required(user: User) -> bool:
    """The policy wants this user to have a second factor (their role is listed)."""
    return user.role in settings.TWO_FACTOR_REQUIRED_ROLES


def setup_required(user: User) -> bool:
    """The user must add a second factor before anything else."""
    return two_factor_required(user) and not user.two_factor_enabled


def enforce_policy(request, user: User) -> None:
    """TwoFactorSetupRequired unless the user may use the view (authentication.py calls it)."""
    if setup_required(user):
        view = (getattr(request, "parser_context", None) or {}).get("view")
        if not getattr(view, "two_factor_setup_allowed", False):
            raise TwoFactorSetupRequired


def reset_two_factor(user: User, request=None, *, by=None) -> None:
    """What an operator does for a user who lost their authenticator app and recovery codes:
    remove every second factor (app, recovery codes, passkeys). The user signs in with the
    password alone again (and must enrol again at once if the policy covers them)."""
    remove_second_factors(user)
    security_log.warning("two_factor_reset", request, user=user.pk, by=by)


def remove_second_factors(user: User) -> None:
    """The app, the recovery codes and the passkeys of `user`, gone."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        Passkey.objects.filter(user=user).delete()
        sync_two_factor(user)
