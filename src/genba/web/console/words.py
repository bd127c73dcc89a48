"""Words for what the audit trail records, so the timeline reads in the viewer's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

ACTIONS = {
    "created": _("Created"),
    "updated": _("Changed by the customer"),
    "submitted": _("Submitted"),
    "info_requested": _("Customer asked for information"),
    "call_recorded": _("Call recorded"),
    "proposed": _("Engineers proposed"),
    "approved": _("Approved"),
    "declined": _("Declined"),
    "withdrawn": _("Withdrawn"),
    "proposal_declined": _("Proposal declined by the customer"),
    "proposal_withdrawn": _("Proposal withdrawn"),
    "released": _("Released"),
    "started": _("Work started"),
    "en_route": _("Engineer en route"),
    "arrived": _("Engineer arrived"),
    "work_started": _("Work started"),
    "signed_off": _("Signed off"),
    "signature_recorded": _("Signature recorded"),
    "no_access": _("No access"),
    "completed": _("Completed"),
    "invoiced": _("Invoiced"),
    "paid": _("Paid"),
    "cancelled": _("Cancelled"),
    "confirmed": _("Booking confirmed"),
    "booked": _("Engineer booked"),
    "reassigned": _("Engineer reassigned"),
    "rescheduled": _("Visit rescheduled"),
    "step_undone": _("Step undone"),
    "start_undone": _("Back to released"),
    "attachment_added": _("Attachment added"),
    "note_added": _("Note added"),
    "expense_added": _("Expense added"),
    "photo_id_viewed": _("Photo ID viewed"),
    "photo_id_deleted": _("Photo ID deleted"),
    "issued": _("Issued"),
}

OBJECTS = {
    "servicerequest": _("Request"),
    "visit": _("Visit"),
    "proposal": _("Proposal"),
    "booking": _("Booking"),
}


def action_label(event) -> str:
    return str(ACTIONS.get(event.action, event.action))


def object_label(event) -> str:
    return str(OBJECTS.get(event.object_type, event.object_type))


# genba/dispatch/reassign.py is new: until the main catalog is regenerated with it, its refusals are
# translated from this app's catalog (same msgids; Django merges the catalogs).
REASSIGN_TEXTS = (
    gettext_noop("Only an active engineer can be booked."),
    gettext_noop("Only a confirmed booking can be reassigned."),
    gettext_noop("This visit has started or ended; its engineer can no longer be changed."),
    gettext_noop("The visit is already booked for this engineer."),
    gettext_noop("%(name)s is already on this visit."),
    gettext_noop("%(name)s is on leave then."),
)
