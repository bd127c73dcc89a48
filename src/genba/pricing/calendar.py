"""The business calendar of rulebook §5.1: which minutes are business time and which are after-hours.

Business time is the policy's business days and hours, excluding Japanese national holidays
(substitute 振替休日 and citizens' 国民の休日 holidays included) when `holidays_after_hours`, and
29 December to 3 January when `year_end_closure`. Everything else is after-hours.

All arithmetic is done in UTC and only the wall-clock boundaries are built in the policy's zone, so a
zone with daylight saving would still split correctly (Asia/Tokyo has none today).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

import holidays

Segment = tuple[datetime, datetime, bool]


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

    def __post_init__(self) -> None:
        if not self.business_start < self.business_end:
            # An overnight business day (22:00-06:00) is no policy either preset needs; refusing it keeps
            # one business interval per calendar day.
            raise ValueError("business_start must be before business_end")
        if any(day not in range(7) for day in self.business_days):
            raise ValueError("business_days must be weekday numbers 0 (Monday) to 6 (Sunday)")
        object.__setattr__(self, "_zone", ZoneInfo(self.time_zone))

    @classmethod
    def from_policy(cls, policy: CalendarPolicy) -> BusinessCalendar:
        return cls(
            time_zone=policy.time_zone,
            business_days=tuple(policy.business_days),
            business_start=policy.business_start,
            business_end=policy.business_end,
            holidays_after_hours=policy.holidays_after_hours,
            year_end_closure=policy.year_end_closure,
        )

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

    def _business_intervals(self, first: date, last: date) -> Iterator[tuple[datetime, datetime]]:
        """Each business day's [start, end) between two local dates inclusive, in UTC, in order."""
        day = first
        while day <= last:
            if self.is_business_day(day):
                opens = datetime.combine(day, self.business_start, tzinfo=self._zone)
                closes = datetime.combine(day, self.business_end, tzinfo=self._zone)
                yield opens.astimezone(UTC), closes.astimezone(UTC)
            day += timedelta(days=1)

    def segments(self, start: datetime, end: datetime) -> list[Segment]:
        """[start, end) cut at every business/after-hours boundary: (from, to, is_business) pieces.

        The pieces are contiguous, cover the window exactly, alternate in kind (adjacent pieces of the
        same kind are merged) and are expressed in the policy's zone. An empty window gives no piece.
        """
        _require_aware(start, "start")
        _require_aware(end, "end")
        if end < start:
            raise ValueError("end must not be before start")
        lo, hi = start.astimezone(UTC), end.astimezone(UTC)
        if lo == hi:
            return []

        # A day's business hours can only meet the window if the day is within one day of its ends in
        # local time; the margin also absorbs any zone offset.
        first = lo.astimezone(self._zone).date() - timedelta(days=1)
        last = hi.astimezone(self._zone).date() + timedelta(days=1)

        pieces: list[Segment] = []
        cursor = lo
        for opens, closes in self._business_intervals(first, last):
            if closes <= cursor:
                continue
            if opens >= hi:
                break
            if opens > cursor:
                pieces.append((cursor, opens, False))
            cursor_end = min(closes, hi)
            pieces.append((max(opens, cursor), cursor_end, True))
            cursor = cursor_end
        if cursor < hi:
            pieces.append((cursor, hi, False))

        merged: list[Segment] = []
        for piece in pieces:
            if merged and merged[-1][2] == piece[2] and merged[-1][1] == piece[0]:
                merged[-1] = (merged[-1][0], piece[1], piece[2])
            else:
                merged.append(piece)
        return [(a.astimezone(self._zone), b.astimezone(self._zone), kind) for a, b, kind in merged]

    def window_has_after_hours(self, start: datetime, end: datetime) -> bool:
        """Whether any minute of [start, end) is after-hours."""
        return any(not is_business for _, _, is_business in self.segments(start, end))


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime (with a time zone)")
