from django.contrib import admin

from genba.contracts.models import Contract, Policy
from genba.core.admin import AuditedAdminMixin
from genba.sites.models import CoverageZone


class CoverageZoneInline(admin.TabularInline):
    model = CoverageZone
    extra = 0


@admin.register(Policy)
class PolicyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "key",
        "name",
        "minimum_hours",
        "default_reserved_hours",
        "grace_minutes",
        "invoice_within_hours",
    )
    inlines = [CoverageZoneInline]


@admin.register(Contract)
class ContractAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "organization",
        "name",
        "kind",
        "policy",
        "active",
        "starts_on",
        "ends_on",
        "tax_treatment",
    )
    list_filter = ("kind", "active", "policy", "tax_treatment")
    list_select_related = ("organization", "policy")
    search_fields = ("name", "organization__name")
