"""The back office (/admin/) is for what has no page. Who may open and change what is decided here,
by role, in each ModelAdmin (`RoleAccess`), on top of Django's permissions: a group or a superuser
flag can narrow it, never widen it. A model whose changes have a service (requests, visits,
proposals, invoices, sites...) is view-only for everybody, the administrator included, so that no
status moves and no rule is skipped here. The table is in docs/back-office.md."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from genba.accounts.models import Role
from genba.core.models import AuditEvent

# Shorthands for the tables in each admin.py.
ADMIN = frozenset({Role.ADMIN})
ADMIN_COORDINATOR = frozenset({Role.ADMIN, Role.COORDINATOR})
ADMIN_BILLING = frozenset({Role.ADMIN, Role.BILLING})
STAFF = frozenset({Role.ADMIN, Role.COORDINATOR, Role.BILLING})
NOBODY: frozenset = frozenset()


def _role(request):
    return getattr(request.user, "role", None)


class RoleAccess:
    """`view_roles` may open the list and the pages; `edit_roles` may also change (and add or
    delete, unless the ModelAdmin refuses those for everybody). Anybody else, a customer or an
    engineer given `is_staff` by mistake included, sees nothing."""

    view_roles: frozenset = NOBODY
    edit_roles: frozenset = NOBODY

    def has_module_permission(self, request):
        return _role(request) in (
            self.view_roles | self.edit_roles
        ) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return _role(request) in (
            self.view_roles | self.edit_roles
        ) and super().has_view_permission(request, obj)

    def has_add_permission(self, request, *args):
        return _role(request) in self.edit_roles and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return _role(request) in self.edit_roles and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return _role(request) in self.edit_roles and super().has_delete_permission(request, obj)


class ViewOnly(RoleAccess):
    """For models whose changes have a service: nobody adds, changes or deletes them here."""

    edit_roles = NOBODY


class ReadOnlyInline:
    """An inline shown, never edited (its parent's changes go through a service, or its own)."""

    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnly, admin.ModelAdmin):
    """Read-only: the trail is append-only, and the admin is no exception. Only the administrator
    reads it here (it spans every organization, photo ID views included); staff see a request's
    history in the console."""

    view_roles = ADMIN
    list_display = (
        "at",
        "actor_label",
        "object_type",
        "object_id",
        "action",
        "from_state",
        "to_state",
    )
    list_filter = ("object_type", "action")
    search_fields = ("object_id", "actor_label", "reason")
    date_hierarchy = "at"
    list_select_related = ("actor",)


class AuditedAdminMixin:
    """Back-office edits land in the audit trail too: who changed which fields of what, and when."""

    def save_model(self, request, obj, form, change):
        from genba.core import audit

        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            obj=obj,
            action="admin_changed" if change else "admin_created",
            data={"fields": sorted(form.changed_data)},
        )


@admin.action(description=_("Revoke the selected (cannot be undone)"))
def revoke(modeladmin, request, queryset):
    """For credentials (API tokens, calendar feeds): a leaked one is cut off by the administrator,
    who has no other page for it. Revoking is one way: `revoked_at` is never edited by hand, so a
    revoked credential cannot be brought back."""
    from django.db import transaction

    from genba.core import audit, clock

    if _role(request) != Role.ADMIN:
        return
    with transaction.atomic():
        done = 0
        for obj in queryset.select_for_update().filter(revoked_at__isnull=True):
            obj.revoked_at = clock.now()
            obj.save(update_fields=["revoked_at"])
            audit.record(actor=request.user, obj=obj, action="admin_revoked")
            done += 1
    modeladmin.message_user(request, _("%(count)d revoked.") % {"count": done}, messages.SUCCESS)


def back_office_group(role: str):
    """The group a staff user of `role` joins: the Django permissions the tables above grant that
    role (view where it may look, add/change/delete where it may edit), so that the two locks
    agree. Derived from the registered ModelAdmins, never listed by hand."""
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    group, _created = Group.objects.get_or_create(name=f"Back office: {Role(role).value}")
    wanted = []
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, RoleAccess):
            continue
        if role in model_admin.edit_roles:
            actions = ("view", "add", "change", "delete")
        elif role in model_admin.view_roles:
            actions = ("view",)
        else:
            continue
        content_type = ContentType.objects.get_for_model(model)
        codenames = [f"{a}_{model._meta.model_name}" for a in actions]
        wanted.extend(Permission.objects.filter(content_type=content_type, codename__in=codenames))
    group.permissions.set(wanted)
    return group
