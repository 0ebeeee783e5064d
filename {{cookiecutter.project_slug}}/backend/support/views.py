"""The support request endpoints, under /api/support/requests/ (urls.py):

- GET    /            the requests the user can see, paginated (filters.py)
- POST   /            open one: `{subject, body}`
- GET    /{id}/       one, with its replies
- PATCH  /{id}/       `{status}`: staff only
- DELETE /{id}/       admins only
- POST   /{id}/replies/  `{body}`: the author or staff

Clients see their own requests only, staff every one (models.py, visible_to); who may change
what is permissions.py's.
"""

from django.db.models import Count, Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from .filters import SupportRequestFilter
from .models import Reply, SupportRequest
from .permissions import SupportRequestPermission
from .serializers import (
    NewSupportRequestSerializer,
    ReplySerializer,
    StatusChangeSerializer,
    SupportRequestDetailSerializer,
    SupportRequestSerializer,
)


@extend_schema_view(
    list=extend_schema(summary="The requests you can see: yours, or every one for staff"),
    create=extend_schema(
        summary="Open a request",
        request=NewSupportRequestSerializer,
        responses={201: SupportRequestDetailSerializer},
    ),
    retrieve=extend_schema(summary="One request, with its replies (oldest first)"),
    partial_update=extend_schema(
        summary="Change the status (staff only)",
        request=StatusChangeSerializer,
        responses={200: SupportRequestDetailSerializer},
    ),
    destroy=extend_schema(summary="Delete a request and its replies (admins only)"),
    replies=extend_schema(
        summary="Reply; a client's reply opens a resolved or closed request again",
        request=ReplySerializer,
        responses={201: ReplySerializer},
    ),
)
class SupportRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [IsAuthenticated, SupportRequestPermission]
    filterset_class = SupportRequestFilter
    lookup_value_regex = "[0-9]+"  # anything else is no request: a 404 from the URL resolver

    def get_queryset(self):
        # One query for the list, whatever its length: authors joined, replies counted.
        requests = (
            SupportRequest.objects.visible_to(self.request.user)
            .select_related("author")
            .annotate(reply_count=Count("replies"))
            .order_by("-updated_at", "-pk")  # `ordering=` may change it
        )
        return with_replies(requests) if self.action == "retrieve" else requests

    def get_serializer_class(self):
        return SupportRequestDetailSerializer if self.detail else SupportRequestSerializer

    def create(self, request):
        serializer = NewSupportRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Only the subject and body come from the input: a new request is always open, and its
        # author is whoever sends it.
        created = serializer.save(author=request.user)
        return Response(self._detail(created.pk), status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        support_request = self.get_object()
        serializer = StatusChangeSerializer(support_request, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(self._detail(support_request.pk))

    @action(detail=True, methods=["post"])
    def replies(self, request, pk=None):
        support_request = self.get_object()
        serializer = ReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reply = support_request.add_reply(request.user, serializer.validated_data["body"])
        return Response(ReplySerializer(reply).data, status=status.HTTP_201_CREATED)

    def _detail(self, pk) -> dict:
        """The request as GET /{id}/ shows it, after a change."""
        return SupportRequestDetailSerializer(with_replies(self.get_queryset()).get(pk=pk)).data


def with_replies(requests):
    """`requests` with their replies and the replies' authors, in two more queries."""
    replies = Reply.objects.select_related("author").order_by("created_at", "pk")
    return requests.prefetch_related(Prefetch("replies", queryset=replies))
