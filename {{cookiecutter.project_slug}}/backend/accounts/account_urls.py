"""/api/account/: the signed-in user's own account (account_views.py)."""

from django.urls import path

from . import account_views, security_events, two_factor_views
from .passkey_views import PasskeyDetailView, PasskeyListView, PasskeyRegistrationOptionsView

urlpatterns = [
    path("profile/", account_views.ProfileView.as_view(), name="account-profile"),
    path("password/", account_views.PasswordChangeView.as_view(), name="account-password"),
    path("close/", account_views.CloseAccountView.as_view(), name="account-close"),
    path("two-factor/", two_factor_views.TwoFactorView.as_view(), name="account-two-factor"),
    path("totp/", two_factor_views.TOTPView.as_view(), name="account-totp"),
    path("totp/confirm/", two_factor_views.TOTPConfirmView.as_view(), name="account-totp-confirm"),
    path(
        "recovery-codes/",
        two_factor_views.RecoveryCodesView.as_view(),
        name="account-recovery-codes",
    ),
    path("passkeys/", PasskeyListView.as_view(), name="account-passkeys"),
    path(
        "passkeys/options/",
        PasskeyRegistrationOptionsView.as_view(),
        name="account-passkey-options",
    ),
    path("passkeys/<int:pk>/", PasskeyDetailView.as_view(), name="account-passkey"),
    path(
        "security-events/",
        security_events.OwnSecurityEventsView.as_view(),
        name="account-security-events",
    ),
]
