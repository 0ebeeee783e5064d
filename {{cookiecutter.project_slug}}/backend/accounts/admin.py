from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from rest_framework.exceptions import Throttled

from . import invitations, security_log
from .models import DeviceSession, Invitation, User
from .throttles import LoginAttempt, LoginIPThrottle


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in counts against the API's login throttle (accounts/throttles.py):
    the same counters, so neither door is a way round the other."""

    def clean(self):
        email = self.cleaned_data.get("username")
        if not email or not self.cleaned_data.get("password"):
            return super().clean()
        attempt = LoginAttempt(self.request, email)
        try:
            ip_throttle = LoginIPThrottle()
            if not ip_throttle.allow_request(self.request, None):
                raise Throttled(ip_throttle.wait())
            attempt.begin()
            cleaned = super().clean()
        except Throttled as exc:
            security_log.warning(
                "login_throttled", self.request, email_sha256=attempt.account_digest, via="admin"
            )
            raise ValidationError(
                "Too many failed sign-ins; try again in %(wait)s seconds.",
                code="throttled",
                params={"wait": exc.wait or 1},
            ) from None
        except ValidationError:
            security_log.warning(
                "login_failed", self.request, email_sha256=attempt.account_digest, via="admin"
            )
            raise
        attempt.succeeded()
        security_log.info("login", self.request, user=self.get_user().pk, via="admin")
        return cleaned


admin.site.login_form = ThrottledAdminLoginForm


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "role", "is_active", "is_staff", "date_joined"]
    list_filter = ["role", "is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name", "role"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "role", "password1", "password2"]})
    ]


@admin.register(DeviceSession)
class DeviceSessionAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "last_used_at", "ip_address", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["user__email", "ip_address", "user_agent"]
    readonly_fields = [
        "id",
        "user",
        "created_at",
        "last_used_at",
        "expires_at",
        "user_agent",
        "ip_address",
    ]
    actions = ["revoke"]

    @admin.action(description="Revoke (sign the device out)")
    def revoke(self, request, queryset):
        sessions = list(queryset.filter(revoked_at__isnull=True).values_list("pk", "user_id"))
        queryset.revoke()
        for session_id, user_id in sessions:
            security_log.info(
                "session_revoked", request, user=user_id, session=session_id, by=request.user.pk
            )


class InvitationStatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Invitation.Status.choices

    def queryset(self, request, queryset):
        return queryset.with_status(self.value()) if self.value() else queryset


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are made on the web client's Users page (the mail needs the token, which
    is never stored); here they can be read, resent and withdrawn."""

    list_display = ["email", "role", "status", "invited_by", "created_at", "expires_at", "user"]
    list_filter = [InvitationStatusFilter, "role"]
    search_fields = ["email", "name", "invited_by__email"]
    readonly_fields = [
        "email",
        "role",
        "name",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "withdrawn_at",
        "user",
    ]
    exclude = ["token_digest"]
    actions = ["withdraw", "resend"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Withdraw (the link stops working)")
    def withdraw(self, request, queryset):
        for invitation in queryset.filter(accepted_at__isnull=True, withdrawn_at__isnull=True):
            invitations.withdraw(invitation)
            security_log.info(
                "invitation_withdrawn", request, invitation=invitation.pk, via="admin"
            )

    @admin.action(description="Send again (a new link; the old one stops working)")
    def resend(self, request, queryset):
        for invitation in queryset.filter(accepted_at__isnull=True, withdrawn_at__isnull=True):
            invitations.resend(invitation)
            security_log.info("invitation_resent", request, invitation=invitation.pk, via="admin")
