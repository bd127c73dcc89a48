from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from genba.core.admin import (
    ADMIN,
    ADMIN_COORDINATOR,
    AuditedAdminMixin,
    RoleAccess,
    ViewOnly,
)
from genba.core.errors import ValidationFailed
from genba.dispatch.models import (
    Booking,
    EngineerProfile,
    Leave,
    Proposal,
    ProposalTravel,
    ProposalTravelItem,
)


@admin.register(Proposal)
class ProposalAdmin(ViewOnly, admin.ModelAdmin):
    """Made, withdrawn, approved and declined through the dispatch services (console, portal, API)."""

    view_roles = ADMIN_COORDINATOR
    list_display = ("public_id", "request", "status", "created_by", "created_at", "decided_at")
    list_filter = ("status",)
    list_select_related = ("request", "created_by")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Proposal._meta.concrete_fields] + ["engineers"]


class ProposalTravelItemInline(ViewOnly, admin.TabularInline):
    model = ProposalTravelItem
    view_roles = ADMIN_COORDINATOR
    fields = ("description", "amount")
    readonly_fields = fields
    extra = 0


@admin.register(ProposalTravel)
class ProposalTravelAdmin(ViewOnly, admin.ModelAdmin):
    """The travel expected on a proposal (issue 13): set with the proposal (console, API), read
    here; an approved estimate must not change under the customer."""

    view_roles = ADMIN_COORDINATOR
    list_display = ("proposal", "visit", "hours", "flat_fee")
    list_select_related = ("proposal", "visit")
    inlines = [ProposalTravelItemInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in ProposalTravel._meta.concrete_fields]


@admin.register(ProposalTravelItem)
class ProposalTravelItemAdmin(ViewOnly, admin.ModelAdmin):
    view_roles = ADMIN_COORDINATOR
    list_display = ("travel", "description", "amount")
    list_select_related = ("travel",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in ProposalTravelItem._meta.concrete_fields]


class EngineerProfileForm(forms.ModelForm):
    # Not the model's FileField: a new photo ID goes through dispatch.photo_ids.photo_id_set, the
    # same checks (type sniffed from the content, size), storage name and audit row as the API.
    new_photo_id = forms.FileField(
        label=_("New photo ID"),
        required=False,
        help_text=_("JPEG, PNG or PDF, at most 5 MB; replaces the one on file."),
    )

    class Meta:
        model = EngineerProfile
        fields = (
            "user",
            "skill_level",
            "languages",
            "home_label",
            "home_latitude",
            "home_longitude",
            "zones",
            "datacenter_access",
            "work_days",
            "work_start",
            "work_end",
            "active",
        )


@admin.register(EngineerProfile)
class EngineerProfileAdmin(RoleAccess, AuditedAdminMixin, admin.ModelAdmin):
    """Skills, zones and working week have no page: the administrator keeps them here, and may
    upload a photo ID. The file is never linked from here: it is served only through the
    permission-checked, logged view."""

    view_roles = ADMIN_COORDINATOR
    edit_roles = ADMIN
    form = EngineerProfileForm
    list_display = ("__str__", "skill_level", "languages", "zones", "active", "public_id")
    list_filter = ("skill_level", "active")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__first_name", "user__last_name", "public_id")

    def get_readonly_fields(self, request, obj=None):
        # A profile stays with the engineer it was made for (proposals and bookings name the user).
        return ("public_id", "photo_id_on_file") + (("user",) if obj is not None else ())

    @admin.display(description=_("Photo ID on file"))
    def photo_id_on_file(self, obj):
        return obj.photo_id_content_type if obj and obj.photo_id else "—"

    def save_model(self, request, obj, form, change):
        from genba.dispatch.photo_ids import photo_id_set

        super().save_model(request, obj, form, change)
        upload = form.cleaned_data.get("new_photo_id")
        if upload:
            photo_id_set(profile=obj, upload=upload, by=request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The admin saves in one transaction (changeform_view is atomic): a photo ID refused by
        # photo_id_set rolls the whole form back, and the page says why.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationFailed as refused:
            reasons = " ".join(p.message for p in refused.problems) or refused.message
            self.message_user(
                request,
                gettext("Nothing was saved: %(reasons)s") % {"reasons": reasons},
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())


@admin.register(Leave)
class LeaveAdmin(RoleAccess, AuditedAdminMixin, admin.ModelAdmin):
    """Leave has no page: coordinators (who plan) and the administrator record it here."""

    view_roles = ADMIN_COORDINATOR
    edit_roles = ADMIN_COORDINATOR
    list_display = ("engineer", "starts_at", "ends_at", "reason")
    list_select_related = ("engineer",)


@admin.register(Booking)
class BookingAdmin(ViewOnly, admin.ModelAdmin):
    """Bookings change through proposals, reassignment and the booking service (the overlap rule)."""

    view_roles = ADMIN_COORDINATOR
    list_display = ("engineer", "starts_at", "ends_at", "status", "visit")
    list_filter = ("status",)
    list_select_related = ("engineer", "visit")
    date_hierarchy = "starts_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in Booking._meta.concrete_fields]
