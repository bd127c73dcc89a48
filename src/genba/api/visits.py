"""/api/v1/visits: an engineer's work (the visit's steps, notes, photos, sign-off), and the
coordinator's changes to a visit under /requests/{id}/visits/{visit_id}/.

Each operation calls the one service the pages call; a refusal is problem+json with the service's
`code`. Every visit document carries its `actions` (orders.actions.visit_actions): what the caller
may do now, the same answer the services give.

Scope (rulebook §7): an engineer sees only the visits assigned to him or her; coordinators and
admins see every visit (they may record a step for the engineer); customers and billing have no
/visits (404: a customer follows visits in its requests).
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Literal

from django.db.models import F, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Body, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import Field

from genba.accounts.models import Role
from genba.api import idempotency
from genba.api.documents import (
    attachment_document,
    expense_document,
    request_detail_document,
    visit_document,
)
from genba.api.problems import refusals
from genba.api.schemas import (
    AttachmentOut,
    ReasonIn,
    RequestDetailOut,
    SignOffIn,
    VisitDocOut,
    VisitPage,
)
from genba.core.bounds import (
    FilterInstant,
    MultiLineText,
    Page,
    PageSize,
    PlannedInstant,
    ReservedHours,
)
from genba.core.errors import FieldProblem, ValidationFailed
from genba.core.transitions import require_role
from genba.dispatch.models import EngineerProfile
from genba.dispatch.reassign import (
    visit_engineer_add,
    visit_engineer_remove,
    visit_reassign,
    visit_reschedule,
)
from genba.orders import expense_reads, expenses, selectors, visit_services
from genba.orders.actions import STAFF
from genba.orders.models import Visit, VisitStatus
from genba.orders.visit_notes import NOTE_MAX_CHARS, visit_note_add

router = Router(tags=["visits"])


# --- reading ------------------------------------------------------------------------------------


def visits_visible_to(user) -> QuerySet[Visit]:
    if user.role == Role.ENGINEER:
        return Visit.objects.filter(assigned_engineers=user)
    if user.role in STAFF:
        return Visit.objects.all()
    # Customers follow their visits inside their requests; billing has no field work.
    raise Http404


def with_visit_details(qs: QuerySet[Visit]) -> QuerySet[Visit]:
    """Everything `visit_document` reads, in a fixed number of queries for any page."""
    return qs.select_related(
        "request__organization",
        "request__policy",
        "request__site",
        "request__local_contact",
        "request__remote_engineer",
    ).prefetch_related(
        "assigned_engineers",
        "request__equipment",
        "request__items_to_bring",
        "request__paperwork",
        "request__attachments",
        # visit_actions reads the request's other visits (add/remove an engineer: only on its
        # one visit ahead).
        "request__visits",
    )


def _visit(request, visit_id: str) -> Visit:
    visit = visits_visible_to(request.auth).filter(public_id=visit_id).first()
    if visit is None:
        raise Http404
    return visit


def _document(request, visit_id: str) -> dict:
    visit = with_visit_details(visits_visible_to(request.auth)).filter(public_id=visit_id).first()
    if visit is None:
        raise Http404
    return visit_document(visit, user=request.auth)


class VisitFilters(Schema):
    status: list[VisitStatus] = Field(default_factory=list, description="one or more statuses")
    scheduled_after: FilterInstant | None = Field(None, description="scheduled start at or after")
    scheduled_before: FilterInstant | None = Field(None, description="scheduled start before")
    order: Literal["scheduled_start", "-scheduled_start"] = Field(
        "scheduled_start", description="by scheduled start; '-scheduled_start' for latest first"
    )
    page: Page = 1
    page_size: PageSize = 25


def _aware(moment: datetime) -> datetime:
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@router.get(
    "/visits",
    response=VisitPage,
    summary="Your visits (engineers: those assigned to you; coordinators: all)",
    openapi_extra=refusals(404, 422),
)
def list_visits(request, filters: Query[VisitFilters]):
    qs = visits_visible_to(request.auth)
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    # A date or time without an offset is read in the server's time zone (TIME_ZONE, JST).
    if filters.scheduled_after:
        qs = qs.filter(scheduled_start__gte=_aware(filters.scheduled_after))
    if filters.scheduled_before:
        qs = qs.filter(scheduled_start__lt=_aware(filters.scheduled_before))
    start = F("scheduled_start")
    # A visit without a time yet comes last either way (PostgreSQL and SQLite differ otherwise).
    ordering = (
        start.desc(nulls_last=True) if filters.order.startswith("-") else start.asc(nulls_last=True)
    )
    count = qs.count()
    first = (filters.page - 1) * filters.page_size
    page = with_visit_details(qs.order_by(ordering, "id"))[first : first + filters.page_size]
    return {
        "items": [visit_document(v, user=request.auth) for v in page],
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "pages": max(1, math.ceil(count / filters.page_size)),
    }


@router.get(
    "/visits/{visit_id}",
    response=VisitDocOut,
    summary="A visit with what the job needs",
    openapi_extra=refusals(404),
)
def get_visit(request, visit_id: str):
    return _document(request, visit_id)


# --- the engineer's steps -----------------------------------------------------------------------

STEP_REFUSALS = refusals(403, 404, 409)


def _step(request, visit_id: str, service, **kwargs) -> dict:
    service(visit=_visit(request, visit_id), by=request.auth, **kwargs)
    return _document(request, visit_id)


@router.post(
    "/visits/{visit_id}/en-route",
    response=VisitDocOut,
    summary="On my way (from en_route_window_hours before the start)",
    openapi_extra=STEP_REFUSALS,
)
def en_route(request, visit_id: str):
    return _step(request, visit_id, visit_services.visit_en_route)


@router.post(
    "/visits/{visit_id}/arrive",
    response=VisitDocOut,
    summary="Arrived on site (after on my way)",
    openapi_extra=STEP_REFUSALS,
)
def arrive(request, visit_id: str):
    return _step(request, visit_id, visit_services.visit_arrive)


@router.post(
    "/visits/{visit_id}/start-work",
    response=VisitDocOut,
    summary="Work started (after the arrival)",
    openapi_extra=STEP_REFUSALS,
)
def start_work(request, visit_id: str):
    return _step(request, visit_id, visit_services.visit_start_work)


@router.post(
    "/visits/{visit_id}/no-access",
    response=VisitDocOut,
    summary="No access: the visit ends (the reservation is charged)",
    openapi_extra=refusals(403, 404, 409, body=True),
)
def no_access(request, visit_id: str, data: ReasonIn):
    return _step(request, visit_id, visit_services.visit_no_access, reason=data.reason)


@router.post(
    "/visits/{visit_id}/sign-off",
    response=VisitDocOut,
    summary="Record the customer's sign-off (the signer is named)",
    openapi_extra=refusals(403, 404, 409, body=True),
)
def sign_off(request, visit_id: str, data: Body[SignOffIn | None] = None):
    data = data or SignOffIn()
    return _step(
        request,
        visit_id,
        visit_services.visit_sign_off,
        signer_name=data.signer_name,
        signed_at=data.signed_at,
    )


NoteText = MultiLineText(NOTE_MAX_CHARS)
ReasonText = MultiLineText(2000)


class NoteIn(Schema):
    text: NoteText = ""


@router.post(
    "/visits/{visit_id}/notes",
    response=VisitDocOut,
    summary="Append a note to the visit's log (honours Idempotency-Key)",
    openapi_extra=refusals(403, 404, 409, body=True),
)
def add_note(request, visit_id: str, data: NoteIn):
    visit = _visit(request, visit_id)

    def append():
        visit_note_add(visit=visit, by=request.auth, text=data.text)
        return _document(request, visit_id)

    # A note sent again over a bad connection must not be appended twice.
    return idempotency.run(request, request.auth, append, status=200)


@router.post(
    "/visits/{visit_id}/photos",
    response={201: AttachmentOut},
    summary="Add a photo to the request's files (multipart `file`; honours Idempotency-Key)",
    openapi_extra=refusals(400, 403, 404, 409, 413, 422),
)
def add_photo(request, visit_id: str, file: File[UploadedFile]):
    visit = _visit(request, visit_id)

    def create():
        photo = visit_services.visit_photo_add(visit=visit, by=request.auth, upload=file)
        return attachment_document(visit.request, photo)

    return idempotency.run(request, request.auth, create)


# --- expenses -----------------------------------------------------------------------------------
# Scope (orders.expense_reads): coordinators, admins and billing see every expense; an engineer the
# ones he or she recorded on an assigned visit; a customer its visits' approved ones, without
# receipts. Outside that: 404.


class ReceiptOut(Schema):
    name: str
    content_type: str
    size: int
    download_url: str


class ExpenseOut(Schema):
    id: str
    visit: str
    description: str
    amount: int = Field(description="whole yen, tax excluded (taxed with the invoice)")
    status: Literal["pending", "approved", "rejected"]
    recorded_by: str
    recorded_at: datetime
    decided_by: str
    decided_at: datetime | None
    rejection_reason: str
    receipt: ReceiptOut | None
    # What the caller may do on this expense now (orders.actions.expense_actions), sorted:
    # approve, reject, remove.
    actions: list[str]


def _expense_answer(request, visit_id: str, expense_id: str) -> dict:
    visit = expense_reads.get_expense_visit(request.auth, visit_id)
    expense = expense_reads.get_expense(request.auth, visit, expense_id)
    return expense_document(expense, user=request.auth)


@router.get(
    "/visits/{visit_id}/expenses",
    response=list[ExpenseOut],
    tags=["expenses"],
    summary="A visit's expenses (customers: the approved ones)",
    openapi_extra=refusals(404),
)
def list_expenses(request, visit_id: str):
    visit = expense_reads.get_expense_visit(request.auth, visit_id)
    return [
        expense_document(e, user=request.auth)
        for e in expense_reads.list_expenses(request.auth, visit)
    ]


@router.post(
    "/visits/{visit_id}/expenses",
    response={201: ExpenseOut},
    tags=["expenses"],
    summary=(
        "Record an expense (multipart: description, amount in yen, receipt; an engineer's is "
        "pending and needs its receipt, a coordinator's is approved at once; honours "
        "Idempotency-Key)"
    ),
    openapi_extra=refusals(400, 403, 404, 409, 413, 422),
)
def add_expense(
    request,
    visit_id: str,
    description: Form[str],
    amount: Form[int],
    receipt: File[UploadedFile | None] = None,
):
    visit = _visit(request, visit_id)

    def create():
        expense = expenses.visit_expense_add(
            visit=visit,
            by=request.auth,
            description=description,
            amount=amount,
            receipt=receipt,
        )
        return _expense_answer(request, visit_id, expense.public_id)

    return idempotency.run(request, request.auth, create)


def _decide(request, visit_id: str, expense_id: str, service, **kwargs) -> dict:
    visit = expense_reads.get_expense_visit(request.auth, visit_id)
    service(
        expense=expense_reads.get_expense(request.auth, visit, expense_id),
        by=request.auth,
        **kwargs,
    )
    return _expense_answer(request, visit_id, expense_id)


@router.post(
    "/visits/{visit_id}/expenses/{expense_id}/approve",
    response=ExpenseOut,
    tags=["expenses"],
    summary="Approve an expense: it is billed at cost (coordinators)",
    openapi_extra=refusals(403, 404, 409),
)
def approve_expense(request, visit_id: str, expense_id: str):
    return _decide(request, visit_id, expense_id, expenses.visit_expense_approve)


@router.post(
    "/visits/{visit_id}/expenses/{expense_id}/reject",
    response=ExpenseOut,
    tags=["expenses"],
    summary="Reject an expense, or take back an approval before the invoice (reason required)",
    openapi_extra=refusals(403, 404, 409, body=True),
)
def reject_expense(request, visit_id: str, expense_id: str, data: ReasonIn):
    return _decide(request, visit_id, expense_id, expenses.visit_expense_reject, reason=data.reason)


@router.delete(
    "/visits/{visit_id}/expenses/{expense_id}",
    response={204: None},
    tags=["expenses"],
    summary="Remove a pending expense (who recorded it, or a coordinator)",
    openapi_extra=refusals(403, 404, 409),
)
def remove_expense(request, visit_id: str, expense_id: str):
    visit = expense_reads.get_expense_visit(request.auth, visit_id)
    expenses.visit_expense_remove(
        expense=expense_reads.get_expense(request.auth, visit, expense_id), by=request.auth
    )
    return Status(204, None)


@router.get(
    "/visits/{visit_id}/expenses/{expense_id}/receipt",
    url_name="expense_receipt",
    response={200: None},
    tags=["expenses"],
    summary="The expense's receipt (the provider's staff and the engineer who added it)",
    openapi_extra=refusals(404),
)
def expense_receipt(request, visit_id: str, expense_id: str):
    visit = expense_reads.get_expense_visit(request.auth, visit_id)
    return expense_reads.receipt_response(
        expense_reads.get_receipt(request.auth, visit, expense_id)
    )


# --- the coordinator's changes to a visit -------------------------------------------------------

COORDINATOR_REFUSALS = refusals(403, 404, 409, body=True)


def _staff_visit(request, request_id: str, visit_id: str) -> Visit:
    require_role(request.auth, *STAFF)
    target = selectors.get_request_for(request.auth, request_id, details=False)
    return get_object_or_404(Visit, request=target, public_id=visit_id)


def _request_answer(request, request_id: str) -> dict:
    return request_detail_document(
        selectors.get_request_for(request.auth, request_id), user=request.auth
    )


class ReassignIn(Schema):
    engineer_ids: list[str] = Field(
        min_length=1, max_length=10, description="the whole crew: engineer ids as in /engineers"
    )
    reason: ReasonText = ""


class RescheduleIn(Schema):
    # The planning window of genba.core.bounds, as for a new request's visits.
    scheduled_start: PlannedInstant
    reserved_hours: ReservedHours | None = Field(None, description="unchanged when left out")
    reason: ReasonText = ""


@router.post(
    "/requests/{request_id}/visits/{visit_id}/reassign",
    response=RequestDetailOut,
    tags=["dispatch (coordinators)"],
    summary="Give an approved visit to other engineers",
    openapi_extra=COORDINATOR_REFUSALS,
)
def reassign(request, request_id: str, visit_id: str, data: ReassignIn):
    visit = _staff_visit(request, request_id, visit_id)
    engineers = _engineers(data.engineer_ids, "engineer_ids")
    visit_reassign(visit=visit, engineers=engineers, by=request.auth, reason=data.reason)
    return _request_answer(request, request_id)


@router.post(
    "/requests/{request_id}/visits/{visit_id}/reschedule",
    response=RequestDetailOut,
    tags=["dispatch (coordinators)"],
    summary="Move an approved visit to another time",
    openapi_extra=COORDINATOR_REFUSALS,
)
def reschedule(request, request_id: str, visit_id: str, data: RescheduleIn):
    visit = _staff_visit(request, request_id, visit_id)
    visit_reschedule(
        visit=visit,
        scheduled_start=data.scheduled_start,
        reserved_hours=data.reserved_hours,
        by=request.auth,
        reason=data.reason,
    )
    return _request_answer(request, request_id)


class EngineerAddIn(Schema):
    engineer_id: str = Field(max_length=40, description="an engineer id as in /engineers")
    reason: ReasonText = ""


class EngineerRemoveIn(Schema):
    reason: ReasonText = ""


def _engineers(engineer_ids: list[str], field: str) -> list:
    """The engineers (users) with these public ids, or 422 naming `field`."""
    profiles = list(
        EngineerProfile.objects.select_related("user").filter(public_id__in=engineer_ids)
    )
    if len(profiles) != len(set(engineer_ids)):
        raise ValidationFailed(
            _("Unknown engineer."),
            problems=[FieldProblem(field, _("Unknown engineer id."), "unknown")],
        )
    return [p.user for p in profiles]


def _engineer(engineer_id: str):
    (engineer,) = _engineers([engineer_id], "engineer_id")
    return engineer


@router.post(
    "/requests/{request_id}/visits/{visit_id}/engineers",
    response=RequestDetailOut,
    tags=["dispatch (coordinators)"],
    summary="Add an engineer to an approved visit (the request's crew size grows by one)",
    openapi_extra=COORDINATOR_REFUSALS,
)
def add_engineer(request, request_id: str, visit_id: str, data: EngineerAddIn):
    visit = _staff_visit(request, request_id, visit_id)
    visit_engineer_add(
        visit=visit, engineer=_engineer(data.engineer_id), by=request.auth, reason=data.reason
    )
    return _request_answer(request, request_id)


@router.post(
    "/requests/{request_id}/visits/{visit_id}/engineers/{engineer_id}/remove",
    response=RequestDetailOut,
    tags=["dispatch (coordinators)"],
    summary="Remove an engineer from an approved visit (never the last one)",
    openapi_extra=COORDINATOR_REFUSALS,
)
def remove_engineer(
    request,
    request_id: str,
    visit_id: str,
    engineer_id: str,
    data: Body[EngineerRemoveIn | None] = None,
):
    visit = _staff_visit(request, request_id, visit_id)
    visit_engineer_remove(
        visit=visit,
        engineer=_engineer(engineer_id),
        by=request.auth,
        reason=data.reason if data else "",
    )
    return _request_answer(request, request_id)


@router.post(
    "/requests/{request_id}/visits/{visit_id}/cancel",
    response=RequestDetailOut,
    tags=["dispatch (coordinators)"],
    summary="Cancel one visit (the request's other visits go on)",
    openapi_extra=COORDINATOR_REFUSALS,
)
def cancel_visit(request, request_id: str, visit_id: str, data: Body[ReasonIn | None] = None):
    visit = _staff_visit(request, request_id, visit_id)
    visit_services.visit_cancel(visit=visit, by=request.auth, reason=data.reason if data else "")
    return _request_answer(request, request_id)


@router.post(
    "/requests/{request_id}/visits/{visit_id}/undo-step",
    response=RequestDetailOut,
    tags=["dispatch (coordinators)"],
    summary="Take back a step recorded by mistake (reason required)",
    openapi_extra=COORDINATOR_REFUSALS,
)
def undo_step(request, request_id: str, visit_id: str, data: ReasonIn):
    visit = _staff_visit(request, request_id, visit_id)
    visit_services.visit_undo_step(visit=visit, by=request.auth, reason=data.reason)
    return _request_answer(request, request_id)
