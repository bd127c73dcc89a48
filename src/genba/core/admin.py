from django.contrib import admin

from genba.core.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only, and the admin is no exception."""

    list_display = (
        "at",
        "actor_label",
        "object_type",
        "object_id",
        "action",
        "from_state",
        "to_state",
    )
    list_filter = ("object_type", "action")
    search_fields = ("object_id", "actor_label", "reason")
    date_hierarchy = "at"
    list_select_related = ("actor",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdminMixin:
    """Back-office edits land in the audit trail too: who changed which fields of what, and when."""

    def save_model(self, request, obj, form, change):
        from genba.core import audit

        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            obj=obj,
            action="admin_changed" if change else "admin_created",
            data={"fields": sorted(form.changed_data)},
        )
