"""GET /api/users/: the user directory, for staff only (accounts/roles.py decides who is staff).

Paginated like every list (config/pagination.py); `?role=`, `?search=` (in the email and the
name), `?ordering=`. Unknown values are a 400 saying which parameter is wrong.

GET and PATCH /api/users/{id}/: one user; staff change the role or deactivate, as roles.py's
rules allow. Deactivating signs the user out everywhere at once (User.save).
"""

import django_filters
from django.db.models import Q
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import PermissionDenied, ValidationError

from config.pagination import StableOrderingFilter

from . import schema, security_log
from .models import User
from .roles import IsStaffMember, may_grant_role, may_manage_user


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


class UserChangeSerializer(DirectoryUserSerializer):
    class Meta(DirectoryUserSerializer.Meta):
        read_only_fields = ["id", "email", "name", "date_joined", "last_login"]

    def validate(self, attrs):
        actor, user = self.context["request"].user, self.instance
        changes = {field for field, value in attrs.items() if getattr(user, field) != value}
        if changes and user.pk == actor.pk:
            raise ValidationError(
                {field: ["You cannot change this on your own account."] for field in changes}
            )
        if changes and not may_manage_user(actor, user):
            raise PermissionDenied("Only admins can change an admin.")
        if "role" in changes and not may_grant_role(actor, attrs["role"]):
            raise PermissionDenied("Only admins can make someone an admin.")
        return attrs


@extend_schema(
    responses={
        200: DirectoryUserSerializer,
        403: OpenApiResponse(schema.DetailSerializer, "Not staff, or not allowed this change."),
    }
)
class UserDetailView(generics.RetrieveUpdateAPIView):
    """One user, for staff. PATCH `role` or `is_active`: staff may change clients and staff,
    admins anyone (403 otherwise: a staff member cannot change an admin nor make one); nobody
    changes their own account here (400). Deactivating signs the user out on every device."""

    permission_classes = [IsStaffMember]
    serializer_class = UserChangeSerializer
    queryset = User.objects.all()
    http_method_names = ["get", "patch", "head", "options"]

    def perform_update(self, serializer):
        before = {field: getattr(serializer.instance, field) for field in ("role", "is_active")}
        user = serializer.save()
        changed = {f: getattr(user, f) for f, value in before.items() if getattr(user, f) != value}
        if changed:
            security_log.info(
                "user_changed", self.request, user=user.pk, by=self.request.user.pk, **changed
            )
