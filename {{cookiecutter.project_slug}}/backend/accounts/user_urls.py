"""/api/users/: the users and invitations, for staff (directory.py, invitation_views.py), and
a user's security log (security_events.py)."""

from django.urls import path

from . import directory, invitation_views, security_events

urlpatterns = [
    path("", directory.UserDirectoryView.as_view(), name="user-directory"),
    path("<int:pk>/", directory.UserDetailView.as_view(), name="user-detail"),
    path(
        "<int:pk>/security-events/",
        security_events.UserSecurityEventsView.as_view(),
        name="user-security-events",
    ),
    path("invitations/", invitation_views.InvitationListView.as_view(), name="invitations"),
    path(
        "invitations/<int:pk>/",
        invitation_views.InvitationDetailView.as_view(),
        name="invitation",
    ),
    path(
        "invitations/<int:pk>/resend/",
        invitation_views.InvitationResendView.as_view(),
        name="invitation-resend",
    ),
]
