"""Bounds at the edge: one definition per kind of value a person can enter.

Every input schema (orders.inputs, the API's filters and bodies), every page form and e-mail intake
take their bounds from here, so a value is refused the same way wherever it comes in: a 422 (or a
form error, or a line of the intake reply) naming the field, in the user's language, before
anything is saved. The checks are plain functions (`check_*`) that raise `OutOfBounds`; the pydantic
types below and the Django validators (`django_validator`) only translate that one error.

The bounds, and why (docs/security.md quotes this list):

- A planned instant (a visit's start, a reschedule) lies from PLANNED_PAST ago to PLANNED_AHEAD
  ahead of `clock.now()`: one year back (a visit planned last month can still be entered, the
  completeness check then raises `request.start.past`) and two years ahead (no customer books an
  engineer further out). Anything beyond, 0001-01-01 and 9999-12-31 included, cannot be stored and
  read back on every database (PostgreSQL turns 0001-01-01+09:00 into a year-0 date Python cannot
  read; 9999-12-31T23:59:59+09:00 overflows when converted).
- A recorded instant (a sign-off time) lies from a year ago to a day ahead: the service itself says
  "not in the future" with its own message; the bound only keeps the value computable.
- A filter instant (`created_after`) lies between 2000-01-01 and 2100-01-01.
- Yen are whole numbers from 1 to MAX_YEN (¥10,000,000: an hourly rate or one expense; the
  invoice columns hold 2^31-1, so a month of visits at the maximum still fits).
- Hours are decimals with at most two places, above 0 and at most 24 (rulebook §2); the request's
  reserved hours are instead bounded by their column (±999.99), since a value out of (0, 24] is the
  completeness finding `request.reserved_hours.invalid`, saved and shown, not refused (§2: "a
  request can be saved with errors"). Engineers likewise (finding `request.engineers.invalid`).
- Text: every string has its model column's max_length, is stripped, and refuses NUL and the other
  control characters (Unicode category Cc), lone surrogates (which no database stores) and the
  Unicode line/paragraph separators. Single-line text refuses line breaks and tabs too; multi-line
  text keeps \\n, \\r and \\t.
- JSON bodies (the API, POST /quotes, `genba quote`): see genba.core.json_limits (at most
  MAX_JSON_BYTES, nested at most MAX_JSON_DEPTH deep, number literals of at most MAX_NUMBER_CHARS
  characters and an exponent within ±MAX_NUMBER_EXPONENT, no NUL in any string).
- URLs are `https://` with a host; a map link is an https URL (whether it is one of the rulebook's
  Google Maps forms is the completeness finding `site.maps_url.invalid`, so a customer sees why),
  and nothing but `https://` is ever stored, so no `javascript:` can reach an `href`.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from genba.core.json_limits import (  # noqa: F401 (one module of bounds: re-exported)
    MAX_JSON_BYTES,
    MAX_JSON_DEPTH,
    MAX_NUMBER_CHARS,
    MAX_NUMBER_EXPONENT,
    JsonRefused,
    NumberOutOfRange,
    body_too_large,
    load_json,
)

PLANNED_PAST = timedelta(days=365)
PLANNED_AHEAD = timedelta(days=730)
RECORDED_PAST = timedelta(days=365)
RECORDED_AHEAD = timedelta(days=1)
FILTER_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
FILTER_LATEST = datetime(2100, 1, 1, tzinfo=UTC)
MAX_YEN = 10_000_000
MAX_HOURS = Decimal(24)
MAX_PAGE = 10_000
MAX_PAGE_SIZE = 100
# A public id is "req_" + a short random part; anything longer or not printable ASCII is no id.
MAX_PUBLIC_ID = 40
# Line breaks and tabs that multi-line text keeps.
_MULTILINE_KEEPS = frozenset("\n\r\t")
# Not category Cc but no person types them into a field: line/paragraph separator.
_ALSO_REFUSED = frozenset("\u2028\u2029")
# The same rules as JSON Schema patterns, so the OpenAPI document (and schemathesis) knows them.
SINGLE_LINE_PATTERN = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\ud800-\\udfff]*$"
MULTI_LINE_PATTERN = (
    "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u2028\\u2029\\ud800-\\udfff]*$"
)
HTTPS_URL_PATTERN = "^(https://[A-Za-z0-9.-]+(:[0-9]{1,5})?([/?#][!-~]*)?)?$"


def _(message: str) -> str:
    # Imported when a message is made, not with the module: `genba quote` reads MAX_YEN from here
    # and runs without Django (tests/pricing/test_policy.py).
    from django.utils.translation import gettext

    return gettext(message)


def _now() -> datetime:
    from genba.core import clock

    return clock.now()


def _jst():
    from genba.core.clock import JST

    return JST


class OutOfBounds(ValueError):
    """A value outside its bound: `code` is stable, `message` is in the active language."""

    def __init__(self, code: str, message: str, **context: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.context = context


# --- the checks (plain functions: pydantic and Django forms both call them) ----------------------


def bad_character(value: str, *, multiline: bool) -> str | None:
    """The first character text may not hold, or None."""
    for char in value:
        if char in _MULTILINE_KEEPS:
            if multiline:
                continue
            return char
        category = unicodedata.category(char)
        if category in ("Cc", "Cs") or char in _ALSO_REFUSED:
            return char
    return None


def check_text(value: str, *, max_length: int, multiline: bool, strip: bool = True) -> str:
    """The stripped text, or OutOfBounds (control_character, string_too_long)."""
    text = value.strip() if strip else value
    char = bad_character(text, multiline=multiline)
    if char is not None:
        if char in _MULTILINE_KEEPS:
            raise OutOfBounds(
                "line_break", _("Must be one line: no line breaks or tabs."), character=repr(char)
            )
        raise OutOfBounds(
            "control_character",
            _("Contains a control character (%(char)s) that text may not hold.")
            % {"char": f"U+{ord(char):04X}"},
            character=f"U+{ord(char):04X}",
        )
    if len(text) > max_length:
        raise OutOfBounds(
            "string_too_long",
            _("At most %(n)s characters.") % {"n": max_length},
            max_length=max_length,
        )
    return text


def _compare_safely(moment: datetime, low: datetime, high: datetime) -> bool:
    # Comparing aware datetimes converts both to UTC, which overflows at the calendar's ends
    # (0001-01-01+09:00, 9999-12-31-05:00): such a moment is out of any window.
    try:
        return low <= moment <= high
    except OverflowError:
        return False


def check_instant(moment: datetime, *, past: timedelta, ahead: timedelta) -> datetime:
    """An aware datetime within [now - past, now + ahead], else OutOfBounds(instant_out_of_range)."""
    now = _now()
    if not _compare_safely(moment, now - past, now + ahead):
        raise OutOfBounds(
            "instant_out_of_range",
            _("Must lie between %(low)s and %(high)s.")
            % {
                "low": (now - past).astimezone(_jst()).date().isoformat(),
                "high": (now + ahead).astimezone(_jst()).date().isoformat(),
            },
        )
    return moment


def check_planned(moment: datetime) -> datetime:
    return check_instant(moment, past=PLANNED_PAST, ahead=PLANNED_AHEAD)


def check_recorded(moment: datetime) -> datetime:
    return check_instant(moment, past=RECORDED_PAST, ahead=RECORDED_AHEAD)


def check_filter_instant(moment: datetime) -> datetime:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=_jst())
    if not _compare_safely(aware, FILTER_EARLIEST, FILTER_LATEST):
        raise OutOfBounds(
            "instant_out_of_range",
            _("Must lie between %(low)s and %(high)s.")
            % {"low": FILTER_EARLIEST.date().isoformat(), "high": FILTER_LATEST.date().isoformat()},
        )
    return moment


def check_https_url(value: str, *, max_length: int = 500) -> str:
    """Blank, or an https URL with a host; anything else (javascript:, http:, data:) refused."""
    text = check_text(value, max_length=max_length, multiline=False)
    if not text:
        return text
    if not is_https_url(text):
        raise OutOfBounds("url_not_https", _("Must be an https:// link."))
    return text


def is_https_url(value: str) -> bool:
    """True for `https://host...` without whitespace or control characters: what may be an href."""
    if not isinstance(value, str) or not value.lower().startswith("https://"):
        return False
    if any(c.isspace() for c in value) or bad_character(value, multiline=False) is not None:
        return False
    try:
        return bool(urlsplit(value).hostname)
    except ValueError:
        return False


def https_href(value: Any) -> str:
    """The value when it may be rendered as an href (https only), else "" (for rows stored before
    the bound, or entered where it did not apply)."""
    return value if isinstance(value, str) and is_https_url(value.strip()) else ""


def check_public_id(value: str) -> bool:
    """Whether a path segment can be a public id at all (short printable ASCII)."""
    return 0 < len(value) <= MAX_PUBLIC_ID and value.isascii() and value.isprintable()


# --- pydantic: the same checks as types --------------------------------------------------------


def _pydantic(check):
    """A pydantic validator from a check: OutOfBounds becomes a PydanticCustomError whose
    message is already in the active language (problems.py and the forms show `msg`)."""

    def validate(value: Any) -> Any:
        try:
            return check(value)
        except OutOfBounds as error:
            # The message is already formatted: braces in it must not be read as placeholders.
            message = error.message.replace("{", "{{").replace("}", "}}")
            raise PydanticCustomError(error.code, message, error.context) from None

    return validate


def _text_validator(max_length: int, multiline: bool):
    def check(value: Any) -> Any:
        if not isinstance(value, str):
            return value  # pydantic's own str check names the type
        return check_text(value, max_length=max_length, multiline=multiline)

    return _pydantic(check)


def SingleLineText(max_length: int, *, min_length: int = 0) -> Any:  # noqa: N802 (a type)
    """One line of text, stripped, at most `max_length` characters (its column's length)."""
    return Annotated[
        str,
        Field(
            max_length=max_length,
            min_length=min_length,
            json_schema_extra={"pattern": SINGLE_LINE_PATTERN},
        ),
        BeforeValidator(_text_validator(max_length, multiline=False)),
    ]


def MultiLineText(max_length: int, *, min_length: int = 0) -> Any:  # noqa: N802 (a type)
    """Text with line breaks, stripped, at most `max_length` characters."""
    return Annotated[
        str,
        Field(
            max_length=max_length,
            min_length=min_length,
            json_schema_extra={"pattern": MULTI_LINE_PATTERN},
        ),
        BeforeValidator(_text_validator(max_length, multiline=True)),
    ]


def _url_check(value: Any) -> Any:
    return check_https_url(value) if isinstance(value, str) else value


HttpsUrl = Annotated[
    str,
    Field(max_length=500),
    BeforeValidator(_pydantic(_url_check)),
    WithJsonSchema({"type": "string", "maxLength": 500, "pattern": HTTPS_URL_PATTERN}),
]
# A site's map link: https only at the edge; the Google Maps forms are the completeness finding.
MapsUrl = HttpsUrl

PlannedInstant = Annotated[AwareDatetime, AfterValidator(_pydantic(check_planned))]
RecordedInstant = Annotated[AwareDatetime, AfterValidator(_pydantic(check_recorded))]
FilterInstant = Annotated[datetime, AfterValidator(_pydantic(check_filter_instant))]

Yen = Annotated[int, Field(ge=1, le=MAX_YEN)]
Hours = Annotated[Decimal, Field(gt=0, le=MAX_HOURS, decimal_places=2)]
# A visit's reserved hours as entered: the column's range (see the module docstring).
ReservedHours = Annotated[
    Decimal, Field(ge=Decimal("-999.99"), le=Decimal("999.99"), decimal_places=2)
]
Page = Annotated[int, Field(ge=1, le=MAX_PAGE)]
PageSize = Annotated[int, Field(ge=1, le=MAX_PAGE_SIZE)]


def PublicIdText() -> Any:  # noqa: N802 (a type)
    return SingleLineText(MAX_PUBLIC_ID, min_length=3)


# The search box of a list: one line of at most 100 characters.
SearchText = SingleLineText(100)


# --- Django forms: the same checks as validators ----------------------------------------------


class _DjangoCheck:
    """A Django validator calling a bounds check (deconstructible enough for forms; not used in
    model fields, so no migration depends on it)."""

    def __init__(self, check) -> None:
        self.check = check

    def __call__(self, value: Any) -> None:
        from django.core.exceptions import ValidationError

        if value in (None, ""):
            return
        try:
            self.check(value)
        except OutOfBounds as error:
            raise ValidationError(error.message, code=error.code) from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _DjangoCheck) and other.check is self.check


def single_line_validator(max_length: int) -> _DjangoCheck:
    return _DjangoCheck(lambda v: check_text(v, max_length=max_length, multiline=False))


def multi_line_validator(max_length: int) -> _DjangoCheck:
    return _DjangoCheck(lambda v: check_text(v, max_length=max_length, multiline=True))


https_validator = _DjangoCheck(check_https_url)
planned_validator = _DjangoCheck(check_planned)
recorded_validator = _DjangoCheck(check_recorded)
