"""The one place a refresh token is exchanged for new tokens.

Exactly once: a rotation blacklists the presented token by inserting its BlacklistedToken row,
whose token_id is unique, in the same transaction that records the new token. Of any number of
concurrent refreshes with one token the database lets exactly one insert commit; the rest get
an IntegrityError (PostgreSQL makes them wait for the first to commit) and answer as a retry
(below): with the one successor the first recorded.
Everything else (reading the token, its session, signing the new tokens) happens before that
transaction: on SQLite a write transaction holds the whole database's lock.

Reuse detection (OAuth 2.0 Security Best Current Practice, refresh token rotation): presenting a
token that was already rotated revokes its whole device session, so a stolen-and-replayed token
dies together with the victim's copy.

Except within REFRESH_REUSE_GRACE_SECONDS of the rotation, while nobody has used the token that
replaced it: then the answer is that same successor, signed again (its jti is derived from the
presented token's, its claims are in its OutstandingToken row). That is a rotation whose
response never arrived (the server died after committing it, the network dropped it) being
retried, or tabs of one browser racing; either way the browser must end up holding the token
that is now current, or it would be signed out by our own failure. The cost, deliberately
accepted as with Auth0's reuse interval and Okta's grace period: a thief replaying a stolen
token within the grace gets the same successor as its owner, and is caught at the next reuse.
Once the successor has been used, a replay within the grace gets TokenJustRotated: a 401 that
leaves the cookies alone (another tab holds the newer ones).
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken

from . import metrics, security_log
from .exceptions import RefreshRejected, TokenJustRotated
from .models import DeviceSession
from .tokens import SessionRefreshToken, TokenPair, new_tokens, successor_jti, with_access


def rotate(raw_token: str, request=None) -> TokenPair:
    """The next tokens of the session `raw_token` belongs to; else RefreshRejected, or its kind
    TokenJustRotated when another request has just rotated the token (logged either way)."""
    try:
        tokens = _rotate(raw_token, request)
    except RefreshRejected as exc:
        # Ended or expired sessions are routine; a bad, unknown or replayed token may not be.
        routine = exc.code in {"session_revoked", "session_expired", "token_rotated"}
        log = security_log.info if routine else security_log.warning
        log("refresh_refused", request, code=exc.code, user=exc.user_id, session=exc.session_id)
        raise
    metrics.REFRESHES.inc()
    return tokens


def _rotate(raw_token: str, request) -> TokenPair:
    try:
        presented = SessionRefreshToken(raw_token)
    except TokenError as exc:
        raise RefreshRejected(str(exc.args[0]), "token_not_valid") from None
    if not presented.session_id:
        raise RefreshRejected("Token has no session.", "token_not_valid")

    outstanding = (
        OutstandingToken.objects.filter(jti=presented[api_settings.JTI_CLAIM])
        .order_by()  # the model's default ordering would join the user table
        .first()
    )
    if outstanding is None:
        raise RefreshRejected("Token is not known.", "token_not_valid")
    session = DeviceSession.objects.select_related("user").filter(pk=presented.session_id).first()
    if rotated := BlacklistedToken.objects.filter(token=outstanding).first():
        return _rotated_before(presented, rotated, session, request)
    if rejection := _unusable(session):
        raise rejection

    tokens = new_tokens(session, replacing=presented)
    try:
        with transaction.atomic():
            BlacklistedToken.objects.create(token=outstanding)
            tokens.refresh.record()
            DeviceSession.objects.filter(pk=session.pk).update(last_used_at=timezone.now())
    except IntegrityError:
        # Another refresh with this token committed first (or the token row has just gone).
        rotated = BlacklistedToken.objects.filter(token=outstanding).first()
        if rotated is None:
            raise RefreshRejected("Token is not known.", "token_not_valid") from None
        return _rotated_before(presented, rotated, session, request)
    return tokens


def _rotated_before(
    presented: SessionRefreshToken,
    rotated: BlacklistedToken,
    session: DeviceSession | None,
    request,
) -> TokenPair:
    """The answer to a token that was already rotated (or blacklisted by a logout)."""
    grace = timedelta(seconds=settings.REFRESH_REUSE_GRACE_SECONDS)
    if timezone.now() - rotated.blacklisted_at >= grace:
        raise _reused(session, request)
    if rejection := _unusable(session):
        raise rejection
    if refresh := _unused_successor(presented, session):
        # A lost answer retried, or tabs racing; but also what a thief's replay within the
        # grace looks like: say so, with where it came from.
        security_log.warning(
            "refresh_grace_replay", request, user=session.user_id, session=session.pk
        )
        return with_access(session, refresh)
    raise TokenJustRotated(session=session)


def _unused_successor(presented: SessionRefreshToken, session: DeviceSession):
    """The token that replaced `presented`, signed again, if nobody has used it yet."""
    jti = successor_jti(presented[api_settings.JTI_CLAIM])
    unused = OutstandingToken.objects.filter(jti=jti, blacklistedtoken__isnull=True)
    successor = unused.order_by().first()
    return successor and SessionRefreshToken.signed_again(session, successor)


def _reused(session: DeviceSession | None, request) -> RefreshRejected:
    if session is not None and session.revoked_at is None:
        DeviceSession.objects.filter(pk=session.pk).revoke()
        security_log.warning(
            "reuse_detected_session_revoked", request, user=session.user_id, session=session.pk
        )
    return RefreshRejected(
        "Token was already used; the session is revoked.", "token_reused", session=session
    )


def _unusable(session: DeviceSession | None) -> RefreshRejected | None:
    if session is None or session.revoked_at is not None:
        return RefreshRejected("Session has ended.", "session_revoked", session=session)
    if session.expires_at <= timezone.now():
        return RefreshRejected(
            "Session has reached its maximum lifetime.", "session_expired", session=session
        )
    if not api_settings.USER_AUTHENTICATION_RULE(session.user):
        return RefreshRejected("User is inactive.", "user_inactive", session=session)
    return None
