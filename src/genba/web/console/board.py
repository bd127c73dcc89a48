"""The dispatch board's data: engineers as rows, hours (a day) or days (a week) as columns, each
confirmed booking with the travel before it. Three queries, whatever the numbers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from genba.core.clock import JST
from genba.dispatch.models import Booking, BookingStatus, EngineerProfile, Leave
from genba.dispatch.places import home_point, site_point
from genba.dispatch.travel import travel_minutes

FIRST_HOUR, LAST_HOUR = 7, 21  # the day view's columns; earlier or later bookings go to the edges


@dataclass
class Block:
    booking: Booking
    start: datetime
    end: datetime
    travel_minutes: int | None
    from_home: bool


@dataclass
class Row:
    profile: EngineerProfile
    cells: list[tuple[object, list[Block]]]
    leave_days: set = field(default_factory=set)
    count: int = 0


def bounds(day: date, view: str) -> tuple[date, int]:
    if view == "week":
        return day - timedelta(days=day.weekday()), 7
    return day, 1


def columns(first: date, days: int, view: str) -> list:
    if view == "week":
        return [first + timedelta(days=i) for i in range(days)]
    return list(range(FIRST_HOUR, LAST_HOUR + 1))


def board(day: date, view: str) -> tuple[list[Row], list, list[EngineerProfile]]:
    first, days = bounds(day, view)
    start = datetime.combine(first, datetime.min.time(), tzinfo=JST)
    end = start + timedelta(days=days)
    cols = columns(first, days, view)
    profiles = list(
        EngineerProfile.objects.filter(active=True, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    by_engineer: dict[int, list[Booking]] = defaultdict(list)
    for booking in (
        Booking.objects.filter(status=BookingStatus.CONFIRMED, starts_at__lt=end, ends_at__gt=start)
        .select_related("visit__request__site", "visit__request__organization")
        .order_by("starts_at")
    ):
        by_engineer[booking.engineer_id].append(booking)
    leaves: dict[int, set] = defaultdict(set)
    for engineer_id, starts, ends in Leave.objects.filter(
        starts_at__lt=end, ends_at__gt=start
    ).values_list("engineer_id", "starts_at", "ends_at"):
        moment = max(starts, start).astimezone(JST)
        while moment < min(ends, end):
            leaves[engineer_id].add(moment.date())
            moment = (moment + timedelta(days=1)).replace(hour=0, minute=0)
    rows = []
    for profile in profiles:
        row = Row(
            profile=profile, cells=[(c, []) for c in cols], leave_days=leaves[profile.user_id]
        )
        previous = None
        for booking in by_engineer[profile.user_id]:
            local = booking.starts_at.astimezone(JST)
            point = site_point(booking.visit.request.site)
            same_day = previous is not None and previous[0] == local.date()
            origin = previous[1] if same_day else home_point(profile)
            minutes = travel_minutes(origin, point) if point and origin else None
            block = Block(booking, local, booking.ends_at.astimezone(JST), minutes, not same_day)
            if view == "week":
                index = (local.date() - first).days
            else:
                index = min(max(local.hour, FIRST_HOUR), LAST_HOUR) - FIRST_HOUR
            if 0 <= index < len(cols):
                row.cells[index][1].append(block)
                row.count += 1
            previous = (local.date(), point)
        rows.append(row)
    return rows, cols, profiles
