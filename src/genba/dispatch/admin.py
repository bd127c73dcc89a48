from django.contrib import admin

from genba.dispatch.models import Proposal


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
