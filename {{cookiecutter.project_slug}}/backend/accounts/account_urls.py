"""/api/account/: the signed-in user's own account (account_views.py)."""

from django.urls import path

from . import account_views
from .passkey_views import PasskeyDetailView, PasskeyListView, PasskeyRegistrationOptionsView

urlpatterns = [
    path("profile/", account_views.ProfileView.as_view(), name="account-profile"),
    path("password/", account_views.PasswordChangeView.as_view(), name="account-password"),
    path("close/", account_views.CloseAccountView.as_view(), name="account-close"),
    path("passkeys/", PasskeyListView.as_view(), name="account-passkeys"),
    path(
        "passkeys/options/",
        PasskeyRegistrationOptionsView.as_view(),
        name="account-passkey-options",
    ),
    path("passkeys/<int:pk>/", PasskeyDetailView.as_view(), name="account-passkey"),
]
