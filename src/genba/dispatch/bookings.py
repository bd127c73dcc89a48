"""Bookings that cannot collide: an engineer is confirmed on one visit at a time, with the time to
travel between consecutive visits, checked in the same transaction that writes the booking."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from genba.accounts.models import User
from genba.core import audit
from genba.core.errors import TransitionRefused
from genba.core.transitions import move
from genba.dispatch.models import Booking, BookingStatus, Leave
from genba.dispatch.places import site_point
from genba.dispatch.travel import travel_minutes

# How far around a window to look for neighbours whose travel could reach into it.
_NEIGHBOURHOOD = timedelta(hours=12)


class BookingConflict(TransitionRefused):
    pass


def booking_window(visit, policy):
    """[start, end): the billed reservation plus the grace period (rulebook §5.2-5.3)."""
    hours = max(visit.reserved_hours, policy.minimum_hours)
    start = visit.scheduled_start
    # Hours carry two decimals, so the reservation is a whole number of seconds: exact, no float.
    return start, start + timedelta(seconds=int(hours * 3600), minutes=policy.grace_minutes)


def lock_engineers(engineers) -> None:
    """Serialise bookings per engineer: PostgreSQL row locks, in id order so that two transactions
    locking the same engineers cannot deadlock; SQLite's write lock already serialises."""
    list(User.objects.select_for_update().filter(pk__in=[e.pk for e in engineers]).order_by("pk"))


def neighbour_conflict(start, end, point, neighbours, name: str) -> str | None:
    """Why [start, end) at `point` does not fit between the neighbours (each (start, end, point)
    of a confirmed booking): an overlap, or not enough time to travel from the one before or to the
    one after. Pure, so that the availability search runs it for 500 engineers without a query."""

    def when(a, b) -> str:
        return f"{localtime(a):%Y-%m-%d %H:%M}–{localtime(b):%H:%M} JST"

    for other_start, other_end, other_point in neighbours:
        if other_start < end and other_end > start:
            return _("%(name)s is already booked %(when)s.") % {
                "name": name,
                "when": when(other_start, other_end),
            }
        if point is None or other_point is None:
            continue
        if (
            other_end <= start
            and other_end + timedelta(minutes=travel_minutes(other_point, point)) > start
        ):
            return _("%(name)s cannot travel here in time from the visit booked %(when)s.") % {
                "name": name,
                "when": when(other_start, other_end),
            }
        if (
            other_start >= end
            and end + timedelta(minutes=travel_minutes(point, other_point)) > other_start
        ):
            return _("%(name)s could not reach the next visit, booked %(when)s, in time.") % {
                "name": name,
                "when": when(other_start, other_end),
            }
    return None


def conflict_for(engineer, start, end, point, *, ignore=()) -> str | None:
    """Why the engineer cannot be confirmed on [start, end) at `point`, or None: leave, another
    confirmed booking, or the travel to or from it. Every booking path asks this one question."""
    if Leave.objects.filter(engineer=engineer, starts_at__lt=end, ends_at__gt=start).exists():
        return _("%(name)s is on leave then.") % {
            "name": engineer.get_full_name() or engineer.email
        }
    neighbours = (
        Booking.objects.filter(
            engineer=engineer,
            status=BookingStatus.CONFIRMED,
            starts_at__lt=end + _NEIGHBOURHOOD,
            ends_at__gt=start - _NEIGHBOURHOOD,
        )
        .exclude(pk__in=[b.pk for b in ignore])
        .select_related("visit__request__site")
    )
    return neighbour_conflict(
        start,
        end,
        point,
        [(b.starts_at, b.ends_at, site_point(b.visit.request.site)) for b in neighbours],
        engineer.get_full_name() or engineer.email,
    )


def confirm(bookings: list[Booking], *, by) -> None:
    """Confirm proposed bookings, or refuse them all. Call inside the caller's transaction."""
    lock_engineers({b.engineer for b in bookings})
    for booking in bookings:
        visit = booking.visit
        reason = conflict_for(
            booking.engineer,
            booking.starts_at,
            booking.ends_at,
            site_point(visit.request.site),
            ignore=bookings,
        )
        if reason:
            raise BookingConflict(reason, code="booking_conflict")
    try:
        # The database's exclusion constraint (PostgreSQL) is the last word on overlaps.
        with transaction.atomic():
            for booking in bookings:
                move(
                    booking,
                    BookingStatus.CONFIRMED,
                    by=by,
                    action="confirmed",
                    organization=booking.visit.request.organization,
                )
    except IntegrityError as exc:
        raise BookingConflict(
            _("The engineer was booked by someone else at the same moment."),
            code="booking_conflict",
        ) from exc


def cancel_for_visits(visits, *, by, proposal=None) -> int:
    """Free the engineers of these visits (or of this proposal only): each booking's own
    cancelled transition, with its audit row."""
    qs = (
        Booking.objects.filter(visit__in=visits)
        .exclude(status=BookingStatus.CANCELLED)
        .select_related("visit__request__organization")
    )
    if proposal is not None:
        qs = qs.filter(proposal=proposal)
    freed = list(qs)
    for booking in freed:
        cancel_booking(booking, by=by)
    return len(freed)


def cancel_booking(booking: Booking, *, by, reason: str = "") -> None:
    move(
        booking,
        BookingStatus.CANCELLED,
        by=by,
        action="cancelled",
        reason=reason,
        organization=booking.visit.request.organization,
    )


@transaction.atomic
def book_engineer(*, engineer, visit, by) -> Booking:
    """A confirmed booking made directly (the dispatch board's reassignment)."""
    from genba.core.transitions import require_role

    require_role(by, "coordinator", "admin")
    lock_engineers([engineer])
    start, end = booking_window(visit, visit.request.policy)
    reason = conflict_for(engineer, start, end, site_point(visit.request.site))
    if reason:
        raise BookingConflict(reason, code="booking_conflict")
    [booking] = create_confirmed([engineer], visit=visit, start=start, end=end, by=by)
    return booking


def create_confirmed(engineers, *, visit, start, end, by) -> list[Booking]:
    """Confirmed bookings made directly (checked by the caller under the engineers' locks), each
    audited; the exclusion constraint (PostgreSQL) has the last word on overlaps."""
    try:
        with transaction.atomic():
            made = [
                Booking.objects.create(
                    engineer=engineer,
                    visit=visit,
                    starts_at=start,
                    ends_at=end,
                    status=BookingStatus.CONFIRMED,
                )
                for engineer in engineers
            ]
    except IntegrityError as exc:
        raise BookingConflict(
            _("The engineer was booked by someone else at the same moment."),
            code="booking_conflict",
        ) from exc
    for booking in made:
        audit.record(
            actor=by, obj=booking, action="booked", organization=visit.request.organization
        )
    return made
