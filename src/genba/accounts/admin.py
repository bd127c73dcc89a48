from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from genba.accounts.models import ApiToken, Organization, User
from genba.core.admin import ADMIN, STAFF, AuditedAdminMixin, RoleAccess, ViewOnly, revoke


@admin.register(Organization)
class OrganizationAdmin(RoleAccess, AuditedAdminMixin, admin.ModelAdmin):
    """No page edits organizations: the administrator does it here; staff may look."""

    view_roles = STAFF
    edit_roles = ADMIN
    list_display = ("name", "kind", "country", "public_id")
    list_filter = ("kind",)
    search_fields = ("name", "name_ja", "public_id")
    readonly_fields = ("public_id", "created_at")

    def has_delete_permission(self, request, obj=None):
        # Its requests, invoices and audit rows name it: a customer that leaves keeps its row.
        return False


@admin.register(User)
class UserAdmin(RoleAccess, AuditedAdminMixin, BaseUserAdmin):
    """Users, their roles and their groups are the administrator's alone (rulebook §7): a role or a
    permission is what every other rule is checked against."""

    edit_roles = ADMIN
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "organization", "role", "is_active")
    list_filter = ("role", "organization", "is_active")
    search_fields = ("email", "first_name", "last_name")
    list_select_related = ("organization",)
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "phone", "language", "time_zone")}),
        ("Genba", {"fields": ("organization", "role")}),
        (
            "Django",
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "organization", "role", "password1", "password2"),
            },
        ),
    )

    def has_delete_permission(self, request, obj=None):
        # A user who leaves is made inactive: requests, bookings and the audit trail name them.
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(ViewOnly, admin.ModelAdmin):
    """Tokens are issued with `genba create-token` or in the portal; here the administrator only
    looks at them and revokes them (the action: `revoked_at` is not typed in, so a revoked token
    cannot be revived)."""

    view_roles = ADMIN
    actions = [revoke]
    list_display = ("hint", "user", "name", "created_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
    exclude = ("token_hash",)
    readonly_fields = ("user", "name", "hint", "created_at", "last_used_at", "revoked_at")
