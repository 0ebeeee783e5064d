"""Throttling of the account endpoints.

Login: the API's two login endpoints and the admin's login page share it.

1. Attempts per client IP, whatever the account (`LoginIPThrottle`, LOGIN_THROTTLE_RATE): one
   address cannot try many accounts quickly.
2. Failed attempts per account (`LoginAttempt`), forgotten when a sign-in succeeds:
   - from one client IP: LOGIN_FAILURES_PER_CLIENT, then a backoff;
   - from all addresses together: LOGIN_FAILURES_PER_ACCOUNT, then a backoff for every address
     except those the account has signed in from before.
   The backoff lets one attempt through per period, doubling from 1 s up to 15 minutes. An
   attacker elsewhere can hold back only their own address and strangers, never the owner at
   an address the owner has used (which a lockout keyed on the email alone would).

Each attempt is counted before the password is checked (atomically, so concurrent guesses are
counted one by one) and the count is cleared on success, so in effect only failures count.
Counters live in Django's cache (REDIS_URL shares them between processes) and are forgotten an
hour after the last failure. The client IP is DRF's, honouring NUM_PROXIES.

The other account endpoints that anyone may call (password reset, sign-up, confirmation links):
`AccountIPThrottle` per client IP (ACCOUNT_IP_RATE) and `AccountAddressThrottle` per target
address (ACCOUNT_EMAIL_RATE), both counted per endpoint (the view's `throttle_scope`). The
address is keyed by a digest of the normalized email, never the address itself; requests about
one address (a victim's, say) use up that address's budget only.
"""

import contextlib
import hashlib
import math
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.exceptions import Throttled
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from .device_sessions import client_ip
from .models import DeviceSession, normalize_email

BACKOFF_MAX_SECONDS = 15 * 60
FAILURE_MEMORY_SECONDS = 60 * 60
KNOWN_ADDRESS_SECONDS = 90 * 86400


class LoginIPThrottle(SimpleRateThrottle):
    scope = "login-ip"

    def get_rate(self) -> str:
        return settings.LOGIN_THROTTLE_RATE

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginAttempt:
    """One sign-in attempt for `email` from the request's client: begin() before checking the
    password (it raises Throttled while a backoff holds), succeeded() after a success."""

    # What is being guessed: "login" (passwords) or "code" (the second step's codes, counted on
    # their own: giving the password again must not buy more guesses at the code).
    kind = "login"

    def __init__(self, request, email: str):
        self.email = normalize_email(email)
        self.ip = client_ip(request)
        ident = BaseThrottle().get_ident(request)
        # Digests: neither the cache nor the security log holds addresses people typed.
        self.account_digest = hashlib.sha256(self.email.encode()).hexdigest()
        client = hashlib.sha256(f"{self.email}|{ident}".encode()).hexdigest()
        self.counters = [
            (f"{self.kind}-fail:client:{client}", settings.LOGIN_FAILURES_PER_CLIENT),
            (
                f"{self.kind}-fail:account:{self.account_digest}",
                settings.LOGIN_FAILURES_PER_ACCOUNT,
            ),
        ]
        self._known_address = None
        self._known_key = f"login-known:{self.account_digest}:{self.ip}"

    def begin(self) -> None:
        client, account = self.counters
        _count(*client, exempt=lambda: False)
        _count(*account, exempt=lambda: self.known_address)

    def succeeded(self) -> None:
        ended = [(name, _block(name), name + ":series") for name, _ in self.counters]
        cache.delete_many([key for keys in ended for key in keys])
        if self.ip is not None:
            cache.set(self._known_key, True, KNOWN_ADDRESS_SECONDS)

    @property
    def known_address(self) -> bool:
        """Has the account signed in from this address before (a device session from it, or
        any successful sign-in, the admin's included)? Asked only when a limit is reached."""
        if self._known_address is None:
            self._known_address = self.ip is not None and (
                cache.get(self._known_key) is not None
                or DeviceSession.objects.filter(user__email=self.email, ip_address=self.ip).exists()
            )
        return self._known_address


class CodeAttempt(LoginAttempt):
    """One try at a second-step code (authenticator app or recovery code) for the account at
    `email`: the same limits and backoff as passwords, on counters of their own."""

    kind = "code"


def _count(key: str, allowed: int, *, exempt) -> None:
    """Count an attempt on counter `key`; Throttled while its backoff holds, unless exempt().
    The backoff's end is a value compared with the clock, not a cache expiry (cache entries
    expire only to clean up)."""
    now = time.time()
    until = cache.get(_block(key))
    if until is not None and until > now and not exempt():
        raise _throttled(until - now)
    cache.add(key, 0, FAILURE_MEMORY_SECONDS)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, FAILURE_MEMORY_SECONDS)
        failures = 1
    cache.touch(key, FAILURE_MEMORY_SECONDS)
    if failures < allowed or exempt():
        return
    # Of concurrent attempts that found the same backoff ended (or none yet), one gets the
    # period's attempt: add() is atomic, and they compete for one key named after what they
    # found (and the series of failures, which a success ends).
    series = cache.get_or_set(key + ":series", secrets.token_hex(8), FAILURE_MEMORY_SECONDS)
    if not cache.add(f"{key}:slot:{series}:{until or 0}", True, FAILURE_MEMORY_SECONDS):
        with contextlib.suppress(ValueError):
            cache.decr(key)  # refused, not tried
        raise _throttled((cache.get(_block(key)) or now + 1) - now)
    # The allowed-th failure starts the backoff: the next attempt waits 1 s, then 2 s, 4 s...
    wait = min(2 ** min(failures - allowed, 20), BACKOFF_MAX_SECONDS)
    cache.set(_block(key), now + wait, FAILURE_MEMORY_SECONDS)


def _block(key: str) -> str:
    return key + ":blocked-until"


def _throttled(wait: float) -> Throttled:
    return Throttled(
        wait=max(1, math.ceil(wait)), detail="Too many failed sign-ins; wait before trying again."
    )


# --- Anonymous account endpoints: per client IP and per target address -------------------------


class AccountIPThrottle(SimpleRateThrottle):
    """Requests to one endpoint (the view's `throttle_scope`) per client IP: ACCOUNT_IP_RATE."""

    scope = "account-ip"

    def get_rate(self) -> str:
        return settings.ACCOUNT_IP_RATE

    def get_cache_key(self, request, view) -> str:
        return f"throttle:{self.scope}:{_scope_of(view)}:{self.get_ident(request)}"


class AccountAddressThrottle(SimpleRateThrottle):
    """Requests to one endpoint about one email address, from anywhere: ACCOUNT_EMAIL_RATE.

    The address is the view's `throttle_target(request)` if it has one, else the body's `email`;
    no address (missing, not a string): not counted here, the view's validation answers."""

    scope = "account-email"

    def get_rate(self) -> str:
        return settings.ACCOUNT_EMAIL_RATE

    def get_cache_key(self, request, view) -> str | None:
        if hasattr(view, "throttle_target"):
            target = view.throttle_target(request)
        else:
            target = request.data.get("email") if isinstance(request.data, dict) else None
        if not isinstance(target, str) or not normalize_email(target):
            return None
        return f"throttle:{self.scope}:{_scope_of(view)}:{email_digest(target)}"


def email_digest(email: str) -> str:
    """What the cache and the security log keep of an address someone typed."""
    return hashlib.sha256(normalize_email(email).encode()).hexdigest()


def _scope_of(view) -> str:
    return getattr(view, "throttle_scope", None) or type(view).__name__
