"""Each process's memory of the access tokens authentication has accepted.

Authentication runs on every request. Checking the token's signature (PyJWT) and loading the
user joined with their unrevoked device session (one query) is most of what an authenticated
request costs beyond the view. A token accepted once is remembered, with its user, for
AUTH_CACHE_SECONDS and never past its expiry, so a busy client pays for both once a minute
instead of on every request. Only accepted tokens are remembered, by their exact text: a token
that fails is checked again every time.

Revocations end remembered tokens at once in every process: `DeviceSession.objects.revoke()`
and any save or deletion of a user (the model signals) make this process forget that user's
tokens now, and again when the change commits, when revocations.py also tells every other
process through Redis. A process that cannot hear those messages (Redis down) remembers
nothing. Only a change behind the models' back (a bulk `update()` of sessions or users, SQL by
hand) waits for AUTH_CACHE_SECONDS. (Plain simplejwt honours no revocation of an access token
at all until it expires.)
"""

import threading
import time

from django.conf import settings
from django.db import transaction
from django.db.models.base import ModelState
from rest_framework_simplejwt.utils import aware_utcnow

from . import revocations

MAX_ENTRIES = 4096

_clock = time.time
# raw token -> (remembered until, its validated token, its user)
_entries: dict[bytes, tuple[float, object, object]] = {}
# Bumped by every forgetting: a check that raced with a revocation is not remembered.
_generation = 0
_lock = threading.Lock()  # the listening thread forgets while requests remember


def authenticated(raw_token: bytes, check):
    """`check(raw_token)`'s (validated token, user), remembered a while; it raises if refused."""
    seconds = settings.AUTH_CACHE_SECONDS
    if seconds <= 0 or not revocations.listening():
        return check(raw_token)
    now = _clock()
    entry = _entries.get(raw_token)
    if entry is not None and now < entry[0]:
        return _own_copy(entry[1], entry[2])
    generation = _generation
    token, user = check(raw_token)
    with _lock:
        if generation == _generation:
            if len(_entries) >= MAX_ENTRIES:
                _entries.clear()
            _entries[raw_token] = (min(now + seconds, token["exp"]), token, user)
    return _own_copy(token, user)


def _own_copy(token, user):
    """Each request gets copies it may change without touching what is remembered (shallow,
    by hand: copy.copy's generic protocol costs more than the rest of a cache hit)."""
    own_token = object.__new__(type(token))
    own_token.__dict__.update(token.__dict__)
    own_token.payload = dict(token.payload)
    own_token.current_time = aware_utcnow()
    own_user = object.__new__(type(user))
    own_user.__dict__.update(user.__dict__)
    own_user._state = ModelState()  # a fresh one: no related objects cached
    own_user._state.adding, own_user._state.db = False, user._state.db
    return own_token, own_user


def forget_after_user_change(instance, update_fields=None, **_signal_arguments) -> None:
    """post_save / post_delete of the user model; a sign-in stamping last_login changes nothing."""
    if update_fields is None or set(update_fields) - {"last_login"}:
        forget_users([instance.pk])


def forget_users(user_ids) -> None:
    """Sessions of these users changed: forget their tokens here and, once the change commits,
    in every process."""
    user_ids = {str(user_id) for user_id in user_ids}
    if not user_ids:
        return
    _forget_users(user_ids)

    def committed():
        _forget_users(user_ids)  # until the commit, checks here still saw the old rows
        revocations.publish(sorted(user_ids))

    transaction.on_commit(committed)


def forget_all() -> None:
    """Forget every remembered token here (tests, and a listener that missed messages)."""
    with _lock:
        global _generation
        _generation += 1
        _entries.clear()


def _forget_users(user_ids) -> None:
    global _generation
    with _lock:
        _generation += 1
        for raw_token, (_, _, user) in list(_entries.items()):
            if str(user.pk) in user_ids:
                del _entries[raw_token]


revocations.set_handlers(_forget_users, forget_all)
