from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from rest_framework.exceptions import Throttled

from . import invitations, security_log
from .models import DeviceSession, Invitation, User
from .throttles import CodeAttempt, LoginAttempt, LoginIPThrottle
from .totp import accept_second_factor
from .two_factor import reset_two_factor, setup_required


class ThrottledAdminLoginForm(AdminAuthenticationForm):
    """The admin's sign-in counts against the API's login throttle (accounts/throttles.py):
    the same counters, so neither door is a way round the other. And it honours two-factor as
    the API does: a user with a second factor gives a code (authenticator app or recovery code:
    passkeys are for the web client), and one the policy covers who has none yet is refused."""

    code = forms.CharField(
        label="Two-factor code",
        required=False,
        max_length=64,
        help_text="From your authenticator app, or a recovery code. Only if two-factor is on.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

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
            # The account's id for its owner's security log, as sign_in.py does.
            account = User.objects.filter(email=attempt.email).values_list("pk", flat=True).first()
            security_log.warning(
                "login_failed",
                self.request,
                email_sha256=attempt.account_digest,
                user=account,
                via="admin",
            )
            raise
        attempt.succeeded()
        self.check_second_factor(self.get_user())
        security_log.info("login", self.request, user=self.get_user().pk, via="admin")
        return cleaned

    def check_second_factor(self, user: User) -> None:
        if setup_required(user):
            raise ValidationError(
                "Your role requires two-factor authentication: set it up in the portal first.",
                code="two_factor_setup_required",
            )
        if not user.two_factor_enabled:
            return
        code = self.cleaned_data.get("code") or ""
        attempt = CodeAttempt(self.request, user.email)
        try:
            attempt.begin()
        except Throttled as exc:
            raise ValidationError(
                "Too many wrong codes; try again in %(wait)s seconds.",
                code="throttled",
                params={"wait": exc.wait or 1},
            ) from None
        method = accept_second_factor(user, code) if code else None
        if method is None:
            security_log.warning("second_factor_failed", self.request, user=user.pk, via="admin")
            raise ValidationError(
                "Enter a valid two-factor code (or a recovery code).", code="second_factor"
            )
        attempt.succeeded()
        if method == "recovery_code":
            security_log.warning("recovery_code_used", self.request, user=user.pk, via="admin")


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
        ("Two-factor", {"fields": ["two_factor_enabled"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "name", "role", "password1", "password2"]})
    ]
    readonly_fields = ["two_factor_enabled"]
    actions = ["reset_two_factor"]

    @admin.action(description="Reset two-factor (remove app, recovery codes and passkeys)")
    def reset_two_factor(self, request, queryset):
        for user in queryset:
            reset_two_factor(user, request, by=request.user.pk)
        self.message_user(
            request, f"Two-factor reset for {queryset.count()} user(s).", messages.SUCCESS
        )


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
