"""Invitations: how staff give someone an account (the views are in invitation_views.py).

invite() mails a link with a random token; only its SHA-256 digest is stored, so the database
alone cannot accept an invitation. The link works once (accept), until INVITATION_LIFETIME
seconds have passed, and not after resend() (a new token) or withdraw(), nor once whoever
invited may no longer grant the role (deactivated, demoted). Accepting creates the
user with the invited address and role, verified (they read the mail), and signs them in.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import mail
from .exceptions import LinkRefused
from .models import Invitation, User, normalize_email
from .passwords import validated_password
from .roles import may_grant_role


class InvitationRefused(LinkRefused):
    """An invitation link that does not work: 404 unknown, 410 used, withdrawn or expired."""

    def __init__(self, detail: str, code: str, status_code: int = 410):
        super().__init__(detail, code)
        self.status_code = status_code


REFUSALS = {
    Invitation.Status.ACCEPTED: (
        "This invitation has already been accepted. Sign in instead.",
        "invitation_used",
    ),
    Invitation.Status.WITHDRAWN: (
        "This invitation has been withdrawn. Ask whoever invited you for a new one.",
        "invitation_withdrawn",
    ),
    Invitation.Status.EXPIRED: (
        "This invitation has expired. Ask whoever invited you to send it again.",
        "invitation_expired",
    ),
}


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invite(email: str, role: str, invited_by: User, name: str = "") -> Invitation:
    """A new invitation for `email`, mailed. Any invitation still pending for the address is
    withdrawn: the newest link is the one that works."""
    email = normalize_email(email)
    with transaction.atomic():
        Invitation.objects.pending().filter(email=email).update(withdrawn_at=timezone.now())
        invitation = Invitation(email=email, role=role, name=name, invited_by=invited_by)
        _mail_new_link(invitation)
    return invitation


def resend(invitation: Invitation) -> Invitation:
    """Mail `invitation` again with a new token and a new expiry: the old link stops working.
    Also revives an expired invitation; not one accepted or withdrawn (ValueError)."""
    if invitation.accepted_at is not None or invitation.withdrawn_at is not None:
        raise ValueError("Only a pending or expired invitation can be sent again.")
    with transaction.atomic():
        _mail_new_link(invitation)
    return invitation


def withdraw(invitation: Invitation) -> None:
    """The invitation's link stops working. Withdrawing twice is not an error; an accepted
    invitation cannot be withdrawn (ValueError)."""
    if invitation.accepted_at is not None:
        raise ValueError("This invitation has been accepted: deactivate the user instead.")
    if invitation.withdrawn_at is None:
        invitation.withdrawn_at = timezone.now()
        invitation.save(update_fields=["withdrawn_at"])


def pending_invitation(token: str, *, for_update: bool = False) -> Invitation:
    """The pending invitation that `token` opens; InvitationRefused (404 unknown, 410 used,
    withdrawn or expired) otherwise."""
    invitations = Invitation.objects.select_for_update() if for_update else Invitation.objects
    invitation = invitations.filter(token_digest=digest(token)).first()
    if invitation is None:
        raise InvitationRefused(
            "This invitation link is not valid. Check that you copied all of it.",
            "invitation_invalid",
            status_code=404,
        )
    if (refusal := REFUSALS.get(invitation.status)) is not None:
        raise InvitationRefused(*refusal)
    if not may_grant_role(invitation.invited_by, invitation.role):
        # Whoever invited has been deactivated or demoted since: what they granted goes too.
        raise InvitationRefused(*REFUSALS[Invitation.Status.WITHDRAWN])
    return invitation


def accept(token: str, name: str, password: str) -> User:
    """The user that accepting the invitation creates (active, with its address verified).
    InvitationRefused if the link does not work (one of two concurrent accepts fails: the row is
    locked); a 400 on `password` if Django's validators refuse it; a 400 if the address has got
    an account meanwhile."""
    with transaction.atomic():
        invitation = pending_invitation(token, for_update=True)
        if User.objects.filter(email=invitation.email).exists():
            raise InvitationRefused(
                "An account already uses this address. Sign in, or reset its password.",
                "invitation_account_exists",
                status_code=400,
            )
        now = timezone.now()
        user = User(
            email=invitation.email,
            name=name or invitation.name,
            role=invitation.role,
            email_verified_at=now,
        )
        user.set_password(validated_password(password, user, field="password"))
        user.save()
        invitation.accepted_at = now
        invitation.user = user
        invitation.save(update_fields=["accepted_at", "user"])
    return user


def _mail_new_link(invitation: Invitation) -> None:
    token = secrets.token_urlsafe(32)
    invitation.token_digest = digest(token)
    invitation.expires_at = timezone.now() + timedelta(seconds=settings.INVITATION_LIFETIME)
    invitation.save()
    mail.send(
        "invitation",
        invitation.email,
        {
            "invitation": invitation,
            "invited_by": invitation.invited_by,
            "role": invitation.get_role_display(),
            "link": mail.web_link(f"/invite/{token}"),
            "lifetime": mail.duration_text(settings.INVITATION_LIFETIME),
        },
    )
