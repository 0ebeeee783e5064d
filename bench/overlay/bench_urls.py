"""Copied by bench/stack.py into the baked project's backend/: the project's URLs plus the
ceiling, `GET /api/bench/me/`: the project's own MeView with no authentication and no
permission check, serializing a user held in memory. It is what `GET /api/auth/me/` costs
without any auth, so no auth can be faster.

It sits in a copy of the auth URLs under its own prefix, at the same place as `me/`, so that
resolving it takes the same steps as resolving `/api/auth/me/`."""

from django.urls import include, path
from rest_framework.permissions import AllowAny

from accounts import urls as accounts_urls
from accounts.models import User
from accounts.views import MeView
from config.urls import *  # noqa: F403  (the error handlers)
from config.urls import urlpatterns as project_urlpatterns

CEILING_USER = User(id=1, email="ceiling@bench.invalid", name="Bench Ceiling", role="client")


class CeilingMeView(MeView):
    authentication_classes = ()
    permission_classes = (AllowAny,)

    def get(self, request):
        request.user = CEILING_USER
        return super().get(request)


ceiling_patterns = [
    path("me/", CeilingMeView.as_view())
    if pattern.name == "auth-me"
    else path(str(pattern.pattern), pattern.callback)
    for pattern in accounts_urls.urlpatterns
]

urlpatterns = [path("api/bench/", include(ceiling_patterns)), *project_urlpatterns]
