from django.conf import settings
from django.contrib import admin
from django.http import Http404
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import email_change

from .api_root import api_root
from .health import health


def unless_docs_hidden(view):
    """404 unless API_DOCS_PUBLIC (default: with DEBUG only): production need not publish a
    map of its API."""

    def docs(request, *args, **kwargs):
        if not settings.API_DOCS_PUBLIC:
            raise Http404
        return view(request, *args, **kwargs)

    return docs


admin.site.site_header = "{{ cookiecutter.project_name }} admin"

urlpatterns = [
    path("api/", api_root, name="api-root"),
    path("api/auth/", include("accounts.urls")),
    path("api/users/", include("accounts.user_urls")),
    path("api/account/", include("accounts.account_urls")),
    path("api/account/email/", email_change.EmailChangeView.as_view(), name="account-email"),
    path(
        "api/account/email/confirm/",
        email_change.EmailConfirmView.as_view(),
        name="account-email-confirm",
    ),
    path("api/support/", include("support.urls")),  # example_app
    path("api/health/", health, name="health"),
    path("api/schema/", unless_docs_hidden(SpectacularAPIView.as_view()), name="schema"),
    path(
        "api/docs/",
        unless_docs_hidden(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="docs",
    ),
    path("admin/", admin.site.urls),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.not_found"
handler500 = "config.errors.server_error"
