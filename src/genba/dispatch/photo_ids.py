"""Engineers' photo IDs: private files, shown to a customer only on a proposal made to it naming
that engineer while the request is open (rulebook §7), every view logged."""

from __future__ import annotations

from pathlib import PurePath

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from genba.accounts.models import Role
from genba.core import audit
from genba.core.errors import FieldProblem, ValidationFailed
from genba.core.transitions import require_role
from genba.dispatch.models import EngineerProfile, Proposal, ProposalStatus
from genba.orders.attachments import sniff_content_type
from genba.orders.models import CLOSED_STATUSES

PHOTO_TYPES = {".jpg", ".jpeg", ".png", ".pdf"}
MAX_BYTES = 5 * 1024 * 1024


@transaction.atomic
def photo_id_set(*, profile: EngineerProfile, upload, by) -> EngineerProfile:
    require_role(by, Role.COORDINATOR, Role.ADMIN)
    name = PurePath(upload.name or "").name
    upload.seek(0)
    content_type = sniff_content_type(name, upload.read(4096))
    if (
        PurePath(name).suffix.lower() not in PHOTO_TYPES
        or content_type is None
        or upload.size > MAX_BYTES
    ):
        raise ValidationFailed(
            _("A photo ID is a JPEG, PNG or PDF file of at most 5 MB."),
            problems=[
                FieldProblem(
                    "file", _("A photo ID is a JPEG, PNG or PDF file of at most 5 MB."), "type"
                )
            ],
        )
    upload.seek(0)
    # The retention purge (dispatch.photo_id_retention) takes this lock too: an upload never lands
    # between its check and its delete, and one made after a purge sees the emptied field.
    profile.photo_id = (
        EngineerProfile.objects.select_for_update()
        .values_list("photo_id", flat=True)
        .get(pk=profile.pk)
    )
    if profile.photo_id:
        profile.photo_id.delete(save=False)
    profile.photo_id.save(profile.public_id, upload, save=False)
    profile.photo_id_content_type = content_type
    profile.save(update_fields=["photo_id", "photo_id_content_type"])
    audit.record(
        actor=by, obj=profile, action="photo_id_set", organization=profile.user.organization
    )
    return profile


def photo_id_for_viewer(*, viewer, request, proposal_id: str, engineer_id: str) -> EngineerProfile:
    """The profile whose photo ID the viewer may see, and the view logged; else 404.

    `request` is already scoped to the viewer (orders.selectors.get_request_for)."""
    proposal = Proposal.objects.filter(request=request, public_id=proposal_id).first()
    profile = (
        EngineerProfile.objects.select_related("user")
        .filter(public_id=engineer_id, user__proposals=proposal)
        .first()
        if proposal
        else None
    )
    # An empty field (never uploaded, or deleted by the retention purge) or a file gone from storage
    # (a purge whose commit failed after the delete) is a plain 404, and no view is logged.
    if (
        profile is None
        or not profile.photo_id
        or not profile.photo_id.storage.exists(profile.photo_id.name)
    ):
        raise Http404
    if viewer.role == Role.CUSTOMER:
        open_offer = proposal.status in (ProposalStatus.OPEN, ProposalStatus.APPROVED)
        if request.status in CLOSED_STATUSES or not open_offer:
            raise Http404
    elif viewer.role not in (Role.COORDINATOR, Role.ADMIN):
        raise Http404
    audit.record(
        actor=viewer,
        obj=profile,
        action="photo_id_viewed",
        organization=request.organization,
        data={"request": request.public_id, "proposal": proposal.public_id},
    )
    return profile
