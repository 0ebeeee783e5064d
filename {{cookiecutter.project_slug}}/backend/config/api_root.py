"""GET /api/: where things are, for someone who opens the API's address."""

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response


class ApiRootSerializer(serializers.Serializer):  # the answer's shape, for the OpenAPI schema
    name = serializers.CharField()
    health = serializers.CharField()
    docs = serializers.CharField(allow_null=True, help_text="null when the docs are not public.")
    schema = serializers.CharField(allow_null=True, help_text="null when the docs are not public.")


@extend_schema(responses=ApiRootSerializer)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def api_root(request):
    """The API's name and the paths of its health check and documentation."""
    docs_public = settings.API_DOCS_PUBLIC
    return Response(
        {
            "name": settings.SPECTACULAR_SETTINGS["TITLE"],
            "health": reverse("health"),
            "docs": reverse("docs") if docs_public else None,
            "schema": reverse("schema") if docs_public else None,
        }
    )
