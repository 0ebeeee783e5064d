"""The codes a user types as their second factor: the authenticator app's (TOTP, RFC 6238:
6 digits, 30-second steps, computed by pyotp) and single-use recovery codes.

- A code of the step before or after the server's is accepted too (clocks drift), but each
  step's code works once: the device remembers the last step it accepted, and an update that
  must move it forward decides between concurrent requests.
- Recovery codes: ten, 16 random characters each (about 79 bits), shown once; only their
  SHA-256 is stored. Generating new ones ends the old ones.
"""

import base64
import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import RecoveryCode, TOTPDevice, User

INTERVAL = 30
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: read from paper and typed back.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class NotPending(Exception):
    """No enrolment to confirm."""


# --- Authenticator app ---------------------------------------------------------------------------


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).first()


def start_enrolment(user: User) -> TOTPDevice:
    """A new, unconfirmed device with a new secret (replacing one not yet confirmed)."""
    device, _ = TOTPDevice.objects.update_or_create(
        user=user,
        defaults={
            "secret": pyotp.random_base32(),
            "confirmed_at": None,
            "last_used_step": 0,
            "created_at": timezone.now(),
        },
    )
    return device


def provisioning_uri(device: TOTPDevice) -> str:
    return pyotp.TOTP(device.secret, interval=INTERVAL).provisioning_uri(
        name=device.user.email, issuer_name=settings.PROJECT_NAME
    )


def qr_code(uri: str) -> str:
    """The QR code of `uri` as an SVG data: URI, drawn here (no image service sees the secret)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def confirm_enrolment(user: User, code: str) -> bool:
    """Turn the pending device on if `code` is its current code. NotPending if none waits."""
    device = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    if device is None:
        raise NotPending
    if not accept_code(device, code):
        return False
    TOTPDevice.objects.filter(pk=device.pk).update(confirmed_at=timezone.now())
    return True


def accept_code(device: TOTPDevice, code: str) -> bool:
    """Whether `code` is the device's code for a step near now not used before; if so, that
    step is used up."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(device.secret, interval=INTERVAL)
    now_step = int(time.time()) // INTERVAL
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * INTERVAL), code):
            # Only one request moves the step forward: a replayed code finds it moved.
            return bool(
                TOTPDevice.objects.filter(pk=device.pk, last_used_step__lt=step).update(
                    last_used_step=step
                )
            )
    return False


# --- Recovery codes -------------------------------------------------------------------------------


def new_recovery_codes(user: User) -> list[str]:
    """Ten new codes for `user`, the old ones ended. The only time the codes exist in clear."""
    codes = [
        "-".join("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(4)) for _ in range(4))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    with transaction.atomic():
        RecoveryCode.objects.filter(user=user).delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user=user, digest=recovery_code_digest(code)) for code in codes
        )
    return codes


def recovery_code_digest(code: str) -> str:
    normalized = "".join(code.lower().replace("-", "").split())
    return hashlib.sha256(normalized.encode()).hexdigest()


def use_recovery_code(user: User, code: str) -> bool:
    """Whether `code` is one of the user's unused recovery codes; if so, it is used up."""
    if len(code) > 64:
        return False
    return bool(
        RecoveryCode.objects.filter(
            user=user, digest=recovery_code_digest(code), used_at__isnull=True
        ).update(used_at=timezone.now())
    )


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


# --- Either ----------------------------------------------------------------------------------------


def accept_second_factor(user: User, code: str) -> str | None:
    """How `code` proves the user's second factor: "totp" or "recovery_code"; None if it does
    not (used up, wrong, or the user has neither)."""
    stripped = "".join(code.split())
    if stripped.isdigit():
        device = confirmed_device(user)
        return "totp" if device is not None and accept_code(device, stripped) else None
    return "recovery_code" if use_recovery_code(user, code) else None
