from django.contrib import admin

from genba.contracts.models import Contract, Policy
from genba.core.admin import (
    ADMIN,
    ADMIN_BILLING,
    STAFF,
    AuditedAdminMixin,
    ReadOnlyInline,
    RoleAccess,
)
from genba.sites.models import CoverageZone


class CoverageZoneInline(ReadOnlyInline, admin.TabularInline):
    """Zones are renamed in the console's settings; new ones are added on the zone page here."""

    model = CoverageZone
    extra = 0
    fields = ("code", "name", "travel_required")
    readonly_fields = fields


def _settings_page_fields() -> list[str]:
    # The fields the console's settings page edits, with its checks and an audited diff
    # (console.policy_services.policy_update): read-only here, so that they have one way in.
    from genba.web.console.forms import PolicyForm

    return list(PolicyForm.Meta.fields)


@admin.register(Policy)
class PolicyAdmin(RoleAccess, AuditedAdminMixin, admin.ModelAdmin):
    """The administrator edits here only what the settings page does not (time zone, business
    days, SLA and defaults); staff may look."""

    view_roles = STAFF
    edit_roles = ADMIN
    list_display = (
        "key",
        "name",
        "minimum_hours",
        "default_reserved_hours",
        "grace_minutes",
        "invoice_within_hours",
    )
    inlines = [CoverageZoneInline]

    def get_readonly_fields(self, request, obj=None):
        return _settings_page_fields() if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        # Contracts protect a policy in use, and its coverage would go with it unaudited.
        return False


@admin.register(Contract)
class ContractAdmin(RoleAccess, AuditedAdminMixin, admin.ModelAdmin):
    """Contracts and rates have no page: billing and the administrator keep them here (rulebook
    §7, billing: contracts, rates)."""

    view_roles = STAFF
    edit_roles = ADMIN_BILLING
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
