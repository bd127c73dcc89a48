"""Changing an approved visit: other engineers (reassign) or another time (reschedule).

Both run the checks a proposal runs (`services.refuse_unfit`: skill, languages, zone, leave, other
bookings and travel) under the engineers' locks, in one transaction; a refusal changes nothing. Both
raise the visit's calendar SEQUENCE and `announce` the change, so the customer hears who comes and
when, and the engineers' calendars follow (messaging).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from genba.accounts.models import Role
from genba.core import clock
from genba.core.errors import FieldProblem, TransitionRefused, ValidationFailed
from genba.core.transitions import announce, require_role, require_status
from genba.dispatch.bookings import (
    BookingConflict,
    booking_window,
    cancel_booking,
    conflict_for,
    create_confirmed,
    lock_engineers,
)
from genba.dispatch.models import Booking, BookingStatus
from genba.dispatch.places import site_point
from genba.dispatch.services import refuse_unfit
from genba.orders import actions
from genba.orders.models import Visit
from genba.orders.visit_services import lock_visit

MAX_RESERVED_HOURS = Decimal(24)


def _name(user) -> str:
    return user.get_full_name() or user.email


def _lock_changeable(visit: Visit, by, *, action: str):
    require_role(by, *actions.STAFF)
    visit, request = lock_visit(visit)
    require_status(request, actions.CHANGEABLE_VISIT_REQUESTS, action=action)
    if visit.status not in actions.CHANGEABLE_VISITS:
        raise TransitionRefused(
            _("This visit has started or ended; it can no longer be changed."), code="state"
        )
    return visit, request


def _confirmed(visit: Visit) -> list[Booking]:
    return list(
        Booking.objects.select_for_update(of=("self",))
        .filter(visit=visit, status=BookingStatus.CONFIRMED)
        .select_related("engineer", "visit__request__organization")
    )


def _refuse_overlaps(engineers, request, start, end, *, ignore=()) -> None:
    """Each engineer's other confirmed bookings, those of this request's other visits included.

    refuse_unfit (availability) leaves out the request's own bookings, which is right for a
    proposal (it replaces them) but not for one visit moved or given to someone: the same engineer
    on the request's next visit is as busy as on any other (found by
    tests/orders/test_state_machine.py: a reschedule onto the engineer's other visit was accepted)."""
    point = site_point(request.site)
    for engineer in engineers:
        reason = conflict_for(engineer, start, end, point, ignore=ignore)
        if reason:
            raise BookingConflict(reason, code="booking_conflict")


def _raise_sequence(visit: Visit) -> None:
    Visit.objects.filter(pk=visit.pk).update(calendar_sequence=F("calendar_sequence") + 1)
    visit.refresh_from_db(fields=["calendar_sequence"])


@transaction.atomic
def visit_reassign(*, visit: Visit, engineers: list, by, reason: str = "") -> Visit:
    """Give the visit to `engineers` (the whole crew, as many as the request asks for)."""
    visit, request = _lock_changeable(visit, by, action=_("reassign"))
    crew = list({e.pk: e for e in engineers}.values())
    if any(e.role != Role.ENGINEER or not e.is_active for e in crew):
        raise ValidationFailed(
            _("Only active engineers can be booked."),
            problems=[
                FieldProblem("engineer_ids", _("Only active engineers can be booked."), "role")
            ],
        )
    if len(crew) != request.engineers:
        message = _("The request asks for %(n)s engineer(s); name exactly that many.") % {
            "n": request.engineers
        }
        raise ValidationFailed(message, problems=[FieldProblem("engineer_ids", message, "count")])
    current = _confirmed(visit)
    current_ids = {b.engineer_id for b in current}
    new_ids = {e.pk for e in crew}
    removed = [b for b in current if b.engineer_id not in new_ids]
    added = [e for e in crew if e.pk not in current_ids]
    if not added and not removed:
        raise TransitionRefused(_("The visit is already booked for these engineers."), code="same")
    lock_engineers([b.engineer for b in current] + crew)
    start, end = booking_window(visit, request.policy)
    refuse_unfit(request, added, windows=[(start, end)])
    _refuse_overlaps(added, request, start, end)
    for booking in removed:
        cancel_booking(booking, by=by, reason=reason)
    made = create_confirmed(added, visit=visit, start=start, end=end, by=by)
    visit.assigned_engineers.remove(*[b.engineer for b in removed])
    visit.assigned_engineers.add(*added)
    _raise_sequence(visit)
    # One announcement per engineer replaced: who leaves the visit and who takes it.
    for old, new in zip(removed, made, strict=False):
        announce(
            visit,
            by=by,
            action="reassigned",
            reason=(reason or "").strip(),
            data={
                "from": old.engineer.email,
                "to": new.engineer.email,
                "cancelled_booking": old.public_id,
                "booking": new.public_id,
            },
            organization=request.organization,
        )
    return visit


def booking_reassign(*, booking: Booking, engineer, by, reason: str = "") -> Booking:
    """The dispatch board's move: `booking`'s engineer is replaced by `engineer` on its visit."""
    booking = Booking.objects.select_related("visit").get(pk=booking.pk)
    if booking.status != BookingStatus.CONFIRMED:
        raise TransitionRefused(_("Only a confirmed booking can be reassigned."), code="state")
    if engineer.pk == booking.engineer_id:
        raise TransitionRefused(_("The visit is already booked for this engineer."), code="same")
    crew = [e for e in booking.visit.assigned_engineers.all() if e.pk != booking.engineer_id]
    if any(e.pk == engineer.pk for e in crew):
        raise TransitionRefused(
            _("%(name)s is already on this visit.") % {"name": _name(engineer)}, code="same"
        )
    visit_reassign(visit=booking.visit, engineers=[*crew, engineer], by=by, reason=reason)
    return Booking.objects.get(
        visit=booking.visit, engineer=engineer, status=BookingStatus.CONFIRMED
    )


@transaction.atomic
def visit_reschedule(
    *,
    visit: Visit,
    scheduled_start: datetime,
    by,
    reserved_hours: Decimal | None = None,
    reason: str = "",
) -> Visit:
    """Move an approved visit to another time (on the customer's word); its engineers keep it only
    if each is still free, qualified and reachable then. The invoice prices the new time."""
    visit, request = _lock_changeable(visit, by, action=_("reschedule"))
    problems = []
    if scheduled_start is None or scheduled_start.tzinfo is None:
        problems.append(
            FieldProblem(
                "scheduled_start", _("A start time with its offset is required."), "required"
            )
        )
    elif scheduled_start <= clock.now():
        problems.append(
            FieldProblem("scheduled_start", _("The new start must be in the future."), "past")
        )
    hours = visit.reserved_hours if reserved_hours is None else Decimal(reserved_hours)
    if not (Decimal(0) < hours <= MAX_RESERVED_HOURS):
        problems.append(
            FieldProblem(
                "reserved_hours", _("Reserved hours are more than 0 and at most 24."), "range"
            )
        )
    if problems:
        raise ValidationFailed(_("The new time is not valid."), problems=problems)
    if scheduled_start == visit.scheduled_start and hours == visit.reserved_hours:
        raise TransitionRefused(_("The visit is already at that time."), code="same")
    previous = visit.scheduled_start
    visit.scheduled_start, visit.reserved_hours = scheduled_start, hours
    start, end = booking_window(visit, request.policy)
    current = _confirmed(visit)
    lock_engineers([b.engineer for b in current])
    refuse_unfit(request, [b.engineer for b in current], windows=[(start, end)])
    _refuse_overlaps([b.engineer for b in current], request, start, end, ignore=current)
    visit.reserved_hours_defaulted = False
    visit.save(update_fields=["scheduled_start", "reserved_hours", "reserved_hours_defaulted"])
    try:
        with transaction.atomic():
            for booking in current:
                booking.starts_at, booking.ends_at = start, end
                booking.save(update_fields=["starts_at", "ends_at", "minutes"])
    except IntegrityError as exc:
        raise BookingConflict(
            _("The engineer was booked by someone else at the same moment."),
            code="booking_conflict",
        ) from exc
    _raise_sequence(visit)
    announce(
        visit,
        by=by,
        action="rescheduled",
        reason=(reason or "").strip(),
        data={
            "from": previous.isoformat() if previous else None,
            "to": scheduled_start.isoformat(),
            "reserved_hours": str(hours),
        },
        organization=request.organization,
    )
    return visit


# --- a bigger or smaller crew --------------------------------------------------------------------
# The crew size is the request's (`request.engineers`: the estimate and the invoice price every
# visit at it, rulebook §5.4), so an engineer is added to or removed from the request's one visit
# still ahead; a request with several visits ahead is changed by reassigning (docs/lifecycle.md).
# Both are announced as `reassigned` (data "change" says which), so the customer hears who comes
# now with the updated invitation, the newcomer gets his or hers and the one removed a CANCEL
# (messaging.notify._reassigned), each with the visit's SEQUENCE raised.
MAX_ENGINEERS = actions.MAX_CREW


def _only_visit_ahead(visit: Visit, request) -> None:
    ahead = request.visits.filter(status__in=actions.CHANGEABLE_VISITS).exclude(pk=visit.pk)
    if ahead.exists():
        raise TransitionRefused(
            _(
                "The request has other visits ahead: the crew size is the request's, so change "
                "the crew by reassigning each visit."
            ),
            code="several_visits",
        )


def _engineer_problem(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(message, problems=[FieldProblem("engineer_id", message, code)])


def _set_crew_size(request, engineers: int) -> None:
    type(request).objects.filter(pk=request.pk).update(engineers=engineers)
    request.engineers = engineers


def _crew_changed(visit: Visit, request, *, by, reason: str, size: int, change: dict) -> None:
    """One engineer more or fewer: the crew size, the calendar SEQUENCE, and the announcement the
    existing notifications act on (the newcomer invited, the one removed cancelled)."""
    _set_crew_size(request, size)
    _raise_sequence(visit)
    announce(
        visit,
        by=by,
        action="reassigned",
        reason=(reason or "").strip(),
        data={**change, "engineers": request.engineers},
        organization=request.organization,
    )


@transaction.atomic
def visit_engineer_add(*, visit: Visit, engineer, by, reason: str = "") -> Visit:
    """One more engineer on an approved visit: the checks a proposal runs, a confirmed booking for
    the visit's window, the request's crew size up by one, all in one transaction."""
    visit, request = _lock_changeable(visit, by, action=_("add an engineer"))
    if engineer is None or engineer.role != Role.ENGINEER or not engineer.is_active:
        raise _engineer_problem(_("Only active engineers can be booked."), "role")
    current = _confirmed(visit)
    if any(b.engineer_id == engineer.pk for b in current):
        raise _engineer_problem(
            _("%(name)s is already on this visit.") % {"name": _name(engineer)}, "same"
        )
    if request.engineers + 1 > MAX_ENGINEERS:
        raise _engineer_problem(
            _("A visit has at most %(n)s engineers.") % {"n": MAX_ENGINEERS}, "count"
        )
    _only_visit_ahead(visit, request)
    lock_engineers([b.engineer for b in current] + [engineer])
    start, end = booking_window(visit, request.policy)
    refuse_unfit(request, [engineer], windows=[(start, end)])
    _refuse_overlaps([engineer], request, start, end)
    (made,) = create_confirmed([engineer], visit=visit, start=start, end=end, by=by)
    visit.assigned_engineers.add(engineer)
    _crew_changed(
        visit,
        request,
        by=by,
        reason=reason,
        size=request.engineers + 1,
        change={
            "change": "engineer_added",
            "from": [],
            "to": engineer.email,
            "booking": made.public_id,
        },
    )
    return visit


@transaction.atomic
def visit_engineer_remove(*, visit: Visit, engineer, by, reason: str = "") -> Visit:
    """One engineer fewer on an approved visit: the booking cancelled, the request's crew size down
    by one; the last engineer is not removed (cancel the visit instead)."""
    visit, request = _lock_changeable(visit, by, action=_("remove an engineer"))
    current = _confirmed(visit)
    booking = next(
        (b for b in current if engineer is not None and b.engineer_id == engineer.pk), None
    )
    if booking is None:
        raise _engineer_problem(_("This engineer is not on the visit."), "not_on_visit")
    if len(current) <= 1 or request.engineers <= 1:
        raise TransitionRefused(
            _("The visit's last engineer cannot be removed: cancel the visit instead."),
            code="last_engineer",
        )
    _only_visit_ahead(visit, request)
    lock_engineers([b.engineer for b in current])
    cancel_booking(booking, by=by, reason=reason)
    visit.assigned_engineers.remove(engineer)
    _crew_changed(
        visit,
        request,
        by=by,
        reason=reason,
        size=request.engineers - 1,
        change={
            "change": "engineer_removed",
            "from": engineer.email,
            "to": [],
            "cancelled_booking": booking.public_id,
        },
    )
    return visit
