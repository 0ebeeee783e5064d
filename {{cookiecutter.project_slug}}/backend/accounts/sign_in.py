"""Signing in and signing out: the same for the browser (views.py, tokens in cookies) and for
mobile and CLI clients (serializers.py, tokens in JSON bodies)."""

from django.contrib.auth import authenticate
from django.contrib.auth.models import update_last_login
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework_simplejwt.settings import api_settings

from . import security_log
from .device_sessions import revoke_session, start_session
from .models import User
from .throttles import LoginAttempt
from .tokens import SessionRefreshToken, TokenPair, issue_tokens

# simplejwt's words (and their translations) for a failed sign-in.
NO_ACTIVE_ACCOUNT = gettext_lazy("No active account found with the given credentials")


def check_credentials(request, email: str, password: str) -> User:
    """The active user whose email and password these are; the first step of a sign-in (the
    second, for a user with two-factor on, is second_factor.py's).

    Throttled (429) while a backoff holds for this account and client (throttles.py), checked
    before the password; AuthenticationFailed (401, code "no_active_account") for a wrong
    password, an unknown email or an inactive user. Both are logged, with a digest of the email;
    a failure also with the account's id when the address is an account's (its security log).
    """
    attempt = LoginAttempt(request, email)
    try:
        attempt.begin()
        user = authenticate(request, email=email, password=password)
        if not api_settings.USER_AUTHENTICATION_RULE(user):
            raise AuthenticationFailed(NO_ACTIVE_ACCOUNT, "no_active_account")
    except Throttled:
        security_log.warning("login_throttled", request, email_sha256=attempt.account_digest)
        raise
    except AuthenticationFailed:
        # The account's id, for its owner's security log: one lookup whatever the address, and
        # the row is written after the answer (security_log.py), so the time tells nothing.
        account = User.objects.filter(email=attempt.email).values_list("pk", flat=True).first()
        security_log.warning(
            "login_failed", request, email_sha256=attempt.account_digest, user=account
        )
        raise
    attempt.succeeded()
    return user


def sign_in_after(request, user: User, event: str, **log_fields) -> TokenPair:
    """The tokens of a new device session for `user`, who has just proved who they are another
    way than with their password here: an invitation accepted, a password reset or changed, an
    address verified, a passkey, a password and its second step. Logged as `event`."""
    session = start_session(user, request)
    update_last_login(None, user)
    tokens = issue_tokens(session)
    security_log.info(event, request, user=user.pk, session=session.pk, **log_fields)
    return tokens


def sign_out(request, raw_refresh: str) -> None:
    """End the device session of a refresh token, and blacklist the token; TokenError if it is
    not a valid refresh token of ours."""
    token = SessionRefreshToken(raw_refresh)
    token.blacklist()
    revoke_session(token.session_id)
    security_log.info("logout", request, user=token.user_id, session=token.session_id)
