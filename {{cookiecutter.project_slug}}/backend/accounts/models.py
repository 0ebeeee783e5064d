"""Who the user is (User), where they are signed in (DeviceSession), the invitations that bring
users in, their second factors (TOTPDevice, RecoveryCode, Passkey), the challenges of a sign-in
in progress (AuthChallenge) and what they can read of their account's history (SecurityEvent)."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models, transaction
from django.utils import timezone

from . import auth_cache, metrics


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        # Emails are stored lower-cased (User.save), so sign-in is case-insensitive.
        return self.get(email=normalize_email(username))

    def create_user(self, email, password=None, **extra_fields):
        if not email:
            raise ValueError("Users must have an email address")
        user = self.model(email=email, **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", User.Role.ADMIN)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff=True and is_superuser=True")
        # The most powerful account gets no weak password, however it is created (createsuperuser
        # checks only when asked interactively, and offers a bypass): ValidationError otherwise.
        if password is not None:  # None: no usable password, nobody can sign in with it
            candidate = self.model(email=normalize_email(email), **extra_fields)
            password_validation.validate_password(password, candidate)
        return self.create_user(email, password, **extra_fields)


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


class User(AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        CLIENT = "client", "Client"
        STAFF = "staff", "Staff"
        ADMIN = "admin", "Admin"

    email = models.EmailField("email address", unique=True)
    name = models.CharField("full name", max_length=150, blank=True)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CLIENT)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField("staff status", default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # When the user proved they read mail at `email` (an invitation accepted, an address
    # verified or changed through a link); null if never.
    email_verified_at = models.DateTimeField("email verified at", null=True, blank=True)
    # An open sign-up (signup=open) waiting for its address to be confirmed: only such an account
    # can be activated by the link mailed to it, never one staff deactivated.
    verification_pending = models.BooleanField(default=False)
    # Whether signing in with the password takes a second step: a confirmed authenticator app or
    # a passkey. Kept by accounts/two_factor.py (sync_two_factor) so that authentication, which
    # loads the user anyway, can apply the policy (TWO_FACTOR_REQUIRED_ROLES) without a query.
    two_factor_enabled = models.BooleanField(default=False, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]  # createsuperuser asks for it (or DJANGO_SUPERUSER_NAME)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def save(self, *args, **kwargs):
        self.email = normalize_email(self.email)
        with transaction.atomic():
            reason = self._reason_to_end_sessions(kwargs.get("update_fields"))
            super().save(*args, **kwargs)
            if reason:
                # Every device signs in again: a new password locks out whoever knew the old
                # one, and a deactivated account must not come back to its old sessions.
                count = DeviceSession.objects.filter(user=self).revoke()
                from . import security_log  # here: it imports this module

                security_log.info("sessions_revoked", user=self.pk, reason=reason, sessions=count)

    def _reason_to_end_sessions(self, update_fields) -> str | None:
        """Why this save ends the user's sessions: it changes the password hash, or deactivates
        the user, whatever the code path (set_password, the admin, the shell); except a hash
        upgraded at sign-in (the same password, hashed anew: check_password). None if not."""
        if self._state.adding or (
            update_fields is not None and not {"password", "is_active"} & set(update_fields)
        ):
            return None
        stored = type(self).objects.filter(pk=self.pk).values("password", "is_active").first()
        if stored is None:
            return None
        if stored["password"] != self.password and not self._upgrading_hash:
            return "password_changed"
        if stored["is_active"] and not self.is_active:
            return "deactivated"
        return None

    _upgrading_hash = False

    def check_password(self, raw_password) -> bool:
        # Django saves a rehashed password from here when the hasher is outdated: not a change.
        self._upgrading_hash = True
        try:
            return super().check_password(raw_password)
        finally:
            self._upgrading_hash = False

    async def acheck_password(self, raw_password) -> bool:
        self._upgrading_hash = True
        try:
            return await super().acheck_password(raw_password)
        finally:
            self._upgrading_hash = False

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


# The user's fields that the access token carries as claims and /api/auth/me/ returns (after
# the id): tokens.with_access and serializers.UserSerializer both read them from here, so a new
# field of the user reaches both by being added to this list.
USER_CLAIMS = ("email", "name", "role")


class DeviceSessionQuerySet(models.QuerySet):
    def active(self):
        """Sessions that can still refresh: not revoked, within the absolute cap and the
        idle timeout (the refresh lifetime since their last rotation)."""
        now = timezone.now()
        idle_since = now - timedelta(seconds=settings.JWT_REFRESH_TOKEN_LIFETIME)
        return self.filter(revoked_at__isnull=True, expires_at__gt=now, last_used_at__gt=idle_since)

    def revoke(self) -> int:
        """End these sessions: their refresh tokens at once, their access tokens in every API
        process at once too (auth_cache.py)."""
        ending = dict(self.filter(revoked_at__isnull=True).values_list("pk", "user_id"))
        revoked = DeviceSession.objects.filter(pk__in=ending, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        auth_cache.forget_users(set(ending.values()))
        metrics.REVOCATIONS.inc(revoked)
        return revoked


class DeviceSession(models.Model):
    """One sign-in on one device. Every refresh token of it carries its id (the `sid` claim),
    so revoking the row signs that device out, whichever of its tokens it holds."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="device_sessions"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(default=timezone.now)
    # Absolute cap: no refresh after this, however active the session (SESSION_MAX_LIFETIME).
    expires_at = models.DateTimeField()
    user_agent = models.CharField(max_length=512, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # When the user last proved who they are on this device (password, code or passkey): the
    # sensitive actions want it within REAUTH_WINDOW (accounts/step_up.py).
    authenticated_at = models.DateTimeField(default=timezone.now)

    objects = DeviceSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-last_used_at"]
        indexes = [models.Index(fields=["user", "revoked_at"]), models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.user} on {self.user_agent[:40] or 'unknown device'}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=timezone.now()
        )

    def with_status(self, status: str):
        """Those in `status` (Invitation.Status)."""
        now = timezone.now()
        if status == Invitation.Status.PENDING:
            return self.pending()
        if status == Invitation.Status.ACCEPTED:
            return self.filter(accepted_at__isnull=False)
        if status == Invitation.Status.WITHDRAWN:
            return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=False)
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True, expires_at__lte=now)


class Invitation(models.Model):
    """An email address invited to become a user with a role (accounts/invitations.py). The
    link's token is only in the mail: the row keeps its SHA-256 digest."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        WITHDRAWN = "withdrawn", "Withdrawn"
        EXPIRED = "expired", "Expired"

    email = models.EmailField("email address")
    role = models.CharField(max_length=20, choices=User.Role.choices, default=User.Role.CLIENT)
    name = models.CharField("full name", max_length=150, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitations",
        help_text="Who accepted it.",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"

    def save(self, *args, **kwargs):
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)

    @property
    def status(self) -> str:
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.withdrawn_at is not None:
            return self.Status.WITHDRAWN
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING


class TOTPDevice(models.Model):
    """The user's authenticator app (RFC 6238, 30-second steps, 6 digits): accounts/totp.py.
    Unconfirmed while enrolling; only a confirmed one is asked for at sign-in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp"
    )
    secret = models.CharField(max_length=64)  # base32
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The time step of the last code accepted: no code of that step or before works again.
    last_used_step = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Authenticator app of {self.user}"


class RecoveryCode(models.Model):
    """A single-use code that stands in for the second factor; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "digest"])]

    def __str__(self) -> str:
        return f"Recovery code of {self.user}"


class Passkey(models.Model):
    """A WebAuthn credential (accounts/passkeys.py): signs in by itself, or is the second step
    after a password."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passkeys"
    )
    name = models.CharField(max_length=100)
    credential_id = models.CharField(
        max_length=1400, unique=True
    )  # base64url, as WebAuthn sends it
    public_key = models.BinaryField()
    sign_count = models.PositiveBigIntegerField(default=0)
    transports = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"


class AuthChallenge(models.Model):
    """Something a client must hand back once, soon, to finish a step: the second step of a
    sign-in (its token is in a short-lived httpOnly cookie, or the token flow's body), or a
    WebAuthn challenge. Only the SHA-256 of the value is stored; it is deleted when used."""

    class Purpose(models.TextChoices):
        SECOND_FACTOR = "second_factor", "Second step of a sign-in"
        PASSKEY_REGISTRATION = "passkey_registration", "Passkey registration"
        PASSKEY_AUTHENTICATION = "passkey_authentication", "Passkey authentication"

    purpose = models.CharField(max_length=32, choices=Purpose.choices)
    digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    failures = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["expires_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} for {self.user or 'anyone'}"


class SecurityEvent(models.Model):
    """One entry of a user's security log, as they (and staff) read it: accounts/security_log.py
    writes the events its USER_EVENTS lists."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security_events"
    )
    event = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=512, blank=True)
    session_id = models.UUIDField(null=True, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.event} ({self.user})"
