"""Login throttling, per client IP and per email (429 with Retry-After).

Counters live in Django's cache: with REDIS_URL set they are shared by every server process.
"""

import hashlib

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .models import normalize_email


class _LoginThrottle(SimpleRateThrottle):
    def get_rate(self) -> str:
        return settings.LOGIN_THROTTLE_RATE


class LoginIPThrottle(_LoginThrottle):
    scope = "login-ip"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginEmailThrottle(_LoginThrottle):
    """Slows down guessing one account's password from many addresses."""

    scope = "login-email"

    def get_cache_key(self, request, view) -> str | None:
        data = request.data
        email = data.get("email") if isinstance(data, dict) else None
        if not isinstance(email, str) or not email.strip():
            return None
        digest = hashlib.sha256(normalize_email(email).encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}
