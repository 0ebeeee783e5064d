"""Whether a user has a second factor, and whether the policy wants one (TWO_FACTOR_REQUIRED_ROLES).

A second factor is a confirmed authenticator app (accounts/totp.py) or a passkey
(accounts/passkeys.py). `User.two_factor_enabled` mirrors it, kept by sync_two_factor() whenever
one is added or removed, so that authentication can apply the policy with the user it loads.
"""

from django.conf import settings

from .models import Passkey, TOTPDevice, User


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
