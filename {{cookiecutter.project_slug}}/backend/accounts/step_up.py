"""Step-up: the sensitive actions (changing the password or the email address, turning
two-factor off, removing a passkey, new recovery codes, "log out everywhere") want the user to
have proved who they are on this device within REAUTH_WINDOW seconds: at sign-in, or again
through POST /api/auth/reauth/ (password, code or passkey). The time is the device session's
`authenticated_at`, so a stolen access token alone is not enough for them once it is older.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.permissions import BasePermission

from .models import DeviceSession


class ReauthRequired(APIException):
    """403 with code `reauth_required`: the web client asks for a password, code or passkey,
    then sends the request again."""

    status_code = status.HTTP_403_FORBIDDEN

    def __init__(self):
        super().__init__({"detail": "Confirm it's you to continue.", "code": "reauth_required"})


def session_id_of(request) -> str | None:
    return request.auth.get("sid") if request.auth is not None else None


def require_recent_auth(request) -> None:
    """ReauthRequired unless this device session proved who the user is recently."""
    since = timezone.now() - timedelta(seconds=settings.REAUTH_WINDOW)
    recent = DeviceSession.objects.filter(
        pk=session_id_of(request), user=request.user, authenticated_at__gt=since
    ).exists()
    if not recent:
        raise ReauthRequired()


def mark_authenticated(request) -> timezone.datetime:
    """The user has just proved who they are on this device: the window starts again. Answers
    when it ends."""
    now = timezone.now()
    DeviceSession.objects.filter(pk=session_id_of(request), user=request.user).update(
        authenticated_at=now
    )
    return now + timedelta(seconds=settings.REAUTH_WINDOW)


class RecentAuthentication(BasePermission):
    """For a view whose every method is sensitive: permission_classes = (IsAuthenticated,
    RecentAuthentication)."""

    def has_permission(self, request, view) -> bool:
        if request.user and request.user.is_authenticated:
            require_recent_auth(request)
        return True
