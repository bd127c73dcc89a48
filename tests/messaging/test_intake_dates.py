"""Dates and times as people write them in an order mail (issue 12): genba.messaging.intake.dates,
pure Python, today's date passed in (Tokyo's), never read from the clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from genba.messaging.intake.values import (
    TOKYO,
    DateError,
    DateReading,
    parse_datetime,
    read_datetime,
)

TODAY = date(2026, 11, 30)  # a Monday; 2026-12-07 is a Monday too


def tokyo(month, day, hour, minute=0, year=2026):
    return datetime(year, month, day, hour, minute, tzinfo=TOKYO)


# (what the customer wrote, start in Tokyo, end in Tokyo or None, written without a year)
READ = [
    # numeric, month/day
    ("12/7 14:00 JST", tokyo(12, 7, 14), None, True),
    ("12/7 14:00", tokyo(12, 7, 14), None, True),
    ("12/10 10:00", tokyo(12, 10, 10), None, True),
    ("1/12 10:00", tokyo(1, 12, 10, year=2027), None, True),
    ("11/30 9:00", tokyo(11, 30, 9), None, True),
    ("11/29 9:00", tokyo(11, 29, 9, year=2027), None, True),
    ("12/7(月) 14:00", tokyo(12, 7, 14), None, True),
    ("12/7 14:00-17:00", tokyo(12, 7, 14), tokyo(12, 7, 17), True),
    ("2026/12/7 14:00", tokyo(12, 7, 14), None, False),
    ("2026/12/07(月) 14:00", tokyo(12, 7, 14), None, False),
    ("2026-12-07 (Mon) 14:00", tokyo(12, 7, 14), None, False),
    ("2026.12.07 9:30 am", tokyo(12, 7, 9, 30), None, False),
    # year last: only when one reading is possible, a weekday settles it, or dotted (European)
    ("25/12/2026 14:00", tokyo(12, 25, 14), None, False),
    ("12/25/2026 14:00", tokyo(12, 25, 14), None, False),
    ("7/7/2026 14:00", tokyo(7, 7, 14), None, False),
    ("Mon 7/12/2026 14:00", tokyo(12, 7, 14), None, False),
    ("Sun 7/12/2026 14:00", tokyo(7, 12, 14), None, False),
    ("7.12.2026 14:00", tokyo(12, 7, 14), None, False),
    # Japanese
    ("2026年12月7日 14時", tokyo(12, 7, 14), None, False),
    ("2026年12月7日 14時30分", tokyo(12, 7, 14, 30), None, False),
    ("2026年12月7日(月) 14時半", tokyo(12, 7, 14, 30), None, False),
    ("12月7日(月)14:00〜", tokyo(12, 7, 14), None, True),
    ("12月7日（月）14:00～17:00", tokyo(12, 7, 14), tokyo(12, 7, 17), True),
    ("12月7日(月曜日) 14時から17時まで", tokyo(12, 7, 14), tokyo(12, 7, 17), True),
    ("12月7日 月曜 14時ー17時", tokyo(12, 7, 14), tokyo(12, 7, 17), True),
    ("12月7日(月) 午後2時", tokyo(12, 7, 14), None, True),
    ("12月7日 午前10時", tokyo(12, 7, 10), None, True),
    ("12月7日 午後2時〜5時", tokyo(12, 7, 14), tokyo(12, 7, 17), True),
    ("12月7日 正午", tokyo(12, 7, 12), None, True),
    ("12/7（月）PM2:00", tokyo(12, 7, 14), None, True),  # am/pm before the time, as in Japan
    ("12/7 PM2:00～PM5:00", tokyo(12, 7, 14), tokyo(12, 7, 17), True),
    ("令和8年12月7日 14:00", tokyo(12, 7, 14), None, False),
    ("令和８年１２月７日（月）１４：００", tokyo(12, 7, 14), None, False),
    ("１２月７日　１４：００", tokyo(12, 7, 14), None, True),
    ("１２／７　１４：００～１７：００", tokyo(12, 7, 14), tokyo(12, 7, 17), True),
    ("12月7日 14:00 (日本時間)", tokyo(12, 7, 14), None, True),
    # English
    ("Dec 8, 2026 10:00 AM JST", tokyo(12, 8, 10), None, False),
    ("Monday Dec 7 at 2pm PST", tokyo(12, 8, 7), None, True),
    ("December 7th, 2026 at 2:00 PM (Japan time)", tokyo(12, 7, 14), None, False),
    ("7 Dec 2026, 14:00-17:00 (JST)", tokyo(12, 7, 14), tokyo(12, 7, 17), False),
    ("Mon 7 Dec 14:00", tokyo(12, 7, 14), None, True),
    ("Mon, Dec. 7, 10 a.m.", tokyo(12, 7, 10), None, True),
    ("the 7th of December, 2:00 PM", tokyo(12, 7, 14), None, True),
    ("7-Dec-2026 14:00", tokyo(12, 7, 14), None, False),
    ("14:00 on 7 December 2026", tokyo(12, 7, 14), None, False),
    ("Dec 7 2026 noon", tokyo(12, 7, 12), None, False),
    ("7 Dec 2026 at 14.00", tokyo(12, 7, 14), None, False),
    ("Dec 7, 2.30pm", tokyo(12, 7, 14, 30), None, True),
    ("12/7 14:00 START", tokyo(12, 7, 14), None, True),  # a word, not an unknown zone
    ("12/7 14:00 May be moved", tokyo(12, 7, 14), None, True),
    ("Dec 7, 12 AM", tokyo(12, 7, 0), None, True),
    ("Dec 7, 2-5pm", tokyo(12, 7, 14), tokyo(12, 7, 17), True),
    ("Dec 7, 2:00-5:00 PM", tokyo(12, 7, 14), tokyo(12, 7, 17), True),
    ("Dec 7, 10:00-1:00 PM", tokyo(12, 7, 10), tokyo(12, 7, 13), True),
    ("Dec 7, 10am to 1pm", tokyo(12, 7, 10), tokyo(12, 7, 13), True),
    ("Dec 7, 2026 11pm to 2am", tokyo(12, 7, 23), tokyo(12, 8, 2), False),
    ("Feb 29 10:00", tokyo(2, 29, 10, year=2028), None, True),
    # ISO 8601
    ("2026-12-07T14:00+09:00", tokyo(12, 7, 14), None, False),
    ("2026-12-07T05:00Z", tokyo(12, 7, 14), None, False),
    ("2026-12-07 14:00 +09:00", tokyo(12, 7, 14), None, False),
    ("2026-12-07 14:00+0900", tokyo(12, 7, 14), None, False),
]


@pytest.mark.parametrize("text,start,end,year_assumed", READ)
def test_dates_as_people_write_them(text, start, end, year_assumed):
    reading = read_datetime(text, today=TODAY)
    assert reading == DateReading(start, end, year_assumed)
    assert reading.start.tzinfo is not None
    assert reading.start.astimezone(TOKYO) == start  # the same instant, said in Tokyo


@pytest.mark.parametrize(
    "zone,hours",
    [
        ("JST", 9),
        ("(JST)", 9),
        ("Japan Standard Time", 9),
        ("+09:00", 9),
        ("+0900", 9),
        ("UTC+9", 9),
        ("UTC+09:00", 9),
        ("GMT-5", -5),
        ("UTC−5", -5),  # a minus sign, not a hyphen
        ("UTC+5:30", 5.5),
        ("PST", -8),
        ("PDT", -7),
        ("EST", -5),
        ("EDT", -4),
        ("CET", 1),
        ("CEST", 2),
        ("BST", 1),
        ("UTC", 0),
        ("GMT", 0),
        ("SGT", 8),
        ("HKT", 8),
        ("AEST", 10),
        ("ET", -5),  # US Eastern in December
        ("Pacific Time", -8),
    ],
)
def test_zones_are_converted(zone, hours):
    reading = read_datetime(f"2026-12-07 14:00 {zone}", today=TODAY)
    assert reading.start.utcoffset() == timedelta(hours=hours)
    assert reading.start == datetime(2026, 12, 7, 14, tzinfo=timezone(timedelta(hours=hours)))


def test_without_a_zone_the_time_is_japans():
    reading = read_datetime("12/7 14:00", today=TODAY)
    assert reading.start.tzinfo == TOKYO


def test_a_zone_after_a_range_applies_to_both_ends():
    reading = read_datetime("Dec 7, 2026 2pm-5pm PST", today=TODAY)
    assert reading.start == datetime(2026, 12, 7, 14, tzinfo=timezone(timedelta(hours=-8)))
    assert reading.end - reading.start == timedelta(hours=3)


def test_the_year_is_assumed_from_the_today_given():
    assert read_datetime("12/7 14:00", today=date(2026, 12, 8)).start == tokyo(12, 7, 14, year=2027)
    assert read_datetime("1/12 10:00", today=date(2027, 1, 1)).start == tokyo(1, 12, 10, year=2027)


def test_today_is_a_date_not_a_datetime():
    with pytest.raises(TypeError):
        read_datetime("12/7 14:00", today=datetime(2026, 11, 30, 9, tzinfo=TOKYO))


REFUSED = [
    # no date
    ("next Tuesday", "date"),
    ("14:00", "date"),
    ("2026-02-30 10:00", "date"),
    ("2/30 10:00", "date"),
    ("12.7 14:00", "date"),  # a decimal, not a date
    ("11/30/26 9:00", "date"),  # a two-digit year: which part is it?
    ("December 2026", "date"),
    # no time of day
    ("2026-12-07", "time"),
    ("12/7", "time"),
    ("12月7日(月)", "time"),
    ("12/7 14", "time"),
    ("12/7 25:00", "time"),
    ("12/7 24:00", "time"),
    ("12/7 10:75", "time"),
    ("12/7 14:00 AM", "time"),
    # zones
    ("12/7 14:00 IST", "zone"),
    ("12/7 14:00 CST", "zone"),
    ("12/7 14:00 (IST)", "zone"),
    ("12/7 14:00 WAT", "zone"),  # not known
    ("12/7 14:00 UTC+15", "zone"),
    ("12/7 14:00 JST (UTC-5)", "zone"),  # two zones that disagree
    # the weekday is not the date's: which of the two was meant?
    ("12月8日(月)", "weekday"),
    ("12月8日(月) 14:00", "weekday"),
    ("2026/12/8(月) 14:00", "weekday"),
    ("Wednesday, 8 December 2026, 10:00", "weekday"),
    ("Mon Dec 8 10:00", "weekday"),
    ("Mon 7/12/2026 Tue 14:00", "weekday"),
    ("Wed 7/12/2026 14:00", "weekday"),  # neither 7 Dec nor 12 Jul
    # two readings
    ("7/12/2026 14:00", "ambiguous"),
    ("7-12-2026 14:00", "ambiguous"),
    ("12/7 14:00 or 15:00", "ambiguous"),
    ("12/7 14:00 or 12/8 10:00", "ambiguous"),
    ("12/7 14:00 2027", "ambiguous"),  # a year we did not read the date with
    ("12月7日 午前12時", "ambiguous"),  # noon or midnight, by the writer
    ("12月7日 午後12時", "ambiguous"),
    ("12/7 PM12:00", "ambiguous"),
    ("12/7 14:00-14:00", "ambiguous"),
]


@pytest.mark.parametrize("text,kind", REFUSED)
def test_what_is_asked_about(text, kind):
    with pytest.raises(DateError) as raised:
        read_datetime(text, today=TODAY)
    assert raised.value.kind == kind
    assert str(raised.value) == kind


# --- parse_datetime: full dates only, for callers without today's date ---------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2026/12/7 14:00",
        "2026年12月7日 14時",
        "令和8年12月7日 14:00",
        "December 7th, 2026 at 2:00 PM",
    ],
)
def test_parse_datetime_reads_full_dates(text):
    assert parse_datetime(text) == (tokyo(12, 7, 14), None)


def test_parse_datetime_gives_the_end_of_a_range():
    assert parse_datetime("7 Dec 2026, 14:00-17:00 (JST)") == (tokyo(12, 7, 14), tokyo(12, 7, 17))


@pytest.mark.parametrize(
    "text,kind",
    [
        ("12/7 14:00", "date"),  # no year, and no today to take the next one from
        ("12月7日 14時", "date"),
        ("25/12/2026 14:00", "date"),  # year last: read by read_datetime only
        # read_datetime's "weekday" and "ambiguous" are "date" here: the kinds its callers know
        ("2026/12/8(月) 14:00", "date"),
        ("2026/12/7 14:00 or 15:00", "date"),
        ("2026-12-07", "time"),
        ("2026-12-07 10:00 IST", "zone"),
    ],
)
def test_parse_datetime_refuses(text, kind):
    with pytest.raises(DateError, match=f"^{kind}$"):
        parse_datetime(text)
