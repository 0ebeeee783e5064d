"""Starting and ending device sessions (one per sign-in)."""

import ipaddress
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework.throttling import BaseThrottle

from .models import DeviceSession


def start_session(user, request) -> DeviceSession:
    now = timezone.now()
    return DeviceSession.objects.create(
        user=user,
        created_at=now,
        last_used_at=now,
        expires_at=now + timedelta(seconds=settings.SESSION_MAX_LIFETIME),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:512],
        ip_address=client_ip(request),
    )


def client_ip(request) -> str | None:
    # DRF's notion of the client address, honouring NUM_PROXIES like the throttles do; a
    # forwarded value that is not an IP address is dropped rather than stored.
    ident = BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(ident))
    except ValueError:
        return None


def revoke_session(session_id) -> None:
    if session_id:
        DeviceSession.objects.filter(pk=session_id).revoke()


def revoke_all_sessions(user) -> int:
    return DeviceSession.objects.filter(user=user).revoke()
