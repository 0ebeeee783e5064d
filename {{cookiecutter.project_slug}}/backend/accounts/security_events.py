"""The security log as users read it: which of accounts/security_log.py's events they see, in
words (USER_EVENTS), and the lists.

- GET /api/account/security-events/: your own events.
- GET /api/users/{id}/security-events/: any user's, for staff (accounts/roles.py); 404 for an
  unknown id, as the directory's other per-user views.

Newest first, paginated as every list (config/pagination.py). security_log.py stores a
SecurityEvent row for each event listed here that names a user; the descriptions are computed
when read, so rewording one rewords the old rows too.
"""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.generics import get_object_or_404

from . import schema
from .models import SecurityEvent, User
from .roles import IsStaffMember

# Event name (the security log's, the API's `event`) -> what the user reads.
USER_EVENTS: dict[str, str] = {
    # Signed in: with the password (and a second step), a passkey, or a link that proves it.
    "login": "Signed in",
    "invitation_accepted": "Accepted the invitation and signed in",
    "signup_verified": "Confirmed the email address and signed in",
    "password_reset": "Password reset with an emailed link, and signed in",
    # Failed attempts.
    "login_failed": "Wrong password entered",
    "second_factor_failed": "Wrong authentication code entered",
    "password_check_failed": "Wrong password entered to confirm a change",
    # Signed out.
    "logout": "Signed out",
    "logout_everywhere": "Signed out of every device",
    "session_revoked": "A device was signed out",
    "sessions_revoked": "Every device was signed out",
    "reuse_detected_session_revoked": (
        "A stolen sign-in token was replayed: that session was ended"
    ),
    # The account's credentials.
    "password_changed": "Password changed",
    "email_change_requested": "Email address change requested",
    "email_changed": "Email address changed",
    "totp_enabled": "Authenticator app turned on",
    "totp_disabled": "Authenticator app turned off",
    "recovery_codes_generated": "New recovery codes generated",
    "recovery_code_used": "A recovery code was used",
    "passkey_added": "Passkey added",
    "passkey_removed": "Passkey removed",
    "two_factor_reset": "Two-factor authentication reset by an administrator",
}

# The events that also mail the user at once: what they must act on if it was not them.
# (A changed password mails its own notice: account_views.py.)
ALERTS = frozenset(
    {"reuse_detected_session_revoked", "passkey_added", "totp_disabled", "two_factor_reset"}
)

# Failed attempts: stored once the answer has gone (security_log.py), so that the request's
# transaction rolling back does not take them along, and the time of a failed sign-in does not
# tell whether the address is an account's.
FAILURES = frozenset({"login_failed", "second_factor_failed", "password_check_failed"})

LOGIN_METHODS = {
    "password": "Signed in with the password",
    "totp": "Signed in with the password and an authenticator app code",
    "recovery_code": "Signed in with the password and a recovery code",
    "passkey": "Signed in with a passkey",
}
SESSIONS_REVOKED_REASONS = {
    "password_changed": "Every device was signed out: the password changed",
    "deactivated": "Every device was signed out: the account was deactivated",
}


def describe(event: str, detail: dict | None = None) -> str:
    """What the user reads for `event` with these details."""
    detail = detail or {}
    if event == "login" and detail.get("via") == "admin":
        return "Signed in to the admin site"
    if event == "login" and detail.get("method") in LOGIN_METHODS:
        return LOGIN_METHODS[detail["method"]]
    if event == "sessions_revoked" and detail.get("reason") in SESSIONS_REVOKED_REASONS:
        return SESSIONS_REVOKED_REASONS[detail["reason"]]
    return USER_EVENTS.get(event, event.replace("_", " ").capitalize())


# Browsers and systems by what their user agent says, first match wins (Edge and Opera also say
# Chrome, Chrome also says Safari, Android also says Linux): as web/src/lib/device.ts labels the
# devices on the web client's pages, so that a mail and the page name a device alike.
BROWSERS = (
    (("Edg/",), "Edge"),
    (("OPR/", "Opera"), "Opera"),
    (("Firefox/",), "Firefox"),
    (("Chrome/", "Chromium/", "CriOS/"), "Chrome"),
    (("Safari/",), "Safari"),
    (("curl/",), "curl"),
)
SYSTEMS = (
    (("iPhone", "iPad"), "iOS"),
    (("Android",), "Android"),
    (("Mac OS X", "Macintosh"), "macOS"),
    (("Windows",), "Windows"),
    (("CrOS",), "ChromeOS"),
    (("Linux",), "Linux"),
)


def device_summary(user_agent: str) -> str:
    """A device as people recognise it ("Firefox on Windows", "Safari on iOS"); "" for no user
    agent at all."""
    if not user_agent:
        return ""
    browser = _first(BROWSERS, user_agent) or "Unknown browser"
    system = _first(SYSTEMS, user_agent)
    return f"{browser} on {system}" if system else browser


def _first(names, user_agent: str) -> str | None:
    return next((name for tokens, name in names if any(t in user_agent for t in tokens)), None)


class SecurityEventSerializer(serializers.ModelSerializer):
    description = serializers.SerializerMethodField()

    class Meta:
        model = SecurityEvent
        fields = ["id", "event", "description", "created_at", "ip_address", "user_agent"]
        read_only_fields = fields

    def get_description(self, event: SecurityEvent) -> str:
        return describe(event.event, event.detail)


def events_of(user) -> QuerySet[SecurityEvent]:
    return SecurityEvent.objects.filter(user=user, event__in=USER_EVENTS).order_by(
        "-created_at", "-pk"
    )


NOT_SIGNED_IN = OpenApiResponse(schema.DetailSerializer, "Not signed in.")


@extend_schema(responses={200: SecurityEventSerializer, 401: NOT_SIGNED_IN})
class OwnSecurityEventsView(generics.ListAPIView):
    """Your security log, newest first: sign-ins (with the device and IP address), failed
    attempts, sign-outs, and changes to your password, address, two-factor and passkeys."""

    serializer_class = SecurityEventSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular: the model only
            return SecurityEvent.objects.none()
        return events_of(self.request.user)


@extend_schema(
    parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The user's id.")],
    responses={
        200: SecurityEventSerializer,
        401: NOT_SIGNED_IN,
        403: OpenApiResponse(schema.DetailSerializer, "Not staff."),
        404: OpenApiResponse(schema.DetailSerializer, "No such user."),
    },
)
class UserSecurityEventsView(generics.ListAPIView):
    """A user's security log, newest first, for staff."""

    permission_classes = [IsStaffMember]
    serializer_class = SecurityEventSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular: the model only
            return SecurityEvent.objects.none()
        return events_of(get_object_or_404(User.objects.all(), pk=self.kwargs["pk"]))
