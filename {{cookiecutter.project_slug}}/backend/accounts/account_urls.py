"""/api/account/: the signed-in user's own account (account_views.py)."""

from django.urls import path

from . import account_views

urlpatterns = [
    path("profile/", account_views.ProfileView.as_view(), name="account-profile"),
    path("password/", account_views.PasswordChangeView.as_view(), name="account-password"),
    path("close/", account_views.CloseAccountView.as_view(), name="account-close"),
]
