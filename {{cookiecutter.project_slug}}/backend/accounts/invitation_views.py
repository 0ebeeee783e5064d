"""The invitation endpoints (the flow itself is invitations.py's).

Staff, under /api/users/invitations/: list (`?status=`), invite, resend, withdraw.
Anyone with the link, under /api/auth/invitations/: look the invitation up, accept it.
"""

import django_filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from . import invitations, schema, security_log
from .models import Invitation, User, normalize_email
from .roles import IsStaffMember, may_grant_role
from .serializers import MAX_PASSWORD_LENGTH
from .sign_in import sign_in_after
from .throttles import AccountAddressThrottle, AccountIPThrottle
from .views import CookieFlowView, signed_in_response

NOT_STAFF = OpenApiResponse(schema.DetailSerializer, "Not staff, or a role they may not grant.")
LINK_REFUSED = {
    404: OpenApiResponse(schema.DetailSerializer, "Unknown link (code invitation_invalid)."),
    410: OpenApiResponse(
        schema.DetailSerializer,
        "Accepted, withdrawn or expired (code invitation_used, invitation_withdrawn or "
        "invitation_expired).",
    ),
    429: OpenApiResponse(schema.DetailSerializer, "Too many requests: wait (Retry-After)."),
}


class InviterSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "name", "email"]
        read_only_fields = fields


class InvitationSerializer(serializers.ModelSerializer):
    invited_by = InviterSerializer(read_only=True, allow_null=True)
    status = serializers.ChoiceField(choices=Invitation.Status.choices, read_only=True)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "name", "invited_by", "created_at", "expires_at", "status"]
        read_only_fields = ["id", "invited_by", "created_at", "expires_at", "status"]

    def validate_email(self, value: str) -> str:
        email = normalize_email(value)
        existing = User.objects.filter(email=email).first()
        if existing is not None and existing.is_active:
            raise ValidationError("This address already has an account.")
        if existing is not None:
            raise ValidationError(
                "This address has an account that is not active (deactivated, or a sign-up "
                "not confirmed yet): reactivate it instead."
            )
        return email

    def validate_role(self, value: str) -> str:
        if not may_grant_role(self.context["request"].user, value):
            raise PermissionDenied("Only admins can invite admins.")
        return value

    def create(self, validated_data):
        return invitations.invite(invited_by=self.context["request"].user, **validated_data)


class InvitationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=Invitation.Status.choices, method="with_status", help_text="Default: all."
    )

    class Meta:
        model = Invitation
        fields = ["status"]

    def with_status(self, queryset, name, value):
        return queryset.with_status(value)


@extend_schema_view(
    get=extend_schema(responses={200: InvitationSerializer, 403: NOT_STAFF}),
    post=extend_schema(responses={201: InvitationSerializer, 403: NOT_STAFF}),
)
class InvitationListView(generics.ListCreateAPIView):
    """Invitations, newest first (`?status=` pending, accepted, withdrawn or expired); POST
    invites an address with a role and mails it the link. Staff may invite clients and staff;
    only admins invite admins (403). An address that has an account: 400 on `email`. A pending
    invitation to the same address is withdrawn: the newest link is the one that works."""

    permission_classes = [IsStaffMember]
    serializer_class = InvitationSerializer
    filterset_class = InvitationFilter
    queryset = Invitation.objects.select_related("invited_by")

    def perform_create(self, serializer):
        invitation = serializer.save()
        security_log.info(
            "invitation_sent", self.request, invitation=invitation.pk, role=invitation.role
        )


class StaffInvitationView(APIView):
    permission_classes = [IsStaffMember]

    def invitation(self, pk) -> Invitation:
        invitation = get_object_or_404(Invitation.objects.select_related("invited_by"), pk=pk)
        if not may_grant_role(self.request.user, invitation.role):
            raise PermissionDenied("Only admins can manage invitations of admins.")
        return invitation


class InvitationDetailView(StaffInvitationView):
    @extend_schema(
        responses={
            204: None,
            400: OpenApiResponse(schema.DetailSerializer, "Already accepted."),
            403: NOT_STAFF,
        }
    )
    def delete(self, request, pk):
        """Withdraw the invitation: its link stops working. 400 if it was accepted."""
        invitation = self.invitation(pk)
        try:
            invitations.withdraw(invitation)
        except ValueError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        security_log.info("invitation_withdrawn", request, invitation=invitation.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationResendView(StaffInvitationView):
    @extend_schema(
        request=None,
        responses={
            200: InvitationSerializer,
            400: OpenApiResponse(schema.DetailSerializer, "Already accepted or withdrawn."),
            403: NOT_STAFF,
        },
    )
    def post(self, request, pk):
        """Mail the invitation again with a new link and a new expiry: the old link stops
        working. Also for an expired one; 400 if it was accepted or withdrawn."""
        invitation = self.invitation(pk)
        try:
            invitations.resend(invitation)
        except ValueError as exc:
            raise ValidationError({"detail": str(exc)}) from exc
        security_log.info("invitation_resent", request, invitation=invitation.pk)
        return Response(InvitationSerializer(invitation).data)


# --- Anyone with the link ------------------------------------------------------------------------


class InvitationPreviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Invitation
        fields = ["email", "role", "name", "expires_at"]
        read_only_fields = fields


class AcceptSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=128)
    name = serializers.CharField(max_length=150)
    password = serializers.CharField(
        max_length=MAX_PASSWORD_LENGTH, trim_whitespace=False, write_only=True
    )


class InvitationLinkThrottles:
    """Per client IP, and per link (the token stands for the invited address)."""

    throttle_classes = (AccountIPThrottle, AccountAddressThrottle)

    def throttle_target(self, request) -> str | None:
        token = self.kwargs.get("token") or (
            request.data.get("token") if isinstance(request.data, dict) else None
        )
        return f"invitation:{invitations.digest(token)}" if isinstance(token, str) else None


class InvitationLookupView(InvitationLinkThrottles, APIView):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_scope = "invitation-lookup"

    @extend_schema(responses={200: InvitationPreviewSerializer, **LINK_REFUSED})
    def get(self, request, token):
        """The invitation a link opens: the address, role and name the invitee is asked to
        confirm. 404 for an unknown link, 410 for one accepted, withdrawn or expired (`code`
        says which)."""
        return Response(InvitationPreviewSerializer(invitations.pending_invitation(token)).data)


class InvitationAcceptView(InvitationLinkThrottles, CookieFlowView):
    throttle_scope = "invitation-accept"

    @extend_schema(
        request=AcceptSerializer,
        responses={200: schema.LoginResponseSerializer, **LINK_REFUSED},
    )
    def post(self, request):
        """Accept an invitation: the account is made with the invited address and role, the
        name and password given (Django's password validators: 400 on `password`), and this
        browser is signed in (cookies, as login). A link that does not work: 404 or 410 as the
        lookup says."""
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        user = invitations.accept(**body.validated_data)
        tokens = sign_in_after(request, user, "invitation_accepted")
        return signed_in_response(request, user, tokens)
