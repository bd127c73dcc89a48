"""A visit's day: en route, arrival, work, sign-off, or no access. One service per transition.

The engineer assigned to the visit records these (coordinators may record them for the engineer);
only the customer signs off, or the provider on the customer's recorded word (rulebook §3).
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from genba.accounts.models import Role
from genba.core import clock
from genba.core.errors import FieldProblem, NotAllowed, TransitionRefused, ValidationFailed
from genba.core.transitions import lock, move, require_role, require_status
from genba.orders import actions
from genba.orders.models import (
    VISIT_END_STATUSES,
    AttachmentKind,
    RequestStatus,
    ServiceRequest,
    Visit,
    VisitStatus,
)

_RUNNING = actions.RUNNING
# The time each step stamps, cleared when a coordinator undoes the step.
_STAMPS = {
    VisitStatus.EN_ROUTE: "en_route_at",
    VisitStatus.ON_SITE: "arrived_at",
    VisitStatus.WORKING: "work_started_at",
}


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


def require_step_due(visit: Visit, request: ServiceRequest) -> None:
    """Rulebook §3: the day's steps follow the clock, from `en_route_window_hours` before the
    start (so that "arrived" is never told to a customer two weeks early)."""
    if actions.step_is_due(visit, request.policy, clock.now()):
        return
    opens = actions.en_route_opens_at(visit, request.policy)
    if opens is None:
        raise TransitionRefused(_("The visit has no scheduled start."), code="not_scheduled")
    raise TransitionRefused(
        _("Too early: the visit starts %(start)s; this step is accepted from %(opens)s.")
        % {
            "start": f"{localtime(visit.scheduled_start):%Y-%m-%d %H:%M} JST",
            "opens": f"{localtime(opens):%Y-%m-%d %H:%M} JST",
        },
        code="too_early",
    )


def _step(visit: Visit, *, by, step: str, to: str, action: str, label: str, stamp: str) -> Visit:
    """`action` is the audit code; `label` the words a refusal uses in the user's language."""
    visit, request = lock_visit(visit)
    require_field_actor(by, visit)
    if visit.status == to:
        return visit
    require_status(request, _RUNNING, action=label)
    require_status(visit, actions.STEP_FROM[step], action=label)
    require_step_due(visit, request)
    setattr(visit, stamp, clock.now())
    move(visit, to, by=by, action=action, fields=[stamp])
    _start_request(request, by)
    return visit


@transaction.atomic
def visit_en_route(*, visit: Visit, by) -> Visit:
    return _step(
        visit,
        by=by,
        step="en_route",
        to=VisitStatus.EN_ROUTE,
        action="en_route",
        label=_("set out"),
        stamp="en_route_at",
    )


@transaction.atomic
def visit_arrive(*, visit: Visit, by) -> Visit:
    """Arrival on site, after "on my way"; the customer and the remote engineer are told (listeners
    of the signal)."""
    return _step(
        visit,
        by=by,
        step="arrive",
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
        step="start_work",
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
    require_status(visit, actions.SIGNABLE, action=_("sign off"))
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
    require_status(visit, actions.STEP_FROM["no_access"], action=_("record no access"))
    require_step_due(visit, request)
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
    """A coordinator drops one visit of an approved or running request (the others go on)."""
    visit, request = lock_visit(visit)
    if by.role not in actions.STAFF:
        raise NotAllowed(_("Only a coordinator may cancel a visit."), code="role")
    if visit.status == VisitStatus.CANCELLED:
        return visit
    require_status(visit, actions.CHANGEABLE_VISITS, action=_("cancel the visit"))
    if request.status not in actions.CHANGEABLE_VISIT_REQUESTS:
        raise TransitionRefused(_("Cancel the request instead: it is not running."), code="state")
    end_visit(visit, by=by, reason=reason)
    if request.status == RequestStatus.IN_PROGRESS:
        _complete_request_if_done(request, by)
    return visit


def end_visit(visit: Visit, *, by, reason: str = "") -> None:
    """The visit's cancelled transition with its bookings freed (each its own transition) and its
    calendar entries withdrawn: for one visit, and for each visit of a cancelled request.
    Call with the request and visit locked."""
    from genba.dispatch.bookings import cancel_for_visits

    cancel_for_visits([visit], by=by)
    visit.ended_reason = (reason or "").strip()
    visit.calendar_sequence = F("calendar_sequence") + 1
    move(
        visit,
        VisitStatus.CANCELLED,
        by=by,
        action="cancelled",
        reason=visit.ended_reason,
        fields=["ended_reason", "calendar_sequence"],
    )
    visit.refresh_from_db(fields=["calendar_sequence"])


@transaction.atomic
def visit_undo_step(*, visit: Visit, by, reason: str) -> Visit:
    """A coordinator takes back a step recorded by mistake (rulebook §3): en route, arrival or work
    start return to the state before, the step's time is cleared, and the undo is audited."""
    visit, request = lock_visit(visit)
    require_role(by, *actions.STAFF)
    require_status(request, _RUNNING, action=_("undo a step"))
    require_status(visit, set(actions.UNDO_TO), action=_("undo a step"))
    if not (reason or "").strip():
        raise ValidationFailed(
            _("Say why the step is undone."),
            problems=[FieldProblem("reason", _("This field is required."), "required")],
        )
    undone = visit.status
    stamp = _STAMPS[undone]
    setattr(visit, stamp, None)
    move(
        visit,
        actions.UNDO_TO[undone],
        by=by,
        action="step_undone",
        reason=reason.strip(),
        data={"undone": undone},
        fields=[stamp],
    )
    started = request.visits.exclude(
        status__in=[VisitStatus.PLANNED, VisitStatus.RELEASED, VisitStatus.CANCELLED]
    )
    if request.status == RequestStatus.IN_PROGRESS and not started.exists():
        # Nothing has started after all: the request is released again, as before the mistake.
        move(request, RequestStatus.RELEASED, by=by, action="start_undone", reason=reason.strip())
    return visit


@transaction.atomic
def visit_photo_add(*, visit: Visit, by, upload):
    """A photo taken on the visit, kept with the request's files (the visit's "photos" action).

    `attachment_add` alone knows only the request: it would take a photo on a cancelled visit or on
    a request already invoiced. The visit's rule (actions.visit_actions) is the one notes follow:
    what was billed gains no photos afterwards, and a dropped visit none at all."""
    from genba.orders.attachments import attachment_add

    visit, request = lock_visit(visit)
    require_field_actor(by, visit)
    if visit.status == VisitStatus.CANCELLED:
        raise TransitionRefused(
            _("The visit is cancelled: photos can no longer be added."), code="state"
        )
    if request.status in actions.NOTES_CLOSED_REQUESTS:
        raise TransitionRefused(
            _("The request is invoiced or closed: photos can no longer be added."), code="state"
        )
    return attachment_add(request=request, by=by, upload=upload, kind=AttachmentKind.PHOTO)
