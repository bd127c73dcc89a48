"""The back office over webhooks. The secrets are never shown; deliveries are a read-only log
(a replay is the customer's action, through the API). Endpoints are registered, changed and
deleted (switched off) by the customer through the API, whose services check the URL and the event
types: view-only here, for the administrator only."""

from django.contrib import admin

from genba.core.admin import ADMIN, ViewOnly
from genba.messaging.webhooks.models import WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ViewOnly, admin.ModelAdmin):
    view_roles = ADMIN
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
    readonly_fields = fields


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ViewOnly, admin.ModelAdmin):
    view_roles = ADMIN
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
