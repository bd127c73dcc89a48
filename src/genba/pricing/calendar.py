"""The business calendar of rulebook §5.1: which minutes are business time and which are after-hours.

Business time is the policy's business days and hours, excluding Japanese national holidays
(substitute 振替休日 and citizens' 国民の休日 holidays included) when `holidays_after_hours`, and
29 December to 3 January when `year_end_closure`. Everything else is after-hours.

All arithmetic is done in UTC and only the wall-clock boundaries are built in the policy's zone, so a
zone with daylight saving would still split correctly (Asia/Tokyo has none today).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

import holidays

Segment = tuple[datetime, datetime, bool]

_DAY_CACHE_SIZE = 4096
_MISSING = object()


@lru_cache(maxsize=256)
def _japanese_holidays(year: int) -> frozenset[date]:
    # One lookup per year for the life of the process: the data is computed, not fetched.
    return frozenset(holidays.country_holidays("JP", years=year).keys())


class CalendarPolicy(Protocol):
    """What the calendar needs from a policy (orders.facts.PolicyRules has it): pricing imports no app."""

    time_zone: str
    business_days: tuple[int, ...]
    business_start: time
    business_end: time
    holidays_after_hours: bool
    year_end_closure: bool


@dataclass(frozen=True)
class BusinessCalendar:
    time_zone: str
    business_days: tuple[int, ...]  # 0 = Monday, as date.weekday()
    business_start: time
    business_end: time
    holidays_after_hours: bool
    year_end_closure: bool
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    # Day ordinal -> that day's business interval in UTC (or None): see business_interval().
    _days: dict[int, tuple[datetime, datetime] | None] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        if not self.business_start < self.business_end:
            # An overnight business day (22:00-06:00) is no policy either preset needs; refusing it keeps
            # one business interval per calendar day.
            raise ValueError("business_start must be before business_end")
        if any(day not in range(7) for day in self.business_days):
            raise ValueError("business_days must be weekday numbers 0 (Monday) to 6 (Sunday)")
        object.__setattr__(self, "_zone", ZoneInfo(self.time_zone))
        object.__setattr__(self, "_days", {})

    @classmethod
    def from_policy(cls, policy: CalendarPolicy) -> BusinessCalendar:
        """The calendar of a policy; one shared instance per distinct set of calendar settings.

        Sharing is safe (the calendar is immutable) and keeps its per-day cache warm across
        policies, quotes and completeness checks.
        """
        settings = (
            policy.time_zone,
            tuple(policy.business_days),
            policy.business_start,
            policy.business_end,
            bool(policy.holidays_after_hours),
            bool(policy.year_end_closure),
        )
        if cls is BusinessCalendar:
            return _shared_calendar(*settings)
        return cls(*settings)

    @property
    def zone(self) -> ZoneInfo:
        return self._zone

    # --- days ------------------------------------------------------------------------------------

    def is_holiday(self, d: date) -> bool:
        """A Japanese national holiday, whatever the policy says about working on one."""
        return d in _japanese_holidays(d.year)

    def is_closed_day(self, d: date) -> bool:
        """Inside the year-end closure (29 December to 3 January), when the policy has one."""
        if not self.year_end_closure:
            return False
        return (d.month == 12 and d.day >= 29) or (d.month == 1 and d.day <= 3)

    def is_business_day(self, d: date) -> bool:
        if d.weekday() not in self.business_days:
            return False
        if self.holidays_after_hours and self.is_holiday(d):
            return False
        return not self.is_closed_day(d)

    # --- windows ---------------------------------------------------------------------------------

    def business_interval(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's business hours [opens, closes) in UTC, or None when the day has none.

        Cached per calendar and day: pricing asks for the same few days thousands of times a second,
        and building two zoned datetimes plus the holiday lookup is most of the cost of a split.
        """
        ordinal = day.toordinal()
        try:
            return self._days[ordinal]
        except KeyError:
            pass
        interval: tuple[datetime, datetime] | None = None
        if self.is_business_day(day):
            opens = datetime.combine(day, self.business_start, tzinfo=self._zone)
            closes = datetime.combine(day, self.business_end, tzinfo=self._zone)
            interval = (opens.astimezone(UTC), closes.astimezone(UTC))
        if len(self._days) >= _DAY_CACHE_SIZE:
            self._days.clear()  # crude but bounded: a long-running server prices a few years at most
        self._days[ordinal] = interval
        return interval

    def segments(self, start: datetime, end: datetime) -> list[Segment]:
        """[start, end) cut at every business/after-hours boundary: (from, to, is_business) pieces.

        The pieces are contiguous, cover the window exactly, alternate in kind (adjacent pieces of the
        same kind are merged) and are expressed in the policy's zone. An empty window gives no piece.
        """
        if start.tzinfo is None or start.utcoffset() is None:
            raise ValueError("start must be an aware datetime (with a time zone)")
        if end.tzinfo is None or end.utcoffset() is None:
            raise ValueError("end must be an aware datetime (with a time zone)")
        lo = start if start.tzinfo is UTC else start.astimezone(UTC)
        hi = end if end.tzinfo is UTC else end.astimezone(UTC)
        if hi < lo:
            raise ValueError("end must not be before start")
        if lo == hi:
            return []

        # A day's business hours can only meet the window if the day is within one day of its ends in
        # local time; the margin also absorbs any zone offset.
        zone = self._zone
        ordinal = lo.astimezone(zone).toordinal() - 1
        last = hi.astimezone(zone).toordinal() + 1
        days = self._days
        pieces: list[tuple[datetime, datetime, bool]] = []
        cursor = lo
        while ordinal <= last:
            interval = days.get(ordinal, _MISSING)
            if interval is _MISSING:
                interval = self.business_interval(date.fromordinal(ordinal))
            ordinal += 1
            if interval is None:
                continue
            opens, closes = interval
            if closes <= cursor:
                continue
            if opens >= hi:
                break
            if opens > cursor:
                pieces.append((cursor, opens, False))
            else:
                opens = cursor
            cursor = closes if closes < hi else hi
            if pieces and pieces[-1][2] and pieces[-1][1] == opens:
                # Business hours ending at midnight and reopening at once are one piece.
                pieces[-1] = (pieces[-1][0], cursor, True)
            else:
                pieces.append((opens, cursor, True))
        if cursor < hi:
            pieces.append((cursor, hi, False))
        return [(a.astimezone(zone), b.astimezone(zone), kind) for a, b, kind in pieces]

    def window_has_after_hours(self, start: datetime, end: datetime) -> bool:
        """Whether any minute of [start, end) is after-hours."""
        return any(not is_business for _, _, is_business in self.segments(start, end))


@lru_cache(maxsize=64)
def _shared_calendar(
    time_zone: str,
    business_days: tuple[int, ...],
    business_start: time,
    business_end: time,
    holidays_after_hours: bool,
    year_end_closure: bool,
) -> BusinessCalendar:
    return BusinessCalendar(
        time_zone,
        business_days,
        business_start,
        business_end,
        holidays_after_hours,
        year_end_closure,
    )
