"""A visit's day: en route, arrival, work, sign-off, or no access. One service per transition.

The engineer assigned to the visit records these (coordinators may record them for the engineer);
only the customer signs off, or the provider on the customer's recorded word (rulebook §3).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from genba.accounts.models import Role
from genba.core import clock
from genba.core.errors import FieldProblem, NotAllowed, TransitionRefused, ValidationFailed
from genba.core.transitions import lock, move, require_status
from genba.orders.models import (
    VISIT_END_STATUSES,
    RequestStatus,
    ServiceRequest,
    Visit,
    VisitStatus,
)

_RUNNING = {RequestStatus.RELEASED, RequestStatus.IN_PROGRESS}


def lock_visit(visit: Visit) -> tuple[Visit, ServiceRequest]:
    # The request row is locked first, always in that order, so that two visits of one request
    # ending at once cannot both miss that the other ended (and leave it never completed).
    request = lock(ServiceRequest, visit.request_id)
    visit = lock(Visit, visit.pk)
    visit.request = request
    return visit, request


def require_field_actor(user, visit: Visit) -> None:
    if user.role in (Role.COORDINATOR, Role.ADMIN):
        return
    if user.role == Role.ENGINEER and visit.assigned_engineers.filter(pk=user.pk).exists():
        return
    raise NotAllowed(
        _("Only the engineer on this visit or a coordinator may record this."), code="role"
    )


def _start_request(request: ServiceRequest, by) -> None:
    if request.status == RequestStatus.RELEASED:
        move(request, RequestStatus.IN_PROGRESS, by=by, action="started")


def _complete_request_if_done(request: ServiceRequest, by) -> None:
    """The request completes when every visit is signed off, no_access or cancelled."""
    if request.visits.exclude(status__in=VISIT_END_STATUSES).exists():
        return
    request.completed_at = clock.now()
    move(request, RequestStatus.COMPLETED, by=by, action="completed", fields=["completed_at"])


def _step(visit: Visit, *, by, allowed: set, to: str, action: str, label: str, stamp: str) -> Visit:
    """`action` is the audit code; `label` the words a refusal uses in the user's language."""
    visit, request = lock_visit(visit)
    require_field_actor(by, visit)
    if visit.status == to:
        return visit
    require_status(request, _RUNNING, action=label)
    require_status(visit, allowed, action=label)
    setattr(visit, stamp, clock.now())
    move(visit, to, by=by, action=action, fields=[stamp])
    _start_request(request, by)
    return visit


@transaction.atomic
def visit_en_route(*, visit: Visit, by) -> Visit:
    return _step(
        visit,
        by=by,
        allowed={VisitStatus.RELEASED},
        to=VisitStatus.EN_ROUTE,
        action="en_route",
        label=_("set out"),
        stamp="en_route_at",
    )


@transaction.atomic
def visit_arrive(*, visit: Visit, by) -> Visit:
    """Arrival on site; the customer and the remote engineer are told (listeners of the signal)."""
    return _step(
        visit,
        by=by,
        allowed={VisitStatus.RELEASED, VisitStatus.EN_ROUTE},
        to=VisitStatus.ON_SITE,
        action="arrived",
        label=_("record the arrival"),
        stamp="arrived_at",
    )


@transaction.atomic
def visit_start_work(*, visit: Visit, by) -> Visit:
    return _step(
        visit,
        by=by,
        allowed={VisitStatus.ON_SITE},
        to=VisitStatus.WORKING,
        action="work_started",
        label=_("start work"),
        stamp="work_started_at",
    )


@transaction.atomic
def visit_sign_off(
    *, visit: Visit, by, signer_name: str, signed_at: datetime | None = None
) -> Visit:
    """The customer lets the engineer leave; this ends the visit's work time.

    Repeating a sign-off that already happened answers the visit as it is (clients retry).
    """
    visit, request = lock_visit(visit)
    if by.role == Role.CUSTOMER:
        if by.organization_id != request.organization_id:
            raise NotAllowed(_("Only the ordering customer may sign off."), code="role")
    else:
        # The provider records a sign-off only on the customer's word, so the signer is named.
        require_field_actor(by, visit)
    if visit.status == VisitStatus.SIGNED_OFF:
        return visit
    require_status(visit, {VisitStatus.ON_SITE, VisitStatus.WORKING}, action=_("sign off"))
    name = (signer_name or "").strip() or (by.get_full_name() if by.role == Role.CUSTOMER else "")
    if not name:
        raise ValidationFailed(
            _("Name the customer's person who signed off."),
            problems=[FieldProblem("signer_name", _("This field is required."), "required")],
        )
    moment = signed_at or clock.now()
    if moment > clock.now():
        raise ValidationFailed(
            _("A sign-off cannot be in the future."),
            problems=[
                FieldProblem("signed_at", _("A sign-off cannot be in the future."), "future")
            ],
        )
    if visit.scheduled_start and moment < visit.scheduled_start:
        # Rulebook §5.3: sign-off before the scheduled start is an error (work time starts there).
        raise ValidationFailed(
            _("A sign-off cannot be before the visit's scheduled start."),
            problems=[FieldProblem("signed_at", _("Before the scheduled start."), "before_start")],
        )
    visit.signed_off_at = moment
    visit.signed_off_by_name = name[:200]
    visit.signed_off_recorded_by = by
    move(
        visit,
        VisitStatus.SIGNED_OFF,
        by=by,
        action="signed_off",
        data={"signer": visit.signed_off_by_name, "signed_at": moment.isoformat()},
        fields=["signed_off_at", "signed_off_by_name", "signed_off_recorded_by"],
    )
    _complete_request_if_done(request, by)
    return visit


@transaction.atomic
def visit_no_access(*, visit: Visit, by, reason: str) -> Visit:
    """The engineer could not get in or work (no prerequisites, no contact, entry refused).

    The full reservation is charged (rulebook §3), which the pricing reads from this status.
    """
    visit, request = lock_visit(visit)
    require_field_actor(by, visit)
    if visit.status == VisitStatus.NO_ACCESS:
        return visit
    require_status(request, _RUNNING, action=_("record no access"))
    require_status(
        visit,
        {VisitStatus.RELEASED, VisitStatus.EN_ROUTE, VisitStatus.ON_SITE},
        action=_("record no access"),
    )
    if not (reason or "").strip():
        raise ValidationFailed(
            _("Say why there was no access."),
            problems=[FieldProblem("reason", _("This field is required."), "required")],
        )
    visit.ended_reason = reason.strip()
    move(
        visit,
        VisitStatus.NO_ACCESS,
        by=by,
        action="no_access",
        reason=visit.ended_reason,
        fields=["ended_reason"],
    )
    _start_request(request, by)
    _complete_request_if_done(request, by)
    return visit


@transaction.atomic
def visit_cancel(*, visit: Visit, by, reason: str) -> Visit:
    """A coordinator drops one visit of a running request (the others go on)."""
    visit, request = lock_visit(visit)
    if by.role not in (Role.COORDINATOR, Role.ADMIN):
        raise NotAllowed(_("Only a coordinator may cancel a visit."), code="role")
    if visit.status == VisitStatus.CANCELLED:
        return visit
    require_status(visit, {VisitStatus.PLANNED, VisitStatus.RELEASED}, action=_("cancel the visit"))
    if request.status not in (*_RUNNING, RequestStatus.APPROVED):
        raise TransitionRefused(_("Cancel the request instead: it is not running."), code="state")
    visit.ended_reason = (reason or "").strip()
    from genba.dispatch.bookings import cancel_for_visits

    cancel_for_visits([visit])
    move(
        visit,
        VisitStatus.CANCELLED,
        by=by,
        action="cancelled",
        reason=visit.ended_reason,
        fields=["ended_reason"],
    )
    if request.status == RequestStatus.IN_PROGRESS:
        _complete_request_if_done(request, by)
    return visit
