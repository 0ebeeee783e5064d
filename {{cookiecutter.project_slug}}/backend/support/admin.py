from django.contrib import admin

from .models import Reply, SupportRequest


class ReplyInline(admin.TabularInline):
    model = Reply
    extra = 0
    fields = ["author", "body", "created_at"]
    readonly_fields = ["created_at"]
    autocomplete_fields = ["author"]


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    list_display = ["subject", "author", "status", "created_at", "updated_at"]
    list_filter = ["status", "created_at", "updated_at"]
    list_select_related = ["author"]
    search_fields = ["subject", "body", "author__email", "author__name"]
    autocomplete_fields = ["author"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [ReplyInline]
