"""The business calendar of rulebook §5.1, under the two presets' hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genba.pricing.calendar import BusinessCalendar

JST = ZoneInfo("Asia/Tokyo")


def tokyo_its() -> BusinessCalendar:
    return BusinessCalendar(
        time_zone="Asia/Tokyo",
        business_days=(0, 1, 2, 3, 4),
        business_start=time(10),
        business_end=time(18),
        holidays_after_hours=True,
        year_end_closure=True,
    )


def ecorpone() -> BusinessCalendar:
    return BusinessCalendar(
        time_zone="Asia/Tokyo",
        business_days=(0, 1, 2, 3, 4),
        business_start=time(9),
        business_end=time(18),
        holidays_after_hours=True,
        year_end_closure=True,
    )


def jst(*args: int) -> datetime:
    return datetime(*args, tzinfo=JST)


# --- days ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2027, 1, 11), "Coming of Age Day"),
        (date(2026, 11, 23), "Labour Thanksgiving Day"),
        (date(2027, 3, 22), "substitute holiday for the Vernal Equinox on a Sunday"),
        (date(2026, 9, 22), "citizens' holiday between Respect-for-the-Aged and Autumnal Equinox"),
        (date(2026, 5, 6), "substitute holiday for Constitution Day on a Sunday"),
    ],
)
def test_national_holidays_are_holidays_and_not_business_days(day: date, name: str) -> None:
    calendar = tokyo_its()
    assert day.weekday() < 5, "the point is a weekday that is a holiday"
    assert calendar.is_holiday(day), name
    assert not calendar.is_business_day(day)


def test_an_ordinary_weekday_is_a_business_day() -> None:
    assert not tokyo_its().is_holiday(date(2026, 12, 4))
    assert tokyo_its().is_business_day(date(2026, 12, 4))


def test_a_saturday_and_a_sunday_are_not_business_days() -> None:
    assert not tokyo_its().is_business_day(date(2026, 12, 5))
    assert not tokyo_its().is_business_day(date(2026, 12, 6))


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 12, 29),
        date(2026, 12, 30),
        date(2026, 12, 31),
        date(2027, 1, 1),
        date(2027, 1, 3),
    ],
)
def test_year_end_closure_days_are_closed(day: date) -> None:
    assert tokyo_its().is_closed_day(day)
    assert not tokyo_its().is_business_day(day)


@pytest.mark.parametrize("day", [date(2026, 12, 28), date(2027, 1, 4)])
def test_days_around_the_year_end_closure_are_open(day: date) -> None:
    assert not tokyo_its().is_closed_day(day)
    assert tokyo_its().is_business_day(day)


def test_without_year_end_closure_30_december_is_a_business_day() -> None:
    calendar = BusinessCalendar("Asia/Tokyo", (0, 1, 2, 3, 4), time(9), time(18), True, False)
    assert not calendar.is_closed_day(date(2026, 12, 30))
    assert calendar.is_business_day(date(2026, 12, 30))


def test_a_policy_that_works_on_holidays_keeps_them_as_business_days() -> None:
    calendar = BusinessCalendar("Asia/Tokyo", (0, 1, 2, 3, 4), time(9), time(18), False, True)
    assert calendar.is_holiday(date(2026, 11, 23))
    assert calendar.is_business_day(date(2026, 11, 23))


# --- segments ------------------------------------------------------------------------------------


def test_friday_16_to_19_splits_at_18_under_tokyo_its() -> None:
    # The rulebook's worked example: R* = 3 h from 16:00 on Friday 2026-12-04.
    assert tokyo_its().segments(jst(2026, 12, 4, 16), jst(2026, 12, 4, 19)) == [
        (jst(2026, 12, 4, 16), jst(2026, 12, 4, 18), True),
        (jst(2026, 12, 4, 18), jst(2026, 12, 4, 19), False),
    ]


def test_a_window_inside_business_hours_is_one_business_segment() -> None:
    start, end = jst(2026, 12, 1, 10), jst(2026, 12, 1, 12)
    assert ecorpone().segments(start, end) == [(start, end, True)]
    assert not ecorpone().window_has_after_hours(start, end)


def test_9_oclock_is_business_under_ecorpone_and_after_hours_under_tokyo_its() -> None:
    start, end = jst(2026, 12, 1, 9), jst(2026, 12, 1, 12)
    assert ecorpone().segments(start, end) == [(start, end, True)]
    assert tokyo_its().segments(start, end) == [
        (start, jst(2026, 12, 1, 10), False),
        (jst(2026, 12, 1, 10), end, True),
    ]


def test_a_window_across_midnight_is_after_hours_until_the_next_opening() -> None:
    # Tuesday 17:00 to Wednesday 11:00: the night between is one after-hours piece.
    assert tokyo_its().segments(jst(2026, 12, 1, 17), jst(2026, 12, 2, 11)) == [
        (jst(2026, 12, 1, 17), jst(2026, 12, 1, 18), True),
        (jst(2026, 12, 1, 18), jst(2026, 12, 2, 10), False),
        (jst(2026, 12, 2, 10), jst(2026, 12, 2, 11), True),
    ]


def test_a_saturday_is_after_hours_all_day() -> None:
    start, end = jst(2026, 12, 5, 10), jst(2026, 12, 5, 13)
    assert tokyo_its().segments(start, end) == [(start, end, False)]
    assert tokyo_its().window_has_after_hours(start, end)


def test_a_weekend_between_fridays_close_and_mondays_opening_is_one_piece() -> None:
    assert tokyo_its().segments(jst(2026, 12, 4, 17), jst(2026, 12, 7, 11)) == [
        (jst(2026, 12, 4, 17), jst(2026, 12, 4, 18), True),
        (jst(2026, 12, 4, 18), jst(2026, 12, 7, 10), False),
        (jst(2026, 12, 7, 10), jst(2026, 12, 7, 11), True),
    ]


@pytest.mark.parametrize(
    "day",
    [date(2027, 1, 11), date(2026, 11, 23), date(2027, 3, 22), date(2026, 9, 22)],
    ids=["coming_of_age", "labour_thanksgiving", "substitute", "citizens"],
)
def test_business_hours_on_a_national_holiday_are_after_hours(day: date) -> None:
    start = datetime.combine(day, time(11), tzinfo=JST)
    end = start + timedelta(hours=3)
    assert tokyo_its().segments(start, end) == [(start, end, False)]


def test_the_year_end_closure_is_after_hours_across_new_year() -> None:
    # From Monday 28 Dec 17:00 to Monday 4 Jan 11:00: one business hour on each side, closure between.
    assert tokyo_its().segments(jst(2026, 12, 28, 17), jst(2027, 1, 4, 11)) == [
        (jst(2026, 12, 28, 17), jst(2026, 12, 28, 18), True),
        (jst(2026, 12, 28, 18), jst(2027, 1, 4, 10), False),
        (jst(2027, 1, 4, 10), jst(2027, 1, 4, 11), True),
    ]


def test_segments_are_given_in_the_policy_zone_whatever_the_input_zone() -> None:
    # 07:00 UTC is 16:00 in Tokyo.
    start = datetime(2026, 12, 4, 7, tzinfo=UTC)
    pieces = tokyo_its().segments(start, start + timedelta(hours=3))
    assert [(a.hour, b.hour, kind) for a, b, kind in pieces] == [(16, 18, True), (18, 19, False)]
    assert all(a.tzinfo == JST for a, _, _ in pieces)


def test_a_window_that_ends_exactly_at_closing_has_no_after_hours() -> None:
    assert not tokyo_its().window_has_after_hours(jst(2026, 12, 4, 15), jst(2026, 12, 4, 18))
    assert tokyo_its().window_has_after_hours(jst(2026, 12, 4, 15), jst(2026, 12, 4, 18, 1))


def test_an_empty_window_has_no_segments() -> None:
    assert tokyo_its().segments(jst(2026, 12, 4, 16), jst(2026, 12, 4, 16)) == []


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        tokyo_its().segments(datetime(2026, 12, 4, 16), jst(2026, 12, 4, 19))
    with pytest.raises(ValueError, match="aware"):
        tokyo_its().segments(jst(2026, 12, 4, 16), datetime(2026, 12, 4, 19))


def test_an_end_before_the_start_is_refused() -> None:
    with pytest.raises(ValueError, match="before"):
        tokyo_its().segments(jst(2026, 12, 4, 19), jst(2026, 12, 4, 16))


def test_business_hours_must_open_before_they_close() -> None:
    with pytest.raises(ValueError):
        BusinessCalendar("Asia/Tokyo", (0, 1, 2, 3, 4), time(18), time(10), True, True)


def test_from_policy_reads_the_policy_fields() -> None:
    class Policy:
        time_zone = "Asia/Tokyo"
        business_days = (0, 1, 2, 3, 4)
        business_start = time(10)
        business_end = time(18)
        holidays_after_hours = True
        year_end_closure = True

    assert BusinessCalendar.from_policy(Policy()) == tokyo_its()


# --- properties ----------------------------------------------------------------------------------

_MINUTE = timedelta(minutes=1)


@settings(max_examples=300, deadline=None, database=None)
@given(
    start=st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(JST)
    ),
    minutes=st.integers(min_value=1, max_value=60 * 24 * 12),
    hours=st.sampled_from([(time(9), time(18)), (time(10), time(18)), (time(0), time(23, 59))]),
    days=st.sampled_from([(0, 1, 2, 3, 4), (0, 1, 2, 3, 4, 5, 6), (2,)]),
    closure=st.booleans(),
)
def test_segments_are_contiguous_alternate_and_cover_the_window(
    start: datetime,
    minutes: int,
    hours: tuple[time, time],
    days: tuple[int, ...],
    closure: bool,
) -> None:
    calendar = BusinessCalendar("Asia/Tokyo", days, hours[0], hours[1], True, closure)
    end = start + minutes * _MINUTE
    pieces = calendar.segments(start, end)

    assert pieces[0][0] == start and pieces[-1][1] == end
    assert sum((b - a for a, b, _ in pieces), timedelta()) == end - start
    for (_, end_a, kind_a), (start_b, _, kind_b) in zip(pieces, pieces[1:], strict=False):
        assert end_a == start_b
        assert kind_a != kind_b, "adjacent pieces of one kind are merged"
    for a, b, is_business in pieces:
        assert a < b
        # Each piece's first minute is of its kind: checked against the day rules directly.
        local = a.astimezone(JST)
        opens = calendar.is_business_day(local.date()) and hours[0] <= local.time() < hours[1]
        assert opens == is_business
