"""The back office over webhooks. The secrets are never shown; deliveries are a read-only log
(a replay is the customer's action, through the API)."""

from django.contrib import admin

from genba.core.admin import AuditedAdminMixin
from genba.messaging.webhooks.models import WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("public_id", "organization", "url", "active", "created_at")
    list_filter = ("active", "organization")
    list_select_related = ("organization",)
    search_fields = ("public_id", "url", "description")
    # `secret` and `previous_secret` are left out of the form altogether (not even read-only).
    fields = (
        "public_id",
        "organization",
        "url",
        "description",
        "event_types",
        "active",
        "previous_secret_expires_at",
        "created_by",
        "created_at",
        "updated_at",
    )
    readonly_fields = (
        "public_id",
        "organization",
        "url",
        "event_types",
        "previous_secret_expires_at",
        "created_by",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request):
        # Registered by the customer (URL rules, a secret shown to them once): not in the admin.
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "public_id",
        "endpoint",
        "event_type",
        "event_id",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "created_at",
    )
    list_filter = ("status", "event_type")
    list_select_related = ("endpoint",)
    search_fields = ("public_id", "event_id", "endpoint__public_id", "endpoint__url")
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
