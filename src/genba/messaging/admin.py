from django.contrib import admin

from genba.messaging.models import CalendarFeed, Notification, SlaAlert, SweepRun


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = ("sent_at", "kind", "recipient", "language", "subject")
    list_filter = ("kind", "language")
    search_fields = ("recipient", "subject", "key")


@admin.register(SlaAlert)
class SlaAlertAdmin(ReadOnly):
    list_display = ("raised_at", "kind", "request", "due_at")
    list_filter = ("kind",)
    list_select_related = ("request",)


@admin.register(SweepRun)
class SweepRunAdmin(ReadOnly):
    list_display = ("name", "slot", "ran_at")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at", "revoked_at")
    list_select_related = ("user",)
    readonly_fields = ("user", "created_at")
    exclude = ("token_hash",)

    def has_add_permission(self, request):
        return False
