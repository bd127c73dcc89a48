"""A customer's request to move an approved visit, and the coordinator's answer (issue 13 item 5).

`POST /requests/{id}/visits/{v}/changes` (the ordering customer), `GET /requests/{id}/changes`,
`POST /requests/{id}/changes/{c}/confirm` and `.../decline` (coordinators). Anything outside the
caller's scope answers 404 (the request lookup); each change carries its `actions`
(orders.visit_changes.change_actions)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from genba.api.problems import refusals
from genba.core.bounds import MultiLineText, PlannedInstant, ReservedHours
from genba.core.transitions import require_role
from genba.orders import selectors
from genba.orders.actions import STAFF
from genba.orders.models import Visit, VisitChange
from genba.orders.visit_changes import (
    REASON_MAX,
    change_actions,
    visit_change_confirm,
    visit_change_decline,
    visit_change_request,
)

router = Router(tags=["changes after approval"])

ChangeReason = MultiLineText(REASON_MAX)


class ChangeIn(Schema):
    scheduled_start: PlannedInstant
    reserved_hours: ReservedHours | None = Field(None, description="unchanged when left out")
    reason: ChangeReason


class DeclineIn(Schema):
    reason: MultiLineText(2000)


class ChangeOut(Schema):
    id: str
    visit_id: str
    status: str
    scheduled_start: datetime
    reserved_hours: Decimal | None
    reason: str
    requested_at: datetime
    decided_at: datetime | None
    decline_reason: str
    original_start: datetime | None
    # Confirmed within the policy's late_change_hours of the original start: the original slot is
    # charged as a cancellation after approval (docs/pricing.md "Late changes").
    late: bool
    actions: list[str]


def _document(change: VisitChange, user) -> dict:
    return {
        "id": change.public_id,
        "visit_id": change.visit.public_id,
        "status": change.status,
        "scheduled_start": change.scheduled_start,
        "reserved_hours": change.reserved_hours,
        "reason": change.reason,
        "requested_at": change.requested_at,
        "decided_at": change.decided_at,
        "decline_reason": change.decline_reason,
        "original_start": change.original_start,
        "late": change.late,
        "actions": sorted(change_actions(change, user)),
    }


def _change(request, request_id: str, change_id: str) -> VisitChange:
    target = selectors.get_request_for(request.auth, request_id, details=False)
    change = get_object_or_404(
        VisitChange.objects.select_related("visit"), visit__request=target, public_id=change_id
    )
    change.visit.request = target
    return change


@router.get(
    "/requests/{request_id}/changes",
    response=list[ChangeOut],
    summary="The changes asked for on the request's visits, oldest first",
    openapi_extra=refusals(404),
)
def list_changes(request, request_id: str):
    target = selectors.get_request_for(request.auth, request_id, details=False)
    changes = list(
        VisitChange.objects.filter(visit__request=target)
        .select_related("visit")
        .order_by("requested_at", "id")
    )
    for change in changes:
        change.visit.request = target
    return [_document(c, request.auth) for c in changes]


@router.post(
    "/requests/{request_id}/visits/{visit_id}/changes",
    response={201: ChangeOut},
    summary="Ask to move an approved visit (the ordering customer; a coordinator confirms)",
    openapi_extra=refusals(403, 404, 409, body=True),
)
def ask_change(request, request_id: str, visit_id: str, data: ChangeIn):
    target = selectors.get_request_for(request.auth, request_id, details=False)
    visit = get_object_or_404(Visit, request=target, public_id=visit_id)
    change = visit_change_request(
        visit=visit,
        by=request.auth,
        scheduled_start=data.scheduled_start,
        reserved_hours=data.reserved_hours,
        reason=data.reason,
    )
    change.visit.request = target
    return Status(201, _document(change, request.auth))


@router.post(
    "/requests/{request_id}/changes/{change_id}/confirm",
    response=ChangeOut,
    summary="Confirm a change: the visit moves (every check of a reschedule)",
    openapi_extra=refusals(403, 404, 409),
)
def confirm_change(request, request_id: str, change_id: str):
    require_role(request.auth, *STAFF)
    change = visit_change_confirm(change=_change(request, request_id, change_id), by=request.auth)
    return _document(_change(request, request_id, change.public_id), request.auth)


@router.post(
    "/requests/{request_id}/changes/{change_id}/decline",
    response=ChangeOut,
    summary="Decline a change with a reason: the visit stays as it is",
    openapi_extra=refusals(403, 404, 409, body=True),
)
def decline_change(request, request_id: str, change_id: str, data: DeclineIn):
    require_role(request.auth, *STAFF)
    change = visit_change_decline(
        change=_change(request, request_id, change_id), by=request.auth, reason=data.reason
    )
    return _document(_change(request, request_id, change.public_id), request.auth)
