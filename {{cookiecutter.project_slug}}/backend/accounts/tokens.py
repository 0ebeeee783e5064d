"""Our JWTs: simplejwt's, plus the device-session id, user claims and a digest at rest.

- Every token carries `sid`, the DeviceSession it belongs to; rotation keeps it.
- Access tokens carry the user's USER_CLAIMS (models.py: email, name, role), read from the
  user when they are issued.
- No token of a session expires after the session's absolute cap (`expires_at`).
- The database keeps a SHA-256 digest of each refresh token, never the token itself
  (simplejwt's OutstandingToken.token holds the raw JWT), so a leaked backup signs nobody in.
- The token that replaces a rotated one has a jti derived from the rotated one's, so a retried
  rotation can find that successor and sign it again (accounts/rotation.py).
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from django.conf import settings
from django.utils.crypto import salted_hmac
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.state import token_backend
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken, Token
from rest_framework_simplejwt.utils import datetime_from_epoch, datetime_to_epoch

from .models import USER_CLAIMS

SESSION_ID_CLAIM = "sid"


def token_digest(raw: str | bytes) -> str:
    if isinstance(raw, str):
        raw = raw.encode()
    return hashlib.sha256(raw).hexdigest()


def successor_jti(jti: str) -> str:
    """The jti of the token that replaces token `jti` when it is rotated: a keyed hash, so only
    the server can tell which token followed which."""
    digest = salted_hmac(
        "accounts.tokens.successor_jti", jti, secret=api_settings.SIGNING_KEY, algorithm="sha256"
    )
    return digest.hexdigest()[:32]


def verified_session_id(raw: str) -> str | None:
    """The session id (`sid`) of a token we signed, access or refresh, even expired; None for
    anything else. For ending the session a browser names (logout), never for authenticating."""
    try:
        payload = jwt.decode(
            raw,
            token_backend.get_verifying_key(raw),
            algorithms=[token_backend.algorithm],
            options={"verify_exp": False, "verify_aud": False},
        )
        return str(uuid.UUID(str(payload[SESSION_ID_CLAIM])))
    except (jwt.InvalidTokenError, KeyError, ValueError, TypeError):
        return None


class SessionAccessToken(AccessToken):
    # JWT_ACCESS_TOKEN_LIFETIME and JWT_REFRESH_TOKEN_LIFETIME, not simplejwt's ACCESS_/
    # REFRESH_TOKEN_LIFETIME; read at use, not import, so changed settings (tests) apply.
    @property
    def lifetime(self) -> timedelta:
        return timedelta(seconds=settings.JWT_ACCESS_TOKEN_LIFETIME)


class SessionRefreshToken(RefreshToken):
    access_token_class = SessionAccessToken

    @property
    def lifetime(self) -> timedelta:
        return timedelta(seconds=settings.JWT_REFRESH_TOKEN_LIFETIME)

    @classmethod
    def for_session(cls, session, *, replacing: "SessionRefreshToken | None" = None):
        """A new refresh token of `session`, unusable until record()ed. It expires after the
        refresh lifetime (the idle timeout) but never past the session's absolute cap. Given
        the token it replaces, its jti is that token's successor_jti()."""
        token = cls()
        token[api_settings.USER_ID_CLAIM] = str(session.user_id)
        token[SESSION_ID_CLAIM] = str(session.pk)
        token.set_exp(lifetime=min(token.lifetime, session.expires_at - token.current_time))
        if replacing is not None:
            token[api_settings.JTI_CLAIM] = successor_jti(replacing[api_settings.JTI_CLAIM])
        return token

    @classmethod
    def signed_again(cls, session, outstanding: OutstandingToken) -> "SessionRefreshToken | None":
        """The recorded token `outstanding`, signed again with the claims it was issued with:
        the very string handed out then. None if that is not what comes out (the signing key
        has changed since, say)."""
        token = cls.for_session(session)
        token[api_settings.JTI_CLAIM] = outstanding.jti
        token["iat"] = datetime_to_epoch(outstanding.created_at)
        token["exp"] = datetime_to_epoch(outstanding.expires_at)
        return token if token_digest(str(token)) == outstanding.token else None

    def record(self) -> OutstandingToken:
        """Record the token as outstanding: only then does a refresh accept it."""
        fields = self._outstanding_fields()
        return OutstandingToken.objects.create(user_id=self[api_settings.USER_ID_CLAIM], **fields)

    def verify(self) -> None:
        # Signature, expiry and type only. Whether the token was already used is decided in
        # accounts/rotation.py under a row lock: a check here, outside that lock, is the race
        # that lets two concurrent refreshes of one token both succeed in plain simplejwt.
        Token.verify(self)  # not BlacklistMixin.verify, which checks the blacklist

    def outstand(self) -> OutstandingToken:
        fields = self._outstanding_fields()
        return OutstandingToken.objects.get_or_create(jti=fields.pop("jti"), defaults=fields)[0]

    def blacklist(self) -> BlacklistedToken:
        return BlacklistedToken.objects.get_or_create(token=self.outstand())[0]

    @property
    def session_id(self) -> str | None:
        return self.get(SESSION_ID_CLAIM)

    @property
    def user_id(self) -> str | None:
        return self.get(api_settings.USER_ID_CLAIM)

    @property
    def expires_at(self) -> datetime:
        return datetime_from_epoch(self["exp"])

    def _outstanding_fields(self) -> dict:
        return {
            "jti": self[api_settings.JTI_CLAIM],
            "token": token_digest(self.token or str(self)),
            "created_at": self.current_time,
            "expires_at": self.expires_at,
        }


@dataclass(frozen=True)
class TokenPair:
    access: SessionAccessToken
    refresh: SessionRefreshToken

    @property
    def access_expires_at(self) -> datetime:
        return datetime_from_epoch(self.access["exp"])

    @property
    def refresh_expires_at(self) -> datetime:
        return self.refresh.expires_at

    @property
    def access_expires_in(self) -> int:
        """Whole seconds left, on the server's clock (rounded down)."""
        return max(0, int(self.access["exp"] - datetime_to_epoch(self.access.current_time)))


def new_tokens(session, *, replacing: SessionRefreshToken | None = None) -> TokenPair:
    """A fresh refresh token of `session`, not yet recorded (the successor of `replacing`, if
    given), and an access token with the user's current claims."""
    return with_access(session, SessionRefreshToken.for_session(session, replacing=replacing))


def with_access(session, refresh: SessionRefreshToken) -> TokenPair:
    """`refresh` and a new access token with the user's current claims, expiring no later
    than the session."""
    user = session.user
    access = refresh.access_token
    access.set_exp(lifetime=min(access.lifetime, session.expires_at - access.current_time))
    for claim in USER_CLAIMS:
        access[claim] = getattr(user, claim)
    return TokenPair(access=access, refresh=refresh)


def issue_tokens(session) -> TokenPair:
    """new_tokens(), the refresh token recorded: ready to hand out."""
    tokens = new_tokens(session)
    tokens.refresh.record()
    return tokens
