from django.urls import path

from . import invitation_views, passwords, reauth_views, views
from .passkey_views import PasskeyLoginOptionsView, PasskeyLoginView
from .signup import SignupResendView, SignupVerifyView, SignupView  # signup

urlpatterns = [
    # Browser flow: tokens in httpOnly cookies only.
    path("csrf/", views.CsrfView.as_view(), name="auth-csrf"),
    path("login/", views.LoginView.as_view(), name="auth-login"),
    path(
        "login/second-factor/",
        views.SecondFactorView.as_view(),
        name="auth-login-second-factor",
    ),
    path("reauth/", reauth_views.ReauthView.as_view(), name="auth-reauth"),
    path("refresh/", views.RefreshView.as_view(), name="auth-refresh"),
    path("logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("logout-all/", views.LogoutAllView.as_view(), name="auth-logout-all"),
    path("me/", views.MeView.as_view(), name="auth-me"),
    path("session/", views.SessionStateView.as_view(), name="auth-session-state"),
    path("sessions/", views.SessionListView.as_view(), name="auth-sessions"),
    path("sessions/<uuid:pk>/", views.SessionDetailView.as_view(), name="auth-session"),
    # Passkeys: sign in, or confirm it's you (passkey_views.py).
    path("passkeys/options/", PasskeyLoginOptionsView.as_view(), name="auth-passkey-options"),
    path("passkeys/login/", PasskeyLoginView.as_view(), name="auth-passkey-login"),
    # Accounts: password reset, sign-up.
    path(
        "password-reset/",
        passwords.PasswordResetRequestView.as_view(),
        name="auth-password-reset",
    ),
    path(
        "password-reset/confirm/",
        passwords.PasswordResetConfirmView.as_view(),
        name="auth-password-reset-confirm",
    ),
    # Invitations: anyone with the link (staff manage them under /api/users/invitations/).
    path(
        "invitations/accept/",
        invitation_views.InvitationAcceptView.as_view(),
        name="auth-invitation-accept",
    ),
    path(
        "invitations/<str:token>/",
        invitation_views.InvitationLookupView.as_view(),
        name="auth-invitation",
    ),
    path("signup/", SignupView.as_view(), name="auth-signup"),  # signup
    path("signup/verify/", SignupVerifyView.as_view(), name="auth-signup-verify"),  # signup
    path("signup/resend/", SignupResendView.as_view(), name="auth-signup-resend"),  # signup
    # Token flow: JSON bodies, for mobile and CLI clients.
    path("token/", views.TokenObtainView.as_view(), name="token-obtain"),
    path(
        "token/second-factor/",
        views.TokenSecondFactorView.as_view(),
        name="token-second-factor",
    ),
    path("token/refresh/", views.TokenRefreshView.as_view(), name="token-refresh"),
    path("token/blacklist/", views.TokenBlacklistView.as_view(), name="token-blacklist"),
]
