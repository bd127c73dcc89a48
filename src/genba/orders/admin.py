"""The back office over requests: view-only for everybody, the administrator included. A request,
its visits, lines, expenses and files change only through the services (portal, console, field
view, API, e-mail), so that every change is guarded, checked and audited; nothing is uploaded here
(attachments are checked by orders.attachments.attachment_add on the way in)."""

from django.contrib import admin
from django.utils.html import format_html_join

from genba.core.admin import ADMIN_COORDINATOR, STAFF, ReadOnlyInline, ViewOnly
from genba.orders.models import (
    Attachment,
    EquipmentLine,
    ItemToBring,
    PaperworkItem,
    ServiceRequest,
    Visit,
    VisitChange,
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


class VisitInline(ReadOnlyInline, admin.TabularInline):
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


class EquipmentInline(ReadOnlyInline, admin.TabularInline):
    model = EquipmentLine
    extra = 0


class ItemInline(ReadOnlyInline, admin.TabularInline):
    model = ItemToBring
    extra = 0


class PaperworkInline(ReadOnlyInline, admin.TabularInline):
    model = PaperworkItem
    extra = 0


class AttachmentInline(ReadOnlyInline, admin.TabularInline):
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


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ViewOnly, admin.ModelAdmin):
    """Requests are created and changed by customers (API, portal, e-mail) and moved by the
    console's actions, never here."""

    view_roles = STAFF

    list_display = ("public_id", "title", "organization", "status", "urgency", "created_at")
    list_filter = ("status", "urgency", "policy", "organization")
    list_select_related = ("organization",)
    search_fields = ("public_id", "title", "reference")
    date_hierarchy = "created_at"
    readonly_fields = ("open_findings", "organization", "contract", "policy", *_LIFECYCLE)
    raw_id_fields = ("site", "local_contact", "remote_engineer")
    inlines = [VisitInline, EquipmentInline, ItemInline, PaperworkInline, AttachmentInline]

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
class VisitAdmin(ViewOnly, admin.ModelAdmin):
    """Scheduled in the request, moved by the field view and the console (visit_services)."""

    view_roles = STAFF
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


@admin.register(Attachment)
class AttachmentAdmin(ViewOnly, admin.ModelAdmin):
    """Metadata only: the file itself is served by the permission-checked download, not here, and
    is added only through attachment_add (portal, field view, API, e-mail), which checks it."""

    view_roles = ADMIN_COORDINATOR
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


class RequestPartAdmin(ViewOnly, admin.ModelAdmin):
    """Lines of a request (changed with it by request_update), visit expenses (visit_expense_add)
    and the customer's asks to move a visit (orders.visit_changes)."""

    view_roles = STAFF


for model in (EquipmentLine, ItemToBring, PaperworkItem, VisitExpense, VisitChange):
    admin.site.register(model, RequestPartAdmin)
