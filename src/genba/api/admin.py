from django.contrib import admin

from genba.api.models import IdempotencyRecord
from genba.core.admin import ADMIN, ViewOnly


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(ViewOnly, admin.ModelAdmin):
    """The API's own memory of answered requests: looked at when a client disputes a retry."""

    view_roles = ADMIN
    list_display = ("key", "user", "method", "path", "status_code", "created_at")
    readonly_fields = (
        "user",
        "key",
        "method",
        "path",
        "body_sha256",
        "status_code",
        "response",
        "created_at",
    )
