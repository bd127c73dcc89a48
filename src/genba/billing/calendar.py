"""Due dates (rulebook §6): from the contract's payment terms, moved back to the previous bank
business day when they fall on a weekend, a national holiday or the banks' year-end closure."""

from __future__ import annotations

import calendar as _calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> frozenset[date]:
    # Building the table costs about a millisecond; a batch of invoices needs it once a year.
    return frozenset(holidays.country_holidays("JP", years=year))


def _is_bank_holiday(day: date) -> bool:
    # Japanese banks close on weekends, national holidays and 31 December to 3 January.
    if day.weekday() >= 5:
        return True
    if (day.month, day.day) in ((12, 31), (1, 1), (1, 2), (1, 3)):
        return True
    return day in _national_holidays(day.year)


def previous_bank_day(day: date) -> date:
    while _is_bank_holiday(day):
        day -= timedelta(days=1)
    return day


def end_of_next_month(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return date(year, month, _calendar.monthrange(year, month)[1])


def due_date(issue_date: date, *, terms: str, net_days: int | None) -> date:
    if terms == "net_days":
        raw = issue_date + timedelta(days=net_days or 30)
    else:
        raw = end_of_next_month(issue_date)
    return previous_bank_day(raw)
