"""Billing in the back office: the issuer profile is edited here (it has no page); invoices and
credit notes are view-only (issued ones never change: credit notes correct them, in the console,
through the API or `genba issue-invoices`)."""

from django.contrib import admin

from genba.billing.models import Invoice, InvoiceLine, IssuerProfile, NumberSequence
from genba.core.admin import ADMIN_BILLING, AuditedAdminMixin, ReadOnlyInline, RoleAccess, ViewOnly


@admin.register(IssuerProfile)
class IssuerProfileAdmin(RoleAccess, AuditedAdminMixin, admin.ModelAdmin):
    """What every invoice prints about the provider; later invoices take it as a snapshot."""

    edit_roles = ADMIN_BILLING
    list_display = ("legal_name", "registration_number", "bank_name")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not IssuerProfile.objects.exists()

    def get_readonly_fields(self, request, obj=None):
        # The numbers and office hours have their page (console → Billing → Our numbers), with
        # its checks and the audited diff: one way in once the profile exists.
        if obj is None:
            return ()
        return IssuerProfile.CONTACT_FIELDS

    def has_delete_permission(self, request, obj=None):
        return False


class InvoiceLineInline(ReadOnlyInline, admin.TabularInline):
    model = InvoiceLine
    extra = 0
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


@admin.register(Invoice)
class InvoiceAdmin(ViewOnly, admin.ModelAdmin):
    view_roles = ADMIN_BILLING
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


@admin.register(NumberSequence)
class NumberSequenceAdmin(ViewOnly, admin.ModelAdmin):
    """Numbers run without gaps (rulebook §6): only the issuing services move them."""

    view_roles = ADMIN_BILLING
    list_display = ("kind", "year", "last_number")
    readonly_fields = ("kind", "year", "last_number")


@admin.register(InvoiceLine)
class InvoiceLineAdmin(ViewOnly, admin.ModelAdmin):
    view_roles = ADMIN_BILLING
    list_display = ("invoice", "position", "kind", "description", "amount")
    list_select_related = ("invoice",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in InvoiceLine._meta.concrete_fields]
