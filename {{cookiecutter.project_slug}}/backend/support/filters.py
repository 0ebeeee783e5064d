"""The query parameters of the request list: `?status=`, `?search=`, `?ordering=`. Values it does
not know are a 400 saying which parameter is wrong."""

import django_filters
from django.db.models import Q

from config.pagination import StableOrderingFilter

from .models import SupportRequest


class SupportRequestFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=SupportRequest.Status.choices)
    search = django_filters.CharFilter(
        method="search_subject_and_body", max_length=200, help_text="Part of the subject or body."
    )
    ordering = StableOrderingFilter(
        fields=["created_at", "updated_at"], help_text="Default: -updated_at."
    )

    class Meta:
        model = SupportRequest
        fields = ["status"]

    def search_subject_and_body(self, queryset, name, value):
        return queryset.filter(Q(subject__icontains=value) | Q(body__icontains=value))
