"""Billing in the back office: issuer profile editable; invoices read-only (issued ones never
change: credit notes correct them, through the API or `genba issue-invoices`)."""

from django.contrib import admin

from genba.billing.models import Invoice, InvoiceLine, IssuerProfile, NumberSequence
from genba.core.admin import AuditedAdminMixin


@admin.register(IssuerProfile)
class IssuerProfileAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("legal_name", "registration_number", "bank_name")

    def has_add_permission(self, request):
        return not IssuerProfile.objects.exists()


class InvoiceLineInline(admin.TabularInline):
    model = InvoiceLine
    extra = 0
    can_delete = False
    fields = (
        "position",
        "visit_label",
        "kind",
        "description",
        "hours",
        "engineers",
        "rate",
        "multiplier",
        "amount",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ("number", "kind", "recipient_name", "issue_date", "due_date", "total", "late")
    list_filter = ("kind", "issue_date", "tax_treatment")
    search_fields = ("number", "recipient_name", "reference", "request__public_id")
    list_select_related = ("organization", "request")
    inlines = [InvoiceLineInline]

    @admin.display(boolean=True, description="late")
    def late(self, obj):
        return obj.is_late

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Invoice._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.method in ("GET", "HEAD") and super().has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NumberSequence)
class NumberSequenceAdmin(admin.ModelAdmin):
    list_display = ("kind", "year", "last_number")
    readonly_fields = ("kind", "year", "last_number")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InvoiceLine)
class InvoiceLineAdmin(admin.ModelAdmin):
    list_display = ("invoice", "position", "kind", "description", "amount")
    list_select_related = ("invoice",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in InvoiceLine._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
