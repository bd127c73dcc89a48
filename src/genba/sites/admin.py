"""Sites, contacts and coverage in the back office. Sites and contacts belong to the customer and
change through its requests (portal, API, e-mail), where addresses and phone numbers are checked:
view-only here. Zones are renamed and areas added or removed on the console's settings page; a new
zone has no page, so the administrator creates it here."""

from django.contrib import admin

from genba.core.admin import (
    ADMIN,
    ADMIN_COORDINATOR,
    STAFF,
    AuditedAdminMixin,
    ReadOnlyInline,
    RoleAccess,
    ViewOnly,
)
from genba.sites.models import Contact, CoverageArea, CoverageZone, Site


class CoverageAreaInline(ReadOnlyInline, admin.TabularInline):
    model = CoverageArea
    extra = 0
    fields = ("prefecture", "municipality_code", "municipality_name")
    readonly_fields = fields


@admin.register(CoverageZone)
class CoverageZoneAdmin(RoleAccess, AuditedAdminMixin, admin.ModelAdmin):
    view_roles = STAFF
    edit_roles = ADMIN
    list_display = ("code", "name", "policy", "travel_required")
    list_filter = ("policy", "travel_required")
    inlines = [CoverageAreaInline]

    def get_readonly_fields(self, request, obj=None):
        # Name and travel flag change on the settings page (console.policy_services.zone_update);
        # the code is what engineers' zones and prices refer to, so it stays as created.
        return ("policy", "code", "name", "travel_required") if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        # Its areas would go with it, unaudited; emptying a zone is done area by area.
        return False


@admin.register(CoverageArea)
class CoverageAreaAdmin(ViewOnly, admin.ModelAdmin):
    """Added and removed on the settings page (one area in one zone per policy, audited)."""

    view_roles = STAFF
    list_display = ("prefecture", "municipality_code", "municipality_name", "zone")
    list_filter = ("zone__policy", "zone")
    list_select_related = ("zone",)
    search_fields = ("prefecture", "municipality_name", "municipality_code")


@admin.register(Site)
class SiteAdmin(ViewOnly, admin.ModelAdmin):
    view_roles = ADMIN_COORDINATOR
    list_display = ("name", "organization", "prefecture", "city", "is_datacenter", "public_id")
    list_filter = ("is_datacenter", "organization")
    list_select_related = ("organization",)
    search_fields = ("name", "company_name", "city", "street", "public_id")


@admin.register(Contact)
class ContactAdmin(ViewOnly, admin.ModelAdmin):
    view_roles = ADMIN_COORDINATOR
    list_display = ("name", "organization", "phone", "email", "language", "public_id")
    list_filter = ("organization", "language")
    list_select_related = ("organization",)
    search_fields = ("name", "email", "phone", "public_id")
