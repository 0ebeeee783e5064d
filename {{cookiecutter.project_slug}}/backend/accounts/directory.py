"""GET /api/users/: the user directory, for staff only (accounts/roles.py decides who is staff).

Paginated like every list (config/pagination.py); `?role=`, `?search=` (in the email and the
name), `?ordering=`. Unknown values are a 400 saying which parameter is wrong.
"""

import django_filters
from django.db.models import Q
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers

from config.pagination import StableOrderingFilter

from . import schema
from .models import User
from .roles import IsStaffMember


class DirectoryUserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "name", "role", "is_active", "date_joined", "last_login"]
        read_only_fields = fields


class UserFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=User.Role.choices)
    search = django_filters.CharFilter(
        method="search_email_and_name", max_length=150, help_text="Part of the email or name."
    )
    ordering = StableOrderingFilter(
        fields=["email", "date_joined", "name"], help_text="Default: email."
    )

    class Meta:
        model = User
        fields = ["role"]

    def search_email_and_name(self, queryset, name, value):
        return queryset.filter(Q(email__icontains=value) | Q(name__icontains=value))


@extend_schema(
    responses={
        200: DirectoryUserSerializer,
        403: OpenApiResponse(schema.DetailSerializer, "Not staff."),
    }
)
class UserDirectoryView(generics.ListAPIView):
    """Every user, for staff and admins; email order unless `ordering` says otherwise."""

    permission_classes = [IsStaffMember]
    serializer_class = DirectoryUserSerializer
    filterset_class = UserFilter
    queryset = User.objects.order_by("email", "pk")
