"""Moving a confirmed booking to another engineer (the dispatch board's reassignment).

One transaction: both engineers are locked, the new one is checked exactly as an approval would
check him or her (overlap and travel, via `conflict_for`), plus leave; then the old booking is
cancelled, the new one confirmed, the visit's crew updated and the move audited. A refusal changes
nothing.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from genba.accounts.models import Role
from genba.core import audit
from genba.core.errors import TransitionRefused, ValidationFailed
from genba.core.transitions import require_role
from genba.dispatch.bookings import BookingConflict, conflict_for, lock_engineers
from genba.dispatch.models import Booking, BookingStatus, Leave
from genba.dispatch.places import site_point
from genba.orders.models import RequestStatus, VisitStatus

# A visit still ahead: once the engineer is on the way, the crew is what it is.
MOVABLE_VISITS = {VisitStatus.PLANNED, VisitStatus.RELEASED}
MOVABLE_REQUESTS = {RequestStatus.APPROVED, RequestStatus.RELEASED, RequestStatus.IN_PROGRESS}


def _name(user) -> str:
    return user.get_full_name() or user.email


@transaction.atomic
def booking_reassign(*, booking: Booking, engineer, by, reason: str = "") -> Booking:
    """Give `booking`'s visit to `engineer` instead; returns the new confirmed booking."""
    require_role(by, Role.COORDINATOR, Role.ADMIN)
    if engineer.role != Role.ENGINEER or not engineer.is_active:
        raise ValidationFailed(_("Only an active engineer can be booked."), code="not_engineer")
    current = Booking.objects.select_related("engineer").get(pk=booking.pk)
    lock_engineers([current.engineer, engineer])
    current = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("engineer", "visit__request__site", "visit__request__organization")
        .get(pk=booking.pk)
    )
    visit = current.visit
    request = visit.request
    if current.status != BookingStatus.CONFIRMED:
        raise TransitionRefused(_("Only a confirmed booking can be reassigned."), code="state")
    if visit.status not in MOVABLE_VISITS or request.status not in MOVABLE_REQUESTS:
        raise TransitionRefused(
            _("This visit has started or ended; its engineer can no longer be changed."),
            code="state",
        )
    if engineer.pk == current.engineer_id:
        raise TransitionRefused(_("The visit is already booked for this engineer."), code="same")
    if visit.assigned_engineers.filter(pk=engineer.pk).exists():
        raise TransitionRefused(
            _("%(name)s is already on this visit.") % {"name": _name(engineer)}, code="same"
        )
    start, end = current.starts_at, current.ends_at
    if Leave.objects.filter(engineer=engineer, starts_at__lt=end, ends_at__gt=start).exists():
        raise BookingConflict(
            _("%(name)s is on leave then.") % {"name": _name(engineer)}, code="booking_conflict"
        )
    reason_text = conflict_for(engineer, start, end, site_point(request.site))
    if reason_text:
        raise BookingConflict(reason_text, code="booking_conflict")
    previous = current.engineer
    current.status = BookingStatus.CANCELLED
    current.save(update_fields=["status"])
    try:
        # The exclusion constraint (PostgreSQL) has the last word on overlaps.
        with transaction.atomic():
            new = Booking.objects.create(
                engineer=engineer,
                visit=visit,
                proposal_id=current.proposal_id,
                starts_at=start,
                ends_at=end,
                status=BookingStatus.CONFIRMED,
            )
    except IntegrityError as exc:
        raise BookingConflict(
            _("The engineer was booked by someone else at the same moment."),
            code="booking_conflict",
        ) from exc
    visit.assigned_engineers.remove(previous)
    visit.assigned_engineers.add(engineer)
    audit.record(
        actor=by,
        obj=visit,
        action="reassigned",
        reason=(reason or "").strip(),
        data={
            "from": previous.email,
            "to": engineer.email,
            "cancelled_booking": current.public_id,
            "booking": new.public_id,
        },
        organization=request.organization,
    )
    return new
