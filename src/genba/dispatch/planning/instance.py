"""The `genba plan` instance of rulebook §10: read and check it, and the travel-time rule.

`parse_instance()` collects every problem of an instance ("engineers[2].shift.end: must be after
shift.start") and returns an Instance only when there is none: nothing is planned from an instance
with a problem. No Django here: the optimizer runs on a file without a database.

Coordinates are floats (they are not money, and the great-circle formula is floating point anyway);
instants are aware datetimes; travel times are whole minutes (`travel_minutes()`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

SKILL_LEVELS = ("entry", "senior", "specialist")  # in rank order (§10: entry < senior < specialist)
SKILL_RANK = {level: rank for rank, level in enumerate(SKILL_LEVELS)}
LANGUAGES = ("en", "ja")
MAX_ENGINEERS_PER_REQUEST = 10  # §2: request.engineers.invalid below 1 or above 10
MAX_TIME_LIMIT_S = 600
DEFAULT_TIME_LIMIT_S = 10.0
# The mean Earth radius (IUGG), the usual one for the haversine formula. Documented because the
# rounded-up minutes depend on it: a different radius can move a leg across a minute boundary.
EARTH_RADIUS_KM = 6371.0
# Float noise tolerance for the rounding up: 15.000000000001 minutes is 15, not 16. A real distance
# never lands within a nanominute of a whole minute by design, so this only absorbs arithmetic error.
_ROUNDING_SLACK = 1e-9

_TOP_KEYS = ("travel", "time_limit_s", "engineers", "requests")
_TRAVEL_KEYS = ("speed_kmh", "fixed_minutes")
_ENGINEER_KEYS = ("id", "skill_level", "languages", "home", "shift")
_REQUEST_KEYS = ("id", "skill_level", "languages", "engineers", "start", "end", "site")
_INSTANT_EXAMPLE = "e.g. 2026-12-07T10:00:00+09:00"
# Stands in for an unreadable instant while the other fields are still checked; never planned with
# (an instance with any problem is not returned).
_NOWHEN = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Point:
    lat: float
    lng: float


@dataclass(frozen=True)
class Travel:
    speed_kmh: float = 30.0
    fixed_minutes: float = 15.0


@dataclass(frozen=True)
class Engineer:
    id: str
    skill_level: str
    languages: frozenset[str]
    home: Point
    shift_start: datetime
    shift_end: datetime


@dataclass(frozen=True)
class Request:
    id: str
    skill_level: str
    languages: frozenset[str]
    engineers: int
    start: datetime
    end: datetime
    site: Point


@dataclass(frozen=True)
class Instance:
    engineers: tuple[Engineer, ...]
    requests: tuple[Request, ...]
    travel: Travel = Travel()
    time_limit_s: float = DEFAULT_TIME_LIMIT_S


def qualifies(engineer: Engineer, request: Request) -> bool:
    """§10: skill at least the one asked, and every language asked spoken."""
    return (
        SKILL_RANK[engineer.skill_level] >= SKILL_RANK[request.skill_level]
        and request.languages <= engineer.languages
    )


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance by the haversine formula on a sphere of EARTH_RADIUS_KM."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlng = math.radians(b.lng - a.lng)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def travel_minutes(a: Point, b: Point, travel: Travel) -> int:
    """§10: distance / speed × 60 + fixed minutes, rounded UP to a whole minute.

    The formula is kept literally: two requests at the same place are still `fixed_minutes` apart
    (packing up, leaving and re-entering a site take time), so back-to-back requests at one site need
    that much between one's end and the next one's start.
    """
    minutes = distance_km(a, b) / travel.speed_kmh * 60 + travel.fixed_minutes
    return math.ceil(minutes - _ROUNDING_SLACK)


# --- reading -------------------------------------------------------------------------------------


def parse_text(text: str | bytes) -> tuple[Instance | None, list[str]]:
    """An instance from its JSON text; invalid JSON is one problem line like any other."""
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        return None, ["instance: not UTF-8 text"]
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        return None, [f"instance: not valid JSON ({exc})"]
    return parse_instance(data)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def parse_instance(data: Any) -> tuple[Instance | None, list[str]]:
    """The instance a §10 document describes, or None and every problem found."""
    if not isinstance(data, Mapping):
        return None, ["instance: must be a JSON object"]
    problems: list[str] = [f"{key}: unknown field" for key in data if key not in _TOP_KEYS]
    travel = _travel(data.get("travel"), problems)

    time_limit = DEFAULT_TIME_LIMIT_S
    if data.get("time_limit_s") is not None:
        value = _number(data["time_limit_s"])
        if value is None or not 0 < value <= MAX_TIME_LIMIT_S:
            problems.append(
                f"time_limit_s: must be a number of seconds above 0, at most {MAX_TIME_LIMIT_S}"
            )
        else:
            time_limit = value

    engineers = _items(data, "engineers", _engineer, problems)
    requests = _items(data, "requests", _request, problems)
    for name, items in (("engineers", engineers), ("requests", requests)):
        seen: dict[str, int] = {}
        for index, item in items:
            if item.id in seen:
                problems.append(
                    f"{name}[{index}].id: duplicate of {name}[{seen[item.id]}] ({item.id!r})"
                )
            else:
                seen[item.id] = index
    if problems:
        return None, problems
    return (
        Instance(
            engineers=tuple(item for _, item in engineers),
            requests=tuple(item for _, item in requests),
            travel=travel,
            time_limit_s=time_limit,
        ),
        [],
    )


def _items(
    data: Mapping[str, Any], key: str, read: Any, problems: list[str]
) -> list[tuple[int, Any]]:
    """The readable items of a list (with their index); empty lists are a valid, empty day."""
    raw = data.get(key)
    if raw is None:
        problems.append(f"{key}: required (a list, possibly empty)")
        return []
    if not isinstance(raw, list):
        problems.append(f"{key}: must be a list")
        return []
    items = []
    for index, entry in enumerate(raw):
        item = read(entry, f"{key}[{index}]", problems)
        if item is not None:
            items.append((index, item))
    return items


def _travel(raw: Any, problems: list[str]) -> Travel:
    if raw is None:
        return Travel()
    if not isinstance(raw, Mapping):
        problems.append("travel: must be an object with speed_kmh and fixed_minutes")
        return Travel()
    problems.extend(f"travel.{key}: unknown field" for key in raw if key not in _TRAVEL_KEYS)
    speed, fixed = Travel.speed_kmh, Travel.fixed_minutes
    if raw.get("speed_kmh") is not None:
        value = _number(raw["speed_kmh"])
        # A field engineer on trains or a scooter: anything above 1,000 km/h is a typo.
        if value is None or not 0 < value <= 1000:
            problems.append("travel.speed_kmh: must be a number above 0, at most 1000")
        else:
            speed = value
    if raw.get("fixed_minutes") is not None:
        value = _number(raw["fixed_minutes"])
        if value is None or not 0 <= value <= 24 * 60:
            problems.append("travel.fixed_minutes: must be a number from 0 to 1440")
        else:
            fixed = value
    return Travel(speed_kmh=speed, fixed_minutes=fixed)


def _engineer(raw: Any, path: str, problems: list[str]) -> Engineer | None:
    if not isinstance(raw, Mapping):
        problems.append(f"{path}: must be an object")
        return None
    before = len(problems)
    problems.extend(f"{path}.{key}: unknown field" for key in raw if key not in _ENGINEER_KEYS)
    ident = _id(raw.get("id"), f"{path}.id", problems)
    skill = _skill(raw.get("skill_level"), f"{path}.skill_level", problems, required=True)
    languages = _languages(raw.get("languages"), f"{path}.languages", problems)
    home = _point(raw.get("home"), f"{path}.home", problems)
    start, end = _window(raw.get("shift"), f"{path}.shift", problems, "shift.")
    if len(problems) > before:
        return None
    return Engineer(ident, skill, languages, home, start, end)


def _request(raw: Any, path: str, problems: list[str]) -> Request | None:
    if not isinstance(raw, Mapping):
        problems.append(f"{path}: must be an object")
        return None
    before = len(problems)
    problems.extend(f"{path}.{key}: unknown field" for key in raw if key not in _REQUEST_KEYS)
    ident = _id(raw.get("id"), f"{path}.id", problems)
    # §2 defaults: a request without a skill level asks for entry, without a count for one engineer.
    skill = _skill(raw.get("skill_level"), f"{path}.skill_level", problems, required=False)
    languages = _languages(raw.get("languages"), f"{path}.languages", problems)
    count = 1
    if raw.get("engineers") is not None:
        value = raw["engineers"]
        if not _is_whole(value) or not 1 <= value <= MAX_ENGINEERS_PER_REQUEST:
            problems.append(
                f"{path}.engineers: must be a whole number from 1 to {MAX_ENGINEERS_PER_REQUEST}"
            )
        else:
            count = int(value)
    start, end = _window(raw, path, problems)
    site = _point(raw.get("site"), f"{path}.site", problems)
    if len(problems) > before:
        return None
    return Request(ident, skill, languages, count, start, end, site)


def _id(value: Any, path: str, problems: list[str]) -> str:
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{path}: required, a non-empty string")
        return ""
    return value


def _skill(value: Any, path: str, problems: list[str], *, required: bool) -> str:
    if value is None and not required:
        return SKILL_LEVELS[0]
    if value not in SKILL_LEVELS:
        word = "required, one of" if value is None else "must be one of"
        problems.append(f"{path}: {word} {', '.join(SKILL_LEVELS)}")
        return SKILL_LEVELS[0]
    return value


def _languages(value: Any, path: str, problems: list[str]) -> frozenset[str]:
    if not isinstance(value, list) or not value:
        problems.append(f"{path}: required, a non-empty list of {', '.join(LANGUAGES)}")
        return frozenset()
    for index, language in enumerate(value):
        if not isinstance(language, str) or language not in LANGUAGES:
            problems.append(f"{path}[{index}]: must be one of {', '.join(LANGUAGES)}")
        elif language in value[:index]:
            problems.append(f"{path}[{index}]: {language} is listed twice")
    return frozenset(language for language in value if isinstance(language, str))


def _point(value: Any, path: str, problems: list[str]) -> Point:
    if not isinstance(value, Mapping):
        problems.append(f"{path}: required, an object with lat and lng")
        return Point(0.0, 0.0)
    problems.extend(f"{path}.{key}: unknown field" for key in value if key not in ("lat", "lng"))
    coords = []
    for key, limit in (("lat", 90), ("lng", 180)):
        number = _number(value.get(key))
        if number is None or not -limit <= number <= limit:
            problems.append(f"{path}.{key}: must be a number from -{limit} to {limit}")
            number = 0.0
        coords.append(number)
    return Point(*coords)


def _window(raw: Any, path: str, problems: list[str], label: str = "") -> tuple[datetime, datetime]:
    """A start and an end: an engineer's shift object (label "shift.") or a request itself."""
    prefix = f"{path}."
    if not isinstance(raw, Mapping):
        problems.append(f"{path}: required, an object with start and end")
        return _NOWHEN, _NOWHEN
    if label:
        problems.extend(
            f"{prefix}{key}: unknown field" for key in raw if key not in ("start", "end")
        )
    start = _instant(raw.get("start"), f"{prefix}start", problems)
    end = _instant(raw.get("end"), f"{prefix}end", problems)
    if start is not None and end is not None and end <= start:
        problems.append(f"{prefix}end: must be after {label}start")
        return _NOWHEN, _NOWHEN
    return start or _NOWHEN, end or _NOWHEN


def _instant(value: Any, path: str, problems: list[str]) -> datetime | None:
    if value is None:
        problems.append(f"{path}: required, {_INSTANT_EXAMPLE}")
        return None
    text = value.strip() if isinstance(value, str) else ""
    try:
        parsed = (
            datetime.fromisoformat(text) if len(text) > 10 else None
        )  # a bare date is no instant
    except ValueError:
        parsed = None
    if parsed is None:
        problems.append(
            f"{path}: must be an ISO 8601 date and time with a UTC offset, {_INSTANT_EXAMPLE}"
        )
        return None
    if parsed.utcoffset() is None:
        problems.append(f"{path}: needs a UTC offset, {_INSTANT_EXAMPLE}")
        return None
    return parsed


def _number(value: Any) -> float | None:
    """A finite JSON number (bool is not a number, though Python says it is an int)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _is_whole(value: Any) -> bool:
    return not isinstance(value, bool) and (
        isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    )


# --- writing (for generated instances and tests) -------------------------------------------------


def instance_to_dict(instance: Instance) -> dict[str, Any]:
    """The §10 JSON document of an instance (parse_instance(instance_to_dict(i)) == i)."""
    return {
        "travel": {
            "speed_kmh": instance.travel.speed_kmh,
            "fixed_minutes": instance.travel.fixed_minutes,
        },
        "time_limit_s": instance.time_limit_s,
        "engineers": [
            {
                "id": e.id,
                "skill_level": e.skill_level,
                "languages": sorted(e.languages),
                "home": {"lat": e.home.lat, "lng": e.home.lng},
                "shift": {"start": e.shift_start.isoformat(), "end": e.shift_end.isoformat()},
            }
            for e in instance.engineers
        ],
        "requests": [
            {
                "id": r.id,
                "skill_level": r.skill_level,
                "languages": sorted(r.languages),
                "engineers": r.engineers,
                "start": r.start.isoformat(),
                "end": r.end.isoformat(),
                "site": {"lat": r.site.lat, "lng": r.site.lng},
            }
            for r in instance.requests
        ],
    }
