"""A few seconds' memory, per process, of the access tokens authentication has accepted.

Authentication runs on every request. Checking the token's signature (PyJWT) and loading the
user joined with their unrevoked device session (one query) is most of what an authenticated
request costs beyond the view. A token accepted once is remembered, with its user, for
AUTH_CACHE_SECONDS (5 by default; 0 turns this off) and never past its expiry, so a busy client
pays for both once every few seconds instead of on every request. Only accepted tokens are
remembered, by their exact text: a token that fails is checked again every time.

When a revocation takes effect: the process that revokes a session, or saves or deletes a user,
forgets everything at once (and again when its transaction commits); every other worker process
forgets within AUTH_CACHE_SECONDS. A change made with a bulk `update()`, which bypasses
`DeviceSession.objects.revoke()` and the model signals, also takes that long. (Plain simplejwt
honours no revocation of an access token at all until it expires.)

Process memory, not Django's cache: a Redis round trip costs more than the work it would save.
"""

import copy
import time

from django.conf import settings
from django.db import transaction
from rest_framework_simplejwt.utils import aware_utcnow

MAX_ENTRIES = 4096

_clock = time.time
# raw token -> (remembered until, its validated token, its user)
_entries: dict[bytes, tuple[float, object, object]] = {}
# Bumped by every forget_all(): a check that raced with a revocation is not remembered.
_generation = 0


def authenticated(raw_token: bytes, check):
    """`check(raw_token)`'s (validated token, user), remembered a while; it raises if refused."""
    seconds = settings.AUTH_CACHE_SECONDS
    if seconds <= 0:
        return check(raw_token)
    now = _clock()
    entry = _entries.get(raw_token)
    if entry is not None and now < entry[0]:
        return _own_copy(entry[1], entry[2])
    generation = _generation
    token, user = check(raw_token)
    if generation == _generation:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[raw_token] = (min(now + seconds, token["exp"]), token, user)
    return _own_copy(token, user)


def _own_copy(token, user):
    """Each request gets copies it may change without touching what is remembered."""
    token = copy.copy(token)
    token.payload = dict(token.payload)
    token.current_time = aware_utcnow()
    return token, copy.copy(user)


def forget_after_user_change(update_fields=None, **_signal_arguments) -> None:
    """post_save / post_delete of the user model; a sign-in stamping last_login changes nothing."""
    if update_fields is None or set(update_fields) - {"last_login"}:
        forget_all()


def forget_all() -> None:
    """Forget every remembered token: call it once sessions or users have changed."""
    _forget()
    if transaction.get_connection().in_atomic_block:
        # Again once the change commits: until then, checks still see the old rows.
        transaction.on_commit(_forget)


def _forget() -> None:
    global _generation
    _generation += 1
    _entries.clear()
