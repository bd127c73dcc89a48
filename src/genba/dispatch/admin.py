from django.contrib import admin

from genba.core.admin import AuditedAdminMixin
from genba.dispatch.models import Booking, EngineerProfile, Leave, Proposal


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("public_id", "request", "status", "created_by", "created_at", "decided_at")
    list_filter = ("status",)
    list_select_related = ("request", "created_by")
    readonly_fields = (
        "public_id",
        "request",
        "status",
        "created_by",
        "created_at",
        "decided_by",
        "decided_at",
        "decline_reason",
    )

    def has_add_permission(self, request):
        return False


@admin.register(EngineerProfile)
class EngineerProfileAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """The photo ID is uploaded here; it is served only through the permission-checked, logged view."""

    list_display = ("__str__", "skill_level", "languages", "zones", "active", "public_id")
    list_filter = ("skill_level", "active")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__first_name", "user__last_name", "public_id")
    readonly_fields = ("public_id", "photo_id_content_type")


@admin.register(Leave)
class LeaveAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("engineer", "starts_at", "ends_at", "reason")
    list_select_related = ("engineer",)


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Read-only: bookings change through proposals and the booking service (the overlap rule)."""

    list_display = ("engineer", "starts_at", "ends_at", "status", "visit")
    list_filter = ("status",)
    list_select_related = ("engineer", "visit")
    date_hierarchy = "starts_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Booking._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
