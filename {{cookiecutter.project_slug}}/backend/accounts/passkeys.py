"""Passkeys (WebAuthn), verified by the `webauthn` library (py_webauthn): registering one from
Settings, and signing in with one (by itself, or to confirm it's you: the reauth endpoint).

Each ceremony starts with options holding a random challenge. Only its SHA-256 is stored, as an
AuthChallenge row (purpose, user, expiry: SECOND_FACTOR_LIFETIME); the response names it in its
clientDataJSON, and the row is deleted before anything else is checked, so a challenge (and an
assertion signed over it) works at most once, whether the attempt succeeds or not.

The relying party is WEBAUTHN_RP_ID; the expected origins are WEB_ORIGINS. Both ceremonies
require user verification (a PIN or biometric on the authenticator): a passkey is a sign-in by
itself, not just a second step.
"""

import hashlib
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework_simplejwt.settings import api_settings
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    generate_challenge,
    options_to_json_dict,
    parse_authentication_credential_json,
    parse_client_data_json,
    parse_registration_credential_json,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from . import security_log, two_factor
from .models import AuthChallenge, Passkey, TOTPDevice, User

Purpose = AuthChallenge.Purpose
PASSKEY_PURPOSES = (Purpose.PASSKEY_REGISTRATION, Purpose.PASSKEY_AUTHENTICATION)


class PasskeyRefused(APIException):
    """400 with code `passkey_invalid`: the same answer whatever was wrong (unknown passkey,
    bad signature, used or expired challenge, another account's passkey, inactive user)."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self):
        super().__init__({"detail": "That passkey could not be used.", "code": "passkey_invalid"})


class _Refusal(Exception):
    """Why a passkey was refused: for the log only (the client gets PasskeyRefused)."""


@contextmanager
def _refusals_logged(request, ceremony: str, user: User | None = None):
    try:
        yield
    except _Refusal as refusal:
        security_log.warning(
            "passkey_refused",
            request,
            ceremony=ceremony,
            reason=str(refusal),
            # Not `user=`: that would put it in the user's own security log.
            account=user.pk if user is not None else None,
        )
        raise PasskeyRefused() from None


# --- Options ------------------------------------------------------------------------------------


def registration_options(user: User) -> dict:
    """PublicKeyCredentialCreationOptionsJSON for a new passkey of `user`: a discoverable
    credential (no email typed at sign-in), none of the authenticators they already use."""
    challenge = _issue_challenge(Purpose.PASSKEY_REGISTRATION, user)
    options = generate_registration_options(
        rp_id=settings.WEBAUTHN_RP_ID,
        rp_name=settings.PROJECT_NAME,
        user_id=user_handle(user),
        user_name=user.email,
        user_display_name=user.name or user.email,
        challenge=challenge,
        timeout=_timeout_ms(),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        exclude_credentials=_descriptors(user),
    )
    return options_to_json_dict(options)


def authentication_options(user: User | None = None) -> dict:
    """PublicKeyCredentialRequestOptionsJSON: for anyone, no allowCredentials (the
    authenticator offers its passkeys for this site); for a signed-in user (confirming it's
    them), their passkeys, and the challenge is theirs only."""
    challenge = _issue_challenge(Purpose.PASSKEY_AUTHENTICATION, user)
    options = generate_authentication_options(
        rp_id=settings.WEBAUTHN_RP_ID,
        challenge=challenge,
        timeout=_timeout_ms(),
        allow_credentials=_descriptors(user) if user is not None else [],
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    return options_to_json_dict(options)


def user_handle(user: User) -> bytes:
    """WebAuthn's user.id: stable for the account, and no personal data (the authenticator
    stores it, and hands it back at sign-in)."""
    return str(user.pk).encode()


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(
            id=base64url_to_bytes(passkey.credential_id),
            transports=_transports(passkey.transports),
        )
        for passkey in Passkey.objects.filter(user=user)
    ]


def _transports(values) -> list[AuthenticatorTransport] | None:
    known = {transport.value for transport in AuthenticatorTransport}
    listed = [AuthenticatorTransport(v) for v in values or [] if v in known]
    return listed or None


def _timeout_ms() -> int:
    return settings.SECOND_FACTOR_LIFETIME * 1000


def _issue_challenge(purpose: str, user: User | None) -> bytes:
    challenge = generate_challenge()
    now = timezone.now()
    # Options nobody came back with: forget them as new ones are asked for (an indexed delete),
    # so the table stays as small as the throttled rate of asking allows.
    AuthChallenge.objects.filter(purpose__in=PASSKEY_PURPOSES, expires_at__lte=now).delete()
    AuthChallenge.objects.create(
        purpose=purpose,
        digest=_digest(challenge),
        user=user,
        expires_at=now + timedelta(seconds=settings.SECOND_FACTOR_LIFETIME),
    )
    return challenge


def _digest(challenge: bytes) -> str:
    return hashlib.sha256(challenge).hexdigest()


def _use_challenge(challenge: bytes, purpose: str) -> AuthChallenge:
    """The stored challenge, deleted now whatever follows: of concurrent requests with it, only
    one gets it. A refusal if there is none, or it is for the other ceremony, or expired."""
    row = AuthChallenge.objects.filter(
        digest=_digest(challenge), purpose__in=PASSKEY_PURPOSES
    ).first()
    if row is None or AuthChallenge.objects.filter(pk=row.pk).delete()[0] != 1:
        raise _Refusal("unknown or used challenge")
    if row.purpose != purpose:
        raise _Refusal(f"challenge of {row.purpose}")
    if row.expires_at <= timezone.now():
        raise _Refusal("expired challenge")
    return row


def _client_challenge(client_data_json: bytes) -> bytes:
    try:
        return parse_client_data_json(client_data_json).challenge
    except Exception as exc:  # the library's own errors, or binascii's for bad base64
        raise _Refusal("malformed clientDataJSON") from exc


# --- Registration -------------------------------------------------------------------------------

# WebAuthn's limit: a longer credential id is refused (and would not fit Passkey.credential_id).
MAX_CREDENTIAL_ID_BYTES = 1023


class LastFactorRequired(APIException):
    """400 with code `two_factor_required`: the policy wants this user to keep a second factor
    (TWO_FACTOR_REQUIRED_ROLES), and this passkey is the last one they have."""

    status_code = status.HTTP_400_BAD_REQUEST

    def __init__(self):
        super().__init__(
            {
                "detail": "Your account must keep a second factor: add another passkey or an "
                "authenticator app before removing this one.",
                "code": "two_factor_required",
            }
        )


def register(request, user: User, name: str, credential) -> Passkey:
    """Verify a RegistrationResponseJSON against a registration challenge of `user` and store
    the new passkey (two-factor is on from now); PasskeyRefused if anything is wrong."""
    with _refusals_logged(request, "registration", user):
        return _register(user, name, credential)


def _register(user: User, name: str, credential) -> Passkey:
    try:
        parsed = parse_registration_credential_json(credential)
    except Exception as exc:
        raise _Refusal("malformed registration") from exc
    challenge = _client_challenge(parsed.response.client_data_json)
    row = _use_challenge(challenge, Purpose.PASSKEY_REGISTRATION)
    if row.user_id != user.pk:
        raise _Refusal("registration challenge of another user")
    try:
        verified = verify_registration_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=settings.WEBAUTHN_RP_ID,
            expected_origin=list(settings.WEB_ORIGINS),
            require_user_verification=True,
        )
    except Exception as exc:
        raise _Refusal(_why(exc)) from exc
    if len(verified.credential_id) > MAX_CREDENTIAL_ID_BYTES:
        raise _Refusal("credential id too long")

    try:
        with transaction.atomic():
            passkey = Passkey.objects.create(
                user=user,
                name=name,
                credential_id=bytes_to_base64url(verified.credential_id),
                public_key=verified.credential_public_key,
                sign_count=verified.sign_count,
                transports=[t.value for t in parsed.response.transports or []],
            )
            two_factor.sync_two_factor(user)
    except IntegrityError as exc:  # this authenticator's credential is registered already
        raise _Refusal("credential already registered") from exc
    return passkey


def remove(passkey: Passkey) -> None:
    """Delete a passkey; LastFactorRequired if the policy wants the user to keep a second factor
    and this is their last one. Two-factor goes off with the last one."""
    with transaction.atomic():
        # Removals of one user's factors take turns: two at once cannot each leave the other.
        user = User.objects.select_for_update().get(pk=passkey.user_id)
        others = Passkey.objects.filter(user=user).exclude(pk=passkey.pk).exists()
        if two_factor.two_factor_required(user) and not others:
            has_totp = TOTPDevice.objects.filter(user=user, confirmed_at__isnull=False).exists()
            if not has_totp:
                raise LastFactorRequired()
        passkey.delete()
        two_factor.sync_two_factor(user)


# --- Authentication -----------------------------------------------------------------------------


def verify_authentication(request, credential, user: User | None = None) -> Passkey:
    """The passkey that signed an AuthenticationResponseJSON over an authentication challenge
    we issued; its sign count and last use are updated. Given `user` (confirming it's them),
    the passkey must be theirs. PasskeyRefused otherwise, also for an inactive user."""
    with _refusals_logged(request, "authentication", user):
        return _verify_authentication(credential, user)


def _verify_authentication(credential, user: User | None) -> Passkey:
    try:
        parsed = parse_authentication_credential_json(credential)
    except Exception as exc:
        raise _Refusal("malformed assertion") from exc
    challenge = _client_challenge(parsed.response.client_data_json)
    row = _use_challenge(challenge, Purpose.PASSKEY_AUTHENTICATION)

    passkey = Passkey.objects.select_related("user").filter(credential_id=parsed.id).first()
    if passkey is None:
        raise _Refusal("unknown passkey")
    owner = passkey.user
    # A challenge issued to a signed-in user is for their passkeys only.
    if row.user_id not in (None, owner.pk) or (user is not None and user.pk != owner.pk):
        raise _Refusal("another user's passkey")
    if not api_settings.USER_AUTHENTICATION_RULE(owner):
        raise _Refusal("inactive user")
    handle = parsed.response.user_handle
    if handle is not None and handle != user_handle(owner):
        raise _Refusal("user handle of another account")

    try:
        verified = verify_authentication_response(
            credential=parsed,
            expected_challenge=challenge,
            expected_rp_id=settings.WEBAUTHN_RP_ID,
            expected_origin=list(settings.WEB_ORIGINS),
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except Exception as exc:  # also a sign count that did not go up: a cloned authenticator?
        raise _Refusal(_why(exc)) from exc

    _record_use(passkey, verified.new_sign_count)
    return passkey


def _record_use(passkey: Passkey, new_count: int) -> None:
    """Store the new sign count, unless a concurrent sign-in stored one as high already (this
    one's count then no longer goes up: refused). Authenticators that keep no count send 0."""
    now = timezone.now()
    used = Passkey.objects.filter(pk=passkey.pk)
    if new_count > 0:
        used = used.filter(sign_count__lt=new_count)
    if not used.update(sign_count=new_count, last_used_at=now):
        raise _Refusal("sign count overtaken")
    passkey.sign_count, passkey.last_used_at = new_count, now


def _why(exc: Exception) -> str:
    # The library says what did not match (origin, RP ID, signature, sign count...): for
    # operators, in the log. Quoted there, as it holds what the client sent.
    return f"{type(exc).__name__}: {exc}"[:300]
