"""Formatting for issued documents (invoices, credit notes, exports).

Rulebook §6: an issued document is written in its policy's time zone and names it, so that it reads
the same for every viewer. Django's own `date` and `time` filters convert an aware datetime to the
*active* time zone (the viewer's profile zone on a page) before formatting; nothing here does.
Every datetime goes through an explicit `astimezone(zone)` with the document's zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django import template

register = template.Library()

# The name Japanese readers know Tokyo time by; other zones are named by their abbreviation.
ZONE_NAMES_JA = {"Asia/Tokyo": "日本時間"}


def document_zone(invoice) -> ZoneInfo:
    """The zone an invoice or credit note is written in: its request's policy's at issue, frozen on
    the document (rulebook §6)."""
    return ZoneInfo(invoice.time_zone)


def in_zone(value: datetime, zone: ZoneInfo) -> datetime:
    if value.tzinfo is None:
        # A naive datetime would be read in whatever zone happens to be active: refuse it.
        raise ValueError("documents take aware datetimes only")
    return value.astimezone(zone)


@register.filter
def zone_date(value, zone: ZoneInfo) -> str:
    """The calendar day in `zone`: "2026-12-01". A date is already a day and is printed as is."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = in_zone(value, zone).date()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"zone_date takes a date or datetime, not {type(value).__name__}")


@register.filter
def zone_time(value, zone: ZoneInfo) -> str:
    """The time of day in `zone`: "16:00"."""
    if value is None or value == "":
        return ""
    return in_zone(value, zone).strftime("%H:%M")


def zone_timestamp(value: datetime | None, zone: ZoneInfo) -> str:
    """An instant for a machine-read export: ISO 8601 in `zone`, with its offset."""
    return "" if value is None else in_zone(value, zone).isoformat(timespec="seconds")


def time_range(start: datetime, end: datetime | None, zone: ZoneInfo) -> str:
    """ "16:00–18:00"; an end on a later day carries its date, so a night line is not misread."""
    if end is None:
        return zone_time(start, zone)
    first, last = in_zone(start, zone), in_zone(end, zone)
    shown_end = last.strftime("%H:%M")
    if last.date() == first.date() + timedelta(days=1) and last.time() == time(0):
        # Midnight closes the start's day: "22:00–24:00" reads better than a date.
        shown_end = "24:00"
    elif last.date() != first.date():
        shown_end = f"{last.date().isoformat()} {shown_end}"
    return f"{first.strftime('%H:%M')}–{shown_end}"


def _offset(moment: datetime) -> str:
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_note(zone: ZoneInfo, moments: Iterable[datetime], language: str) -> str:
    """The sentence that names the document's zone, e.g. "Dates and times in Asia/Tokyo (JST,
    UTC+09:00)." A zone with daylight saving names every abbreviation the document's own times use
    (EST/EDT), so the note is true for each time printed."""
    abbreviations: list[str] = []
    offsets: list[str] = []
    for moment in moments:
        if moment is None:
            continue
        local = in_zone(moment, zone)
        if (name := local.tzname() or "") and name not in abbreviations:
            abbreviations.append(name)
        if (offset := _offset(local)) not in offsets:
            offsets.append(offset)
    key = zone.key
    details = ", ".join(filter(None, ["/".join(abbreviations), "/".join(offsets)]))
    if language == "ja":
        name = ZONE_NAMES_JA.get(key) or "/".join(abbreviations) or key
        inner = "、".join([key] + (["/".join(offsets)] if offsets else []))
        return f"日付・時刻はすべて{name}（{inner}）です。"
    return f"Dates and times in {key} ({details})." if details else f"Dates and times in {key}."


@register.filter
def plain_decimal(value) -> str:
    """1.2500 -> "1.25", 2.00 -> "2": exact, no float on the way."""
    if value is None or value == "":
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text


@register.filter
def line_label(line, labels) -> str:
    """What the line is, in the reader's language: the kind of time, then the request's title."""
    if line.kind == "expense":
        return f"{labels['expense']}: {line.description}"
    if line.kind in ("travel_time", "travel_fee"):
        return labels[line.kind]
    kind = labels["overtime_work"] if line.kind == "overtime" else labels["onsite_work"]
    return f"{kind} — {line.description}" if line.description else kind
