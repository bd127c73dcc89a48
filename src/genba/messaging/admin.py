from django.contrib import admin

from genba.core.admin import ADMIN, ADMIN_COORDINATOR, STAFF, ViewOnly, revoke
from genba.messaging.models import CalendarFeed, Notification, SlaAlert, SweepRun


@admin.register(Notification)
class NotificationAdmin(ViewOnly, admin.ModelAdmin):
    """What was sent, to whom: staff check here that a customer was told."""

    view_roles = STAFF
    list_display = ("sent_at", "kind", "recipient", "language", "subject")
    list_filter = ("kind", "language")
    search_fields = ("recipient", "subject", "key")


@admin.register(SlaAlert)
class SlaAlertAdmin(ViewOnly, admin.ModelAdmin):
    view_roles = ADMIN_COORDINATOR
    list_display = ("raised_at", "kind", "request", "due_at")
    list_filter = ("kind",)
    list_select_related = ("request",)


@admin.register(SweepRun)
class SweepRunAdmin(ViewOnly, admin.ModelAdmin):
    view_roles = ADMIN
    list_display = ("name", "slot", "ran_at")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ViewOnly, admin.ModelAdmin):
    """A calendar feed's address is a credential: the administrator may only revoke it."""

    view_roles = ADMIN
    actions = [revoke]
    list_display = ("user", "created_at", "revoked_at")
    list_select_related = ("user",)
    readonly_fields = ("user", "created_at", "revoked_at")
    exclude = ("token_hash",)
