"""Reading a date and a time of day as people write them in an order mail, in English and Japanese
(issue 12). Pure Python, and nothing here reads the clock: the caller passes today's date in Tokyo.

Decisions (what a customer writes is read, or asked about, never guessed):

- A numeric date without a year or with the year first is month/day (`12/7`, `2026/12/7`): the
  Japanese and the American order. With the year last (`7/12/2026`) half the world reads day/month,
  so both readings are tried and the date is ambiguous unless one is impossible (`25/12/2026`) or
  a written weekday settles it. Dotted with the year last (`7.12.2026`) is the European
  day.month.year. Year-less `12.7` and `12-7` are not dates (decimals, ranges).
- Without a year: the next such date on or after today, said so (`year_assumed`) for the reply.
- A written weekday is checked against the date, never used to correct it.
- Without a zone the time is Japan's: the engineer's clock. A bare negative offset after a time
  (`14:00-05:00`) is the end of a range, not UTC-5: negative offsets are written `UTC-5`/`GMT-5`
  (or ISO 8601 with the `T`). Summer/winter abbreviations are taken as written (`PST` in July is
  UTC-8). Abbreviations naming several zones (`IST`, `CST`) are refused.
- `午前12時`/`午後12時` mean noon or midnight depending on the writer: asked about. In English
  12 AM is midnight and 12 PM noon, the usual convention.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

__all__ = ["TOKYO", "DateError", "DateReading", "parse_datetime", "read_datetime"]

TOKYO = ZoneInfo("Asia/Tokyo")


class DateError(ValueError):
    """`kind`, also the message, says what to ask the customer about: "date" (no date read),
    "time" (no time of day), "zone" (unknown or ambiguous zone), "weekday" (the weekday written is
    not the date's), "ambiguous" (two readings)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclass(frozen=True)
class DateReading:
    start: datetime  # aware
    end: datetime | None = None  # for a range "14:00-17:00" / "14時〜17時"
    year_assumed: bool = False  # no year written: the next such date on or after today was taken


# --- dates ----------------------------------------------------------------------------------------

_MONTH_NAME = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)(?![a-z])\.?"
)
# Only 19xx/20xx, and never the hour of "7 Dec 20:00".
_YEAR_AFTER = r"(?:[\s,\-]*(?P<y>(?:19|20)\d{2})(?![\d:]))?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_DATES = tuple(
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in (
        (
            "era",
            r"(?P<era>令和|平成)\s*(?P<ey>\d{1,2}|元)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?",
        ),
        ("ymd", r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日?"),
        (
            "ymd",
            r"(?<![\d/.\-])(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})(?!\d)",
        ),
        (
            "year_last",
            r"(?<![\d/.\-])(?P<a>\d{1,2})(?P<s>[-/.])(?P<b>\d{1,2})(?P=s)(?P<y>\d{4})(?!\d)",
        ),
        ("md", r"(?<!\d)(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
        ("md", r"(?<![\d/.\-:])(?P<m>\d{1,2})/(?P<d>\d{1,2})(?![\d/])"),
        ("named", rf"(?<![a-z]){_MONTH_NAME}\s*(?P<d>\d{{1,2}}){_ORDINAL}(?![\d:]){_YEAR_AFTER}"),
        (
            "named",
            rf"(?<![\d/.:])(?P<d>\d{{1,2}}){_ORDINAL}(?:\s+of)?[\s\-]*{_MONTH_NAME}{_YEAR_AFTER}",
        ),
    )
)
_WEEKDAY_NAMES = {
    **dict.fromkeys(("mon", "monday", "月"), 0),
    **dict.fromkeys(("tue", "tues", "tuesday", "火"), 1),
    **dict.fromkeys(("wed", "weds", "wednesday", "水"), 2),
    **dict.fromkeys(("thu", "thur", "thurs", "thursday", "木"), 3),
    **dict.fromkeys(("fri", "friday", "金"), 4),
    **dict.fromkeys(("sat", "saturday", "土"), 5),
    **dict.fromkeys(("sun", "sunday", "日"), 6),
}
_WEEKDAYS = re.compile(
    r"[(\[【]\s*(?P<ja>[月火水木金土日])\s*(?:曜日?)?\s*[)\]】]"
    r"|(?P<ja2>[月火水木金土日])曜日?"
    r"|(?<![a-z])(?P<en>"
    + "|".join(sorted((n for n in _WEEKDAY_NAMES if n.isascii()), key=len, reverse=True))
    + r")(?![a-z])\.?",
    re.IGNORECASE,
)
# A year written somewhere we did not read it from: the date would be taken as next year's.
_STRAY_YEAR = re.compile(r"(?<![\w-])(?:19|20)\d{2}(?![\w-])")


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _first_date(text: str) -> tuple[str, re.Match] | None:
    found = [(kind, m) for kind, pattern in _DATES if (m := pattern.search(text))]
    if not found:
        return None
    # The earliest, then the longest: "2026/12/7" is not "12/7" and "7 Dec" in "7 Dec 14:00" is
    # not "Dec 14".
    return min(found, key=lambda item: (item[1].start(), -item[1].end()))


def _is_date(year: int | None, month: int, day: int) -> bool:
    try:
        date(2000 if year is None else year, month, day)  # 2000: a leap year, 29 Feb exists
    except ValueError:
        return False
    return True


_AMERICAN_ZONE = re.compile(
    r"\b(?:PT|PST|PDT|ET|EST|EDT|CT|CDT|MT|MST|MDT|HST|AKST|AKDT)\b"
    r"|\b(?:pacific|eastern|central|mountain)\s+time\b",
    re.IGNORECASE,
)


def _readings(kind: str, match: re.Match) -> tuple[int | None, list[tuple[int, int]]]:
    """The year written (or None) and the (month, day) readings that can be dates."""
    groups = match.groupdict()
    year = int(groups["y"]) if groups.get("y") else None
    if kind == "era":
        number = 1 if groups["ey"] == "元" else int(groups["ey"])
        year = (2018 if groups["era"] == "令和" else 1988) + number
    if kind == "named":
        month = _month_number(groups["mon"])
        return year, [(month, int(groups["d"]))] if _is_date(year, month, int(groups["d"])) else []
    if kind == "year_last":
        a, b = int(groups["a"]), int(groups["b"])
        tried = [(b, a), (a, b)] if groups["s"] == "." else [(a, b), (b, a)]
    else:
        month, day = int(groups["m"]), int(groups["d"])
        tried = (
            [(month, day), (day, month)]
            if kind == "md" and "/" in match.group()
            else [(month, day)]
        )
    readings = list(dict.fromkeys(r for r in tried if _is_date(year, *r)))
    if kind == "year_last" and groups["s"] != ".":
        return year, readings  # both: the weekday, or the customer, decides
    return year, readings[:1]  # the convention, or the only possible reading


def _month_number(name: str) -> int:
    return "jan feb mar apr may jun jul aug sep oct nov dec".split().index(name[:3].casefold()) + 1


def _next(month: int, day: int, today: date) -> date:
    for year in range(today.year, today.year + 9):  # 29 February waits up to eight years
        if _is_date(year, month, day) and date(year, month, day) >= today:
            return date(year, month, day)
    raise DateError("date")


def _weekdays(text: str) -> tuple[set[int], str]:
    found: set[int] = set()
    for match in _WEEKDAYS.finditer(text):
        name = match.group("ja") or match.group("ja2") or match.group("en")
        found.add(_WEEKDAY_NAMES[name.casefold()])
        text = _blank(text, *match.span())
    return found, text


# --- zones ----------------------------------------------------------------------------------------

_FIXED = {
    "utc": 0,
    "gmt": 0,
    "jst": 540,
    "japan time": 540,
    "japan standard time": 540,
    "tokyo time": 540,
    # The site's own time, and every site is in Japan.
    "local time": 540,
    "日本時間": 540,
    "日本標準時": 540,
    "東京時間": 540,
    "現地時間": 540,
    "kst": 540,
    "sgt": 480,
    "hkt": 480,
    "cet": 60,
    "cest": 120,
    "bst": 60,
    "eet": 120,
    "eest": 180,
    "msk": 180,
    "est": -300,
    "edt": -240,
    "cdt": -300,
    "mst": -420,
    "mdt": -360,
    "pst": -480,
    "pdt": -420,
    "aest": 600,
    "aedt": 660,
    "nzst": 720,
    "nzdt": 780,
}
# Zones whose offset depends on the date.
_REGIONS = {
    "pacific time": "America/Los_Angeles",
    "eastern time": "America/New_York",
    "central time": "America/Chicago",
    "mountain time": "America/Denver",
}
_UPPER = {"PT": "America/Los_Angeles", "ET": "America/New_York"}
_NAMED_ZONE = re.compile(
    r"(?<![a-z])(?P<name>"
    + "|".join(re.escape(n) for n in sorted([*_FIXED, *_REGIONS], key=len, reverse=True))
    + r")(?![a-z])"
    # Upper case only: "et" and "pt" are words too.
    r"|(?<![A-Za-z])(?P<upper>(?-i:PT|ET))(?![A-Za-z])",
    re.IGNORECASE,
)
_OFFSET = re.compile(
    r"(?:(?<![a-z])(?:utc|gmt)\s*(?P<sign>[+\-−])|(?P<plus>\+))\s*(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?(?!\d)",
    re.IGNORECASE,
)
# India, Ireland, Israel; China, Cuba, US Central; and so on: we do not pick one.
_AMBIGUOUS_ZONE = re.compile(r"(?<![A-Za-z])(?:IST|CST|AST|GST|SST|ECT|BDT)(?![A-Za-z])")
# An abbreviation right after the time that we do not know ("14:00 WAT"), but not a word.
_UNKNOWN_ZONE = re.compile(
    r"\s*[(\[]?\s*(?!(?:START|FIRST|LAST|NEXT|ABOUT|JUST|NOT|BUT)\b)[A-Z]{2,4}T(?![A-Za-z])"
)


def _offset_zone(minutes: int) -> tzinfo:
    if abs(minutes) > 14 * 60:
        raise DateError("zone")
    return TOKYO if minutes == 540 else timezone(timedelta(minutes=minutes))


def _zones(text: str) -> tuple[list[tzinfo], str]:
    if _AMBIGUOUS_ZONE.search(text):
        raise DateError("zone")
    zones: list[tzinfo] = []
    for match in list(_OFFSET.finditer(text)):
        minutes = int(match.group("h")) * 60 + int(match.group("m") or 0)
        if int(match.group("m") or 0) > 59:
            raise DateError("zone")
        zones.append(_offset_zone(-minutes if match.group("sign") in ("-", "−") else minutes))
        text = _blank(text, *match.span())
    for match in list(_NAMED_ZONE.finditer(text)):
        name = (match.group("name") or "").casefold()
        if match.group("upper"):
            zones.append(ZoneInfo(_UPPER[match.group("upper")]))
        elif name in _REGIONS:
            zones.append(ZoneInfo(_REGIONS[name]))
        else:
            zones.append(_offset_zone(_FIXED[name]))
        text = _blank(text, *match.span())
    return zones, text


# --- times ----------------------------------------------------------------------------------------

_TIME = re.compile(
    r"""(?<![\d:.+\-/])
    (?:
        (?P<noon>正午|noon|midday)
      | (?:(?P<ap1>午前|午後|(?<![a-z])[ap]\.?m\.?(?=\s?\d))\s*)?  # "PM2:00", as in Japan
        (?P<h>\d{1,2})
        (?:
            [:.](?P<m>\d{2})(?::\d{2})?  # "14.00": the British way
          | \s*(?P<ji>時)(?!間)(?:\s*(?P<mj>\d{1,2})\s*分|\s*(?P<half>半))?
          | h(?P<mh>\d{2})
        )?
        (?!\d)
        (?:\s*(?P<ap2>[ap]\.?m\.?)(?![a-z]))?
    )""",
    re.IGNORECASE | re.VERBOSE,
)
_RANGE = re.compile(r"\s*(?:[-–—―‐~〜ー]|(?:to|until|till|through)\b|から|より)\s*", re.IGNORECASE)


def _marked(match: re.Match) -> bool:
    """A number with ":", ".", 時, "h" or am/pm: a bare "14" is not a time of day."""
    return any(match.group(g) for g in ("noon", "ap1", "m", "ji", "mh", "ap2"))


def _ampm(match: re.Match) -> str:
    written = (match.group("ap1") or match.group("ap2") or "").casefold().replace(".", "")
    return {"午前": "am", "午後": "pm"}.get(written, written)


def _clock(match: re.Match, ampm: str | None = None) -> time:
    if match.group("noon"):
        return time(12, 0)
    hour = int(match.group("h"))
    minute = int(match.group("m") or match.group("mj") or match.group("mh") or 0)
    minute = 30 if match.group("half") else minute
    ampm = ampm if ampm is not None else _ampm(match)
    if match.group("ap1") and hour == 12:
        raise DateError("ambiguous")  # 午前12時, 午後12時, PM12:00: noon or midnight, by the writer
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    elif ampm == "am" and hour > 12:
        raise DateError("time")
    if hour > 23 or minute > 59:
        raise DateError("time")
    return time(hour, minute)


def _times(text: str) -> tuple[time, time | None, str, int]:
    """The time of day and a range's end, the text without them, and where they end."""
    for match in _TIME.finditer(text):
        after = _RANGE.match(text, match.end())
        tail = text[after.end() :] if after else ""
        end_match = _TIME.match(tail) if after else None  # on the tail: past the look-behind
        if end_match is not None and not _marked(end_match):
            end_match = None
        if not _marked(match) and end_match is None:
            continue  # a bare number, unless it starts a range: "2-5pm"
        start_ampm, end_ampm = _ampm(match), end_match and _ampm(end_match)
        if end_match is None:
            stop, end = match.end(), None
        else:
            stop = after.end() + end_match.end()
            end = _clock(end_match)
            # "2:00-5:00 PM" is 14-17, "午後2時〜5時" too; "10:00-1:00 PM" stays 10-13.
            if not start_ampm and end_ampm == "pm" and int(match.group("h") or 12) + 12 <= end.hour:
                start_ampm = "pm"
            if not end_ampm and start_ampm == "pm" and end.hour < 12:
                if end.hour + 12 >= _clock(match, "pm").hour:
                    end = _clock(end_match, "pm")
        start = _clock(match, start_ampm)
        rest = _blank(text, match.start(), stop)
        if any(_marked(other) for other in _TIME.finditer(rest)):
            raise DateError("ambiguous")  # two times of day, not a range
        return start, end, rest, stop
    raise DateError("time")


# --- the reading ----------------------------------------------------------------------------------


def _iso(text: str) -> datetime | None:
    # With a space instead of the "T" only when what follows the time is seconds, "Z" or a "+"
    # offset: "10:00-13:00" is a range, not UTC-13.
    iso = re.fullmatch(
        r"(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}\S*)| (\d{2}:\d{2}(?::\d{2})?(?:Z|\+\d{2}:?\d{2})?))",
        text,
    )
    if not iso:
        return None
    try:
        moment = datetime.fromisoformat(
            f"{iso.group(1)}T{iso.group(2) or iso.group(3)}".replace("Z", "+00:00")
        )
    except ValueError:
        return None
    return moment.replace(tzinfo=TOKYO) if moment.tzinfo is None else moment


def _read(value: str, today: date | None) -> DateReading:
    """`today` None: full dates only, as before issue 12 (no year-less or year-last dates)."""
    text = " ".join(unicodedata.normalize("NFKC", value or "").split())
    moment = _iso(text)
    if moment is not None:
        return DateReading(moment)
    # "2026-12-08T09:30+09:00 to 2026-12-08T11:30+09:00": a range of two ISO instants.
    ends = re.fullmatch(r"(\S+)\s*(?:to|until|-|–|—|~|〜|～)\s*(\S+)", text, re.IGNORECASE)
    if ends and (first_end := _iso(ends.group(1))) and (last_end := _iso(ends.group(2))):
        if last_end <= first_end:
            raise DateError("ambiguous")
        return DateReading(first_end, last_end)

    # "21:00～翌01:00": the end on the next day (an end before the start is read so anyway);
    # "08:30:00": seconds say nothing for a visit.
    text = re.sub(r"(?<=[~〜～\-–])\s*翌\s*", "", text)
    text = re.sub(r"(?<!\d)(\d{1,2}:\d{2}):\d{2}(?!\d)", r"\1", text)
    first = _first_date(text)
    if first is None:
        raise DateError("date")
    kind, match = first
    year, readings = _readings(kind, match)
    if today is None and (year is None or kind == "year_last"):
        raise DateError("date")
    if not readings:
        raise DateError("date")
    rest = _blank(text, *match.span())
    if _first_date(rest) is not None:
        raise DateError("ambiguous")  # two dates
    if year is not None:
        days = sorted({date(year, month, day) for month, day in readings})
    else:
        days = sorted({_next(month, day, today) for month, day in readings})

    weekdays, rest = _weekdays(rest)
    if len(weekdays) > 1:
        raise DateError("weekday")
    if weekdays:
        days = [d for d in days if d.weekday() in weekdays]
        if not days:
            raise DateError("weekday")
    if len(days) > 1 and kind == "year_last" and _AMERICAN_ZONE.search(rest):
        # "12/09/2026 9:00 AM PT": a time in an American zone is written the American way,
        # month first. Decision (docs/email-intake.md); elsewhere the date is asked about.
        days = [date(year, *readings[0])] if year is not None else days
    if len(days) > 1:
        raise DateError("ambiguous")
    [day] = days

    zones, rest = _zones(rest)
    start_time, end_time, rest, stop = _times(rest)
    if not zones and _UNKNOWN_ZONE.match(rest, stop):
        raise DateError("zone")
    if year is None and _STRAY_YEAR.search(rest):
        raise DateError("ambiguous")

    naive = datetime.combine(day, start_time)
    offsets = {zone.utcoffset(naive) for zone in zones}
    if len(offsets) > 1:
        raise DateError("zone")
    zone = zones[0] if zones else TOKYO
    start = datetime.combine(day, start_time, tzinfo=zone)
    end = None
    if end_time is not None:
        end = datetime.combine(day, end_time, tzinfo=zone)
        if end == start:
            raise DateError("ambiguous")
        if end < start:
            end += timedelta(days=1)  # "23:00 to 01:00": through the night
    return DateReading(start, end, year_assumed=year is None)


def read_datetime(value: str, *, today: date) -> DateReading:
    """The date and time of day written in `value` (see the module's decisions). Raises DateError.

    `today` is today's date in Tokyo: a date written without a year is the next one on or after it.
    """
    if isinstance(today, datetime) or not isinstance(today, date):
        raise TypeError("today is a date (today's in Tokyo), not a datetime")
    return _read(value, today)


def parse_datetime(value: str) -> tuple[datetime, datetime | None]:
    """The start (aware) and, for a range ("10:00-13:00"), the end, of a date written with its year.
    Raises DateError "date", "time" or "zone".

    For callers without today's date. A written weekday that is not the date's, and anything read
    two ways, are reported as "date": the problem texts of the template know these three kinds.
    """
    try:
        reading = _read(value, None)
    except DateError as exc:
        if exc.kind in ("weekday", "ambiguous"):
            raise DateError("date") from exc
        raise
    return reading.start, reading.end
