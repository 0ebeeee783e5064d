"""The auth endpoints. Thin: sign_in.py signs in and out, rotation.py exchanges refresh tokens,
cookies.py owns the cookies, serializers.py checks input and shapes output.

Browser flow, tokens only in httpOnly cookies: csrf, login (and its second step,
login/second-factor), refresh, logout, logout-all, me, session, sessions. Token flow for mobile
and CLI clients, simplejwt's views with our serializers: token (and token/second-factor),
token/refresh, token/blacklist. Passkeys: passkey_views.py; step-up: reauth_views.py.
"""

import contextlib

from django.conf import settings
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt import views as jwt_views
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from . import schema, second_factor, security_log
from .authentication import enforce_csrf
from .cookies import (
    challenge_of,
    clear_auth_cookies,
    clear_challenge_cookie,
    has_auth_cookies,
    refresh_token_of,
    sessions_named_by_cookies,
    set_auth_cookies,
    set_challenge_cookie,
)
from .device_sessions import revoke_all_sessions, revoke_session
from .exceptions import RefreshRejected, TokenJustRotated
from .models import DeviceSession
from .rotation import rotate
from .serializers import (
    CredentialsSerializer,
    DeviceSessionSerializer,
    SecondFactorSerializer,
    TokenBlacklistSerializer,
    TokenObtainSerializer,
    TokenRefreshSerializer,
    TokenSecondFactorSerializer,
    UserSerializer,
    expiry_data,
)
from .sign_in import check_credentials, sign_in_after, sign_out
from .step_up import require_recent_auth
from .throttles import LoginIPThrottle
from .tokens import SessionRefreshToken, TokenPair

UNAUTHORIZED = OpenApiResponse(schema.DetailSerializer, description="Not signed in")


class CsrfView(APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    @extend_schema(responses=schema.CsrfSerializer)
    def get(self, request):
        """The CSRF token for the X-CSRFToken header (also sets the csrftoken cookie)."""
        return Response({"csrfToken": get_token(request)})


class CredentialsView(APIView):
    """Base of the browser's login, refresh and logout, which take credentials instead of
    requiring them: no authentication class runs, so a stale or garbage `access` cookie never
    blocks signing in or out."""

    authentication_classes = ()
    permission_classes = (AllowAny,)

    def get_authenticate_header(self, request) -> str:
        # As simplejwt's views answer: with it, refused credentials are a 401 (DRF turns them
        # into a 403 without).
        return 'Bearer realm="api"'


class CookieFlowView(CredentialsView):
    """Login and refresh: always the CSRF check, because the browser attaches cookies to forged
    requests too."""

    def initial(self, request, *args, **kwargs):
        enforce_csrf(request)
        super().initial(request, *args, **kwargs)


def end_sessions_named_by_cookies(request, event: str) -> None:
    """End the device sessions the request's cookies name, whatever state the cookies are in
    (expired, rotated, one of them missing); log each as `event`."""
    for session in DeviceSession.objects.filter(pk__in=sessions_named_by_cookies(request)):
        revoke_session(session.pk)
        security_log.info(event, request, user=session.user_id, session=session.pk)


def with_cookies(body: dict, tokens: TokenPair) -> Response:
    response = Response(body)
    set_auth_cookies(response, tokens)
    return response


def signed_in_response(request, user, tokens: TokenPair) -> Response:
    """The answer of every flow that ends signed in (login, a password reset, an address
    verified...): the user and the tokens' expiry, the tokens in cookies. A session this browser
    still held (someone else's on a shared computer, say) ends."""
    end_sessions_named_by_cookies(request, "session_replaced")
    return with_cookies({**expiry_data(tokens), "user": UserSerializer(user).data}, tokens)


class LoginView(CookieFlowView):
    # Per account: accounts/throttles.py's LoginAttempt, in check_credentials().
    throttle_classes = (LoginIPThrottle,)

    @extend_schema(
        request=CredentialsSerializer,
        responses={
            200: schema.LoginResponseSerializer,
            202: schema.SecondFactorRequiredSerializer,
            401: schema.DetailSerializer,
            429: schema.DetailSerializer,
        },
    )
    def post(self, request):
        """Sign in; sets the `access` and `refresh` cookies. A session this browser still held
        (someone else's on a shared computer, say) ends. With two-factor on: 202, and only the
        `mfa` cookie, for login/second-factor/ (or a passkey sign-in) to finish."""
        credentials = CredentialsSerializer(data=request.data)
        credentials.is_valid(raise_exception=True)
        user = check_credentials(request, **credentials.validated_data)
        if second_factor.needs_second_factor(user):
            response = Response(second_factor.challenge_body(user), status=status.HTTP_202_ACCEPTED)
            value = second_factor.start(user)
            set_challenge_cookie(response, value, settings.SECOND_FACTOR_LIFETIME)
            return response
        tokens = sign_in_after(request, user, "login", method="password")
        return signed_in_response(request, user, tokens)


class SecondFactorView(CookieFlowView):
    throttle_classes = (LoginIPThrottle,)

    @extend_schema(
        request=SecondFactorSerializer,
        responses={
            200: schema.LoginResponseSerializer,
            401: schema.DetailSerializer,
            429: schema.DetailSerializer,
        },
    )
    def post(self, request):
        """The second step of a sign-in: a code from the authenticator app, or a recovery code,
        with the `mfa` cookie login set. Signs in as login does. A wrong code: 400 on `code`;
        no sign-in waiting (expired, done, too many wrong codes): 401 `second_factor_expired`."""
        body = SecondFactorSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user, method = second_factor.complete(
            request, challenge_of(request), body.validated_data["code"]
        )
        tokens = sign_in_after(request, user, "login", method=method)
        response = signed_in_response(request, user, tokens)
        clear_challenge_cookie(response)
        return response

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, second_factor.SecondFactorExpired):
            clear_challenge_cookie(response)
        return response


class RefreshView(CookieFlowView):
    @extend_schema(
        request=None, responses={200: schema.ExpirySerializer, 401: schema.DetailSerializer}
    )
    def post(self, request):
        """Rotate the refresh cookie; sets new cookies."""
        raw = refresh_token_of(request)
        if not raw:
            raise RefreshRejected("No refresh cookie.", "token_not_valid")
        tokens = rotate(raw, request)
        return with_cookies(expiry_data(tokens), tokens)

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        # A refused refresh token never works again: delete the cookies. Except one another
        # request has just rotated: this browser already holds the new cookies.
        if isinstance(exc, RefreshRejected) and not isinstance(exc, TokenJustRotated):
            clear_auth_cookies(response)
        return response


class LogoutView(CredentialsView):
    @extend_schema(request=schema.LogoutSerializer, responses=schema.DetailSerializer)
    def post(self, request):
        """End the session that the cookies name and delete them (browser); without cookies,
        blacklist the `{"refresh"}` body's token and end its session. Logging out twice is not
        an error."""
        if not has_auth_cookies(request):
            # Also what a cross-site form gets (SameSite keeps the cookies from it): it must
            # not act, nor delete cookies.
            body = schema.LogoutSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            if (raw := body.validated_data.get("refresh")) is not None:
                try:
                    sign_out(request, raw)
                except TokenError as exc:
                    raise InvalidToken(exc.args[0]) from exc
            return Response({"detail": "Signed out."})

        enforce_csrf(request)
        # Garbage in the cookies never blocks signing out.
        if (raw := refresh_token_of(request)) is not None:
            with contextlib.suppress(TokenError):
                SessionRefreshToken(raw).blacklist()
        end_sessions_named_by_cookies(request, "logout")
        response = Response({"detail": "Signed out."})
        clear_auth_cookies(response)
        return response


class LogoutAllView(APIView):
    two_factor_setup_allowed = True

    @extend_schema(
        request=None,
        responses={200: schema.DetailSerializer, 401: UNAUTHORIZED},
    )
    def post(self, request):
        """End every device session of the user, this one included. Step-up: 403
        `reauth_required` unless the user proved who they are here lately."""
        require_recent_auth(request)
        count = revoke_all_sessions(request.user)
        security_log.info("logout_everywhere", request, user=request.user.pk, sessions=count)
        response = Response({"detail": f"Signed out of {count} session(s)."})
        clear_auth_cookies(response)
        return response


class MeView(APIView):
    two_factor_setup_allowed = True

    @extend_schema(responses={200: UserSerializer, 401: UNAUTHORIZED})
    def get(self, request):
        return Response(UserSerializer(request.user).data)


class SessionStateView(APIView):
    permission_classes = (AllowAny,)
    two_factor_setup_allowed = True

    def perform_authentication(self, request):
        pass  # in get(): refused credentials mean "nobody", not a 401

    @extend_schema(responses=schema.SessionStateSerializer)
    def get(self, request):
        """Who is signed in, always with a 200: the web client's first question on every page
        load, which must not fail (and log an error) for an anonymous visitor. The user the
        access cookie (or bearer token) signs in, as /me would, else null; and whether a refresh
        cookie came along, worth a refresh."""
        try:
            user = request.user if request.user.is_authenticated else None
        except AuthenticationFailed:
            user = None
        return Response(
            {
                "user": UserSerializer(user).data if user else None,
                "refreshable": refresh_token_of(request) is not None,
            }
        )


class SessionListView(APIView):
    two_factor_setup_allowed = True

    @extend_schema(responses={200: DeviceSessionSerializer(many=True), 401: UNAUTHORIZED})
    def get(self, request):
        """The user's active device sessions, most recently used first."""
        sessions = DeviceSession.objects.filter(user=request.user).active()
        context = {"current_session_id": request.auth.get("sid")}
        return Response(DeviceSessionSerializer(sessions, many=True, context=context).data)


class SessionDetailView(APIView):
    two_factor_setup_allowed = True

    @extend_schema(responses={204: None, 401: UNAUTHORIZED, 404: schema.DetailSerializer})
    def delete(self, request, pk):
        """Revoke one of the user's sessions (sign that device out)."""
        session = get_object_or_404(DeviceSession, pk=pk, user=request.user)
        revoke_session(session.pk)
        security_log.info("session_revoked", request, user=request.user.pk, session=session.pk)
        response = Response(status=status.HTTP_204_NO_CONTENT)
        if str(session.pk) == request.auth.get("sid"):
            clear_auth_cookies(response)
        return response


# --- Token flow: mobile and CLI clients, simplejwt's views and JSON ------------------------------


@extend_schema(
    responses={
        200: schema.TokenObtainResponseSerializer,
        202: schema.TokenSecondFactorRequiredSerializer,
        401: schema.DetailSerializer,
        429: schema.DetailSerializer,
    }
)
class TokenObtainView(jwt_views.TokenObtainPairView):
    """Email and password in; tokens out. With two-factor on: 202 and a `challenge` for
    token/second-factor/."""

    serializer_class = TokenObtainSerializer
    throttle_classes = (LoginIPThrottle,)

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        if response.data.get("second_factor_required"):
            response.status_code = status.HTTP_202_ACCEPTED
        return response


@extend_schema(
    responses={
        200: schema.TokenObtainResponseSerializer,
        401: schema.DetailSerializer,
        429: schema.DetailSerializer,
    }
)
class TokenSecondFactorView(jwt_views.TokenViewBase):
    """The token flow's second step: the `challenge` token/ answered and a code."""

    serializer_class = TokenSecondFactorSerializer
    throttle_classes = (LoginIPThrottle,)


@extend_schema(responses={200: schema.TokenPairSerializer, 401: schema.DetailSerializer})
class TokenRefreshView(jwt_views.TokenRefreshView):
    serializer_class = TokenRefreshSerializer


@extend_schema(
    responses={200: OpenApiResponse(description="Blacklisted."), 401: schema.DetailSerializer}
)
class TokenBlacklistView(jwt_views.TokenBlacklistView):
    serializer_class = TokenBlacklistSerializer
