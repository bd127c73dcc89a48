from django.contrib import admin

from genba.core.admin import AuditedAdminMixin
from genba.sites.models import Contact, CoverageArea, CoverageZone, Site


class CoverageAreaInline(admin.TabularInline):
    model = CoverageArea
    extra = 0


@admin.register(CoverageZone)
class CoverageZoneAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "policy", "travel_required")
    list_filter = ("policy", "travel_required")
    inlines = [CoverageAreaInline]


@admin.register(CoverageArea)
class CoverageAreaAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("prefecture", "municipality_code", "municipality_name", "zone")
    list_filter = ("zone__policy", "zone")
    list_select_related = ("zone",)
    search_fields = ("prefecture", "municipality_name", "municipality_code")


@admin.register(Site)
class SiteAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "organization", "prefecture", "city", "is_datacenter", "public_id")
    list_filter = ("is_datacenter", "organization")
    list_select_related = ("organization",)
    search_fields = ("name", "company_name", "city", "street", "public_id")
    readonly_fields = ("public_id", "created_at")


@admin.register(Contact)
class ContactAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "organization", "phone", "email", "language", "public_id")
    list_filter = ("organization", "language")
    list_select_related = ("organization",)
    search_fields = ("name", "email", "phone", "public_id")
    readonly_fields = ("public_id", "phone", "created_at")
