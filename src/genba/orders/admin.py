"""The back office over requests. Statuses and timestamps are read-only here: they change only
through the transition services, so that every change is guarded and audited."""

from django.contrib import admin
from django.utils.html import format_html_join

from genba.core.admin import AuditedAdminMixin
from genba.orders.models import (
    Attachment,
    EquipmentLine,
    ItemToBring,
    PaperworkItem,
    ServiceRequest,
    Visit,
    VisitExpense,
)

_LIFECYCLE = (
    "public_id",
    "status",
    "created_by",
    "created_at",
    "updated_at",
    "submitted_at",
    "approved_at",
    "sla_started_at",
    "released_at",
    "completed_at",
    "closed_at",
    "cancellation_charged",
    "end_reason",
    "call_recorded_at",
    "call_note",
)


class VisitInline(admin.TabularInline):
    model = Visit
    extra = 0
    fields = (
        "public_id",
        "status",
        "scheduled_start",
        "reserved_hours",
        "arrived_at",
        "signed_off_at",
        "signed_off_by_name",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EquipmentInline(admin.TabularInline):
    model = EquipmentLine
    extra = 0


class ItemInline(admin.TabularInline):
    model = ItemToBring
    extra = 0


class PaperworkInline(admin.TabularInline):
    model = PaperworkItem
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = (
        "public_id",
        "kind",
        "original_name",
        "content_type",
        "size",
        "uploaded_by",
        "uploaded_at",
    )
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ServiceRequest)
class ServiceRequestAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Requests are created by customers (API, portal, e-mail), never here; staff correct details.
    Who ordered, under which contract and policy, is not editable: it decides the rules and price."""

    list_display = ("public_id", "title", "organization", "status", "urgency", "created_at")
    list_filter = ("status", "urgency", "policy", "organization")
    list_select_related = ("organization",)
    search_fields = ("public_id", "title", "reference")
    date_hierarchy = "created_at"
    readonly_fields = ("open_findings", "organization", "contract", "policy", *_LIFECYCLE)
    raw_id_fields = ("site", "local_contact", "remote_engineer")
    inlines = [VisitInline, EquipmentInline, ItemInline, PaperworkInline, AttachmentInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        # What a coordinator looks at first: whose request, where it stands, what is missing.
        first = ["public_id", "status", "organization", "open_findings"]
        return first + [f for f in super().get_fields(request, obj) if f not in first]

    @admin.display(description="Open findings")
    def open_findings(self, obj):
        from genba.orders.selectors import request_findings

        findings = request_findings(obj)
        if not findings:
            return "—"
        return format_html_join(
            "\n",
            "<div><b>{}</b> {} <code>{}</code>: {}</div>",
            ((f.severity, f.code, f.field, f.message_en) for f in findings),
        )


@admin.register(Visit)
class VisitAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("public_id", "request", "status", "scheduled_start", "reserved_hours")
    list_filter = ("status",)
    list_select_related = ("request",)
    readonly_fields = (
        "public_id",
        "request",
        "status",
        "en_route_at",
        "arrived_at",
        "work_started_at",
        "signed_off_at",
        "signed_off_by_name",
        "signed_off_recorded_by",
        "ended_reason",
    )
    filter_horizontal = ("assigned_engineers",)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    """Metadata only: the file itself is served by the permission-checked download, not here."""

    list_display = ("original_name", "request", "kind", "size", "uploaded_by", "uploaded_at")
    list_select_related = ("request", "uploaded_by")
    readonly_fields = (
        "public_id",
        "request",
        "original_name",
        "content_type",
        "size",
        "sha256",
        "uploaded_by",
        "uploaded_at",
    )
    exclude = ("file",)


for model in (EquipmentLine, ItemToBring, PaperworkItem, VisitExpense):
    admin.site.register(model)
