"""The pricing settings of a policy (rulebook §8), as plain immutable values: no Django here.

`PricingPolicy.from_dict()` reads a preset document (contracts/presets/*.json: strings such as "09:00"
and "1.5") or a Policy row's values (`Policy.as_rules_dict()`: time and Decimal objects); keys the
price does not read (min_lead_hours, standard_equipment, ...) are ignored. Every setting goes through
one validator, so a preset, a server row and a `genba quote` override are held to the same rules.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import time
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from genba.core.bounds import MAX_YEN
from genba.pricing.calendar import BusinessCalendar

PRESET_KEYS = ("ecorpone", "tokyo-its")
SKILL_LEVELS = ("entry", "senior", "specialist")
MAX_ENGINEERS = 10
MAX_HOURS = Decimal("24")


class PolicyError(ValueError):
    """One or more settings are wrong; `problems` are lines "setting: what is wrong"."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class PricingPolicy:
    key: str
    time_zone: str
    business_days: tuple[int, ...]  # 0 = Monday, as date.weekday()
    business_start: time
    business_end: time
    holidays_after_hours: bool
    year_end_closure: bool
    after_hours_multiplier: Decimal
    minimum_hours: Decimal
    default_reserved_hours: Decimal
    overtime_multiplier: Decimal
    grace_minutes: int
    billing_increment_minutes: int
    default_skill_level: str
    default_engineers: int
    # Optional settings (OPTIONAL_SETTINGS): absent from a document means None.
    travel_time_rate: int | None = None  # yen per hour of travel per engineer; None: not charged
    # Built once per policy (shared by every policy with the same calendar settings, so its per-day
    # cache stays warm across documents); excluded from equality and hashing.
    _calendar: BusinessCalendar = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_calendar", BusinessCalendar.from_policy(self))

    @property
    def calendar(self) -> BusinessCalendar:
        return self._calendar

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PricingPolicy:
        """From a preset document or a Policy row's values; raises PolicyError naming every bad key."""
        problems: list[str] = []
        values: dict[str, Any] = {}
        key = data.get("key")
        if not isinstance(key, str) or not key:
            problems.append("key: required")
        for name, coerce in SETTINGS.items():
            if name not in data:
                problems.append(f"{name}: required")
                continue
            try:
                values[name] = coerce(data[name])
            except ValueError as exc:
                problems.append(f"{name}: {exc}")
        for name, coerce in OPTIONAL_SETTINGS.items():
            try:
                values[name] = coerce(data.get(name))
            except ValueError as exc:
                problems.append(f"{name}: {exc}")
        problems.extend(_whole_policy_problems(values))
        if problems:
            raise PolicyError(problems)
        return cls(key=str(key), **values)


# --- loading presets and applying overrides -------------------------------------------------------


@lru_cache(maxsize=len(PRESET_KEYS))
def load_preset(key: str) -> PricingPolicy:
    """One of the two presets, read from the package data (genba/contracts/presets/KEY.json)."""
    if key not in PRESET_KEYS:
        raise PolicyError([f"policy: unknown policy {key!r} (use {' or '.join(PRESET_KEYS)})"])
    # Read through the top-level package: importing genba.contracts would pull in its Django app.
    text = (resources.files("genba") / "contracts" / "presets" / f"{key}.json").read_text("utf-8")
    return PricingPolicy.from_dict(json.loads(text, parse_float=Decimal))


def with_overrides(policy: PricingPolicy, overrides: Mapping[str, Any]) -> PricingPolicy:
    """A copy of `policy` with some settings replaced; raises PolicyError with every problem.

    Problems are "setting: what is wrong"; the caller adds its own prefix (policy_overrides.).
    """
    problems: list[str] = []
    values: dict[str, Any] = {}
    for name, value in overrides.items():
        coerce = SETTINGS.get(name) or OPTIONAL_SETTINGS.get(name)
        if coerce is None:
            hint = "not a pricing setting" if name in _OTHER_POLICY_SETTINGS else "unknown setting"
            problems.append(f"{name}: {hint}")
            continue
        try:
            values[name] = coerce(value)
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
    merged = {f.name: getattr(policy, f.name) for f in fields(policy) if f.init}
    merged.update(values)
    problems.extend(_whole_policy_problems(merged))
    if problems:
        raise PolicyError(problems)
    return replace(policy, **values)


def _whole_policy_problems(values: Mapping[str, Any]) -> list[str]:
    """The rules between settings, checked once each setting is valid on its own."""
    start, end = values.get("business_start"), values.get("business_end")
    if isinstance(start, time) and isinstance(end, time) and not start < end:
        # One business interval per calendar day: an overnight business day is no preset's need.
        return ["business_end: must be after business_start"]
    return []


# --- one validator per setting: each returns the clean value or raises ValueError(message) --------


def as_decimal(value: Any) -> Decimal:
    """A number as an exact Decimal; a float is read through str() so 1.1 stays 1.1."""
    if isinstance(value, bool):
        raise ValueError("must be a number")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float | str):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            raise ValueError("must be a number") from None
    else:
        raise ValueError("must be a number")
    if not number.is_finite():
        raise ValueError("must be a number")
    return number


def as_whole(value: Any) -> int:
    """A whole number (an int, or an integral Decimal such as 30.0): never a bool."""
    if isinstance(value, bool):
        raise ValueError("must be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal | float) and as_decimal(value) == as_decimal(value).to_integral():
        return int(as_decimal(value))
    raise ValueError("must be a whole number")


def _decimal_places(number: Decimal) -> int:
    exponent = number.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _hours(*, allow_zero: bool) -> Callable[[Any], Decimal]:
    def coerce(value: Any) -> Decimal:
        number = as_decimal(value)
        low = "at least 0" if allow_zero else "above 0"
        if number < 0 or (number == 0 and not allow_zero) or number > MAX_HOURS:
            raise ValueError(f"must be a number of hours {low} and at most 24")
        if _decimal_places(number) > 2:
            # The server stores hours with two decimals; 0.01 h is 36 s, so windows stay whole seconds.
            raise ValueError("must have at most 2 decimal places")
        return number

    return coerce


def _multiplier(value: Any) -> Decimal:
    number = as_decimal(value)
    if number <= 0 or number > 100:
        raise ValueError("must be a positive number (at most 100)")
    return number


def _int_between(low: int, high: int) -> Callable[[Any], int]:
    def coerce(value: Any) -> int:
        try:
            number = as_whole(value)
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return number

    return coerce


def _time_of_day(value: Any) -> time:
    if isinstance(value, time):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = time.fromisoformat(value.strip())
        except ValueError:
            raise ValueError('must be a time of day such as "09:00"') from None
    else:
        raise ValueError('must be a time of day such as "09:00"')
    if parsed.tzinfo is not None:
        raise ValueError("must be a local time of day, without an offset (the policy zone applies)")
    return parsed


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("must be true or false")
    return value


def _weekdays(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list | tuple) or any(
        isinstance(d, bool) or not isinstance(d, int) or not 0 <= d <= 6 for d in value
    ):
        raise ValueError("must be a list of weekday numbers, 0 (Monday) to 6 (Sunday)")
    return tuple(sorted(set(value)))


def _zone_name(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError('must be an IANA time zone name such as "Asia/Tokyo"')
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f'unknown time zone {value!r} (e.g. "Asia/Tokyo")') from None
    return value


def _skill_level(value: Any) -> str:
    if value not in SKILL_LEVELS:
        raise ValueError(f"must be one of {', '.join(SKILL_LEVELS)}")
    return str(value)


SETTINGS: dict[str, Callable[[Any], Any]] = {
    "time_zone": _zone_name,
    "business_days": _weekdays,
    "business_start": _time_of_day,
    "business_end": _time_of_day,
    "holidays_after_hours": _boolean,
    "year_end_closure": _boolean,
    "after_hours_multiplier": _multiplier,
    "minimum_hours": _hours(allow_zero=True),
    "default_reserved_hours": _hours(allow_zero=False),
    "overtime_multiplier": _multiplier,
    "grace_minutes": _int_between(0, 24 * 60),
    "billing_increment_minutes": _int_between(1, 240),
    "default_skill_level": _skill_level,
    "default_engineers": _int_between(1, MAX_ENGINEERS),
}


def _yen_per_hour_or_none(value: Any) -> int | None:
    """None (not charged) or a whole number of yen from 1 to MAX_YEN (like an hourly rate)."""
    if value is None:
        return None
    try:
        number = as_whole(value)
    except ValueError:
        number = None
    if number is None or not 1 <= number <= MAX_YEN:
        raise ValueError(f"must be empty or a whole number of yen from 1 to {MAX_YEN}")
    return number


# Settings a document may leave out (None when absent): the travel charges of issue 13.
OPTIONAL_SETTINGS: dict[str, Callable[[Any], Any]] = {
    "travel_time_rate": _yen_per_hour_or_none,
}

# Settings of a Policy the price never reads: overriding one in `genba quote` is a mistake worth
# naming as such rather than as a typo.
_OTHER_POLICY_SETTINGS = frozenset(
    {
        "key",
        "name",
        "min_lead_hours",
        "en_route_window_hours",
        "reference_required_before_release",
        "equipment_list_required",
        "datacenter_reference_required",
        "remote_engineer_required",
        "maps_url_expected",
        "sla_offered",
        "sla_requires_retainer",
        "invoice_within_hours",
        "standard_equipment",
        "photo_id_retention_days",
    }
)
