from django.contrib import admin

from genba.api.models import IdempotencyRecord


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False
