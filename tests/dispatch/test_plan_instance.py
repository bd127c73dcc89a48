"""The §10 instance: every problem named by its field, and the travel rule (rounded up)."""

from __future__ import annotations

import copy
import json
import math
import subprocess
import sys
from typing import Any

import pytest

from genba.dispatch.planning.instance import (
    EARTH_RADIUS_KM,
    Point,
    Travel,
    distance_km,
    instance_to_dict,
    parse_instance,
    parse_text,
    travel_minutes,
)

# The rulebook's §10 example, verbatim.
EXAMPLE_TEXT = """{
  "travel": {"speed_kmh": 30, "fixed_minutes": 15},
  "time_limit_s": 10,
  "engineers": [
    {"id": "e1", "skill_level": "senior", "languages": ["en", "ja"],
     "home": {"lat": 35.681, "lng": 139.767},
     "shift": {"start": "2026-12-07T08:00:00+09:00", "end": "2026-12-07T21:00:00+09:00"}}
  ],
  "requests": [
    {"id": "r1", "skill_level": "entry", "languages": ["en"], "engineers": 1,
     "start": "2026-12-07T10:00:00+09:00", "end": "2026-12-07T13:00:00+09:00",
     "site": {"lat": 35.690, "lng": 139.700}}
  ]
}"""


def example() -> dict[str, Any]:
    return json.loads(EXAMPLE_TEXT)


def problems_of(data: Any) -> list[str]:
    instance, problems = parse_instance(data)
    assert (instance is None) == bool(problems)
    return problems


def test_the_section_10_example_parses() -> None:
    instance, problems = parse_text(EXAMPLE_TEXT)
    assert problems == [] and instance is not None
    (engineer,), (request,) = instance.engineers, instance.requests
    assert (engineer.id, engineer.skill_level, engineer.languages) == ("e1", "senior", {"en", "ja"})
    assert engineer.shift_start.isoformat() == "2026-12-07T08:00:00+09:00"
    assert (request.id, request.engineers, request.site) == ("r1", 1, Point(35.690, 139.700))
    assert (instance.travel, instance.time_limit_s) == (Travel(30, 15), 10)
    assert parse_instance(instance_to_dict(instance)) == (instance, [])


def test_defaults() -> None:
    data = example()
    del data["travel"], data["time_limit_s"]
    del data["requests"][0]["skill_level"], data["requests"][0]["engineers"]
    instance, _ = parse_instance(data)
    assert instance.travel == Travel(speed_kmh=30.0, fixed_minutes=15.0)
    assert instance.time_limit_s == 10
    # §2's defaults: entry, one engineer.
    assert (instance.requests[0].skill_level, instance.requests[0].engineers) == ("entry", 1)


def test_an_empty_day_is_an_instance() -> None:
    instance, problems = parse_instance({"engineers": [], "requests": []})
    assert problems == [] and instance.engineers == () and instance.requests == ()


def edit(path: str, value: Any) -> dict[str, Any]:
    """The example with one field set (or removed, for value ...)."""
    data = copy.deepcopy(example())
    *parents, last = path.split(".")
    node: Any = data
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    if value is ...:
        del node[last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        (
            "engineers.0.shift.end",
            "2026-12-07T07:00:00+09:00",
            "engineers[0].shift.end: must be after shift.start",
        ),
        ("requests.0.end", "2026-12-07T10:00:00+09:00", "requests[0].end: must be after start"),
        ("requests.0.languages", ["en", "fr"], "requests[0].languages[1]: must be one of en, ja"),
        ("requests.0.languages", ["en", "en"], "requests[0].languages[1]: en is listed twice"),
        ("requests.0.languages", [], "requests[0].languages: required, a non-empty list of en, ja"),
        (
            "engineers.0.languages",
            ...,
            "engineers[0].languages: required, a non-empty list of en, ja",
        ),
        (
            "requests.0.start",
            "2026-12-07T10:00:00",
            "requests[0].start: needs a UTC offset, e.g. 2026-12-07T10:00:00+09:00",
        ),
        (
            "requests.0.start",
            "2026-12-07",
            "requests[0].start: must be an ISO 8601 date and time with a UTC offset, e.g. 2026-12-07T10:00:00+09:00",
        ),
        (
            "engineers.0.shift.start",
            ...,
            "engineers[0].shift.start: required, e.g. 2026-12-07T10:00:00+09:00",
        ),
        (
            "requests.0.skill_level",
            "guru",
            "requests[0].skill_level: must be one of entry, senior, specialist",
        ),
        (
            "engineers.0.skill_level",
            ...,
            "engineers[0].skill_level: required, one of entry, senior, specialist",
        ),
        ("requests.0.engineers", 0, "requests[0].engineers: must be a whole number from 1 to 10"),
        ("requests.0.engineers", 11, "requests[0].engineers: must be a whole number from 1 to 10"),
        ("requests.0.engineers", 1.5, "requests[0].engineers: must be a whole number from 1 to 10"),
        (
            "requests.0.engineers",
            True,
            "requests[0].engineers: must be a whole number from 1 to 10",
        ),
        ("requests.0.site.lat", 91, "requests[0].site.lat: must be a number from -90 to 90"),
        (
            "engineers.0.home.lng",
            -180.5,
            "engineers[0].home.lng: must be a number from -180 to 180",
        ),
        (
            "engineers.0.home.lng",
            "139.7",
            "engineers[0].home.lng: must be a number from -180 to 180",
        ),
        ("requests.0.site", ..., "requests[0].site: required, an object with lat and lng"),
        ("requests.0.colour", "red", "requests[0].colour: unknown field"),
        ("engineers.0.shift.break", "12:00", "engineers[0].shift.break: unknown field"),
        ("engineers.0.id", "", "engineers[0].id: required, a non-empty string"),
        ("requests.0.id", 7, "requests[0].id: required, a non-empty string"),
        ("time_limit_s", 0, "time_limit_s: must be a number of seconds above 0, at most 600"),
        ("time_limit_s", 601, "time_limit_s: must be a number of seconds above 0, at most 600"),
        ("travel.speed_kmh", 0, "travel.speed_kmh: must be a number above 0, at most 1000"),
        ("travel.fixed_minutes", -1, "travel.fixed_minutes: must be a number from 0 to 1440"),
        ("travel.mode", "train", "travel.mode: unknown field"),
        ("depot", {}, "depot: unknown field"),
        ("requests", ..., "requests: required (a list, possibly empty)"),
        ("engineers", {}, "engineers: must be a list"),
    ],
)
def test_each_problem_names_its_field(path: str, value: Any, problem: str) -> None:
    assert problems_of(edit(path, value)) == [problem]


def test_duplicate_ids_and_every_problem_at_once() -> None:
    data = example()
    data["engineers"].append(copy.deepcopy(data["engineers"][0]))
    data["requests"].append({**copy.deepcopy(data["requests"][0]), "engineers": 12})
    data["requests"].append(copy.deepcopy(data["requests"][0]))
    assert problems_of(data) == [
        "requests[1].engineers: must be a whole number from 1 to 10",
        "engineers[1].id: duplicate of engineers[0] ('e1')",
        "requests[2].id: duplicate of requests[0] ('r1')",
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            "{not json",
            "instance: not valid JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))",
        ),
        ("[]", "instance: must be a JSON object"),
        (b"\xff", "instance: not UTF-8 text"),
        (
            '{"engineers": [], "requests": [], "time_limit_s": NaN}',
            "instance: not valid JSON (NaN is not a number JSON allows)",
        ),
    ],
)
def test_unreadable_text(text: str | bytes, problem: str) -> None:
    assert parse_text(text) == (None, [problem])


# --- travel ----------------------------------------------------------------------------------------


def test_travel_is_great_circle_over_speed_plus_fixed_rounded_up() -> None:
    tokyo, shinjuku = Point(35.681, 139.767), Point(35.690, 139.700)
    km = distance_km(tokyo, shinjuku)
    assert 6.1 < km < 6.2  # Tokyo station to Shinjuku, as the crow flies
    exact = km / 30 * 60 + 15  # 27.3... minutes
    assert travel_minutes(tokyo, shinjuku, Travel()) == math.ceil(exact) == 28
    # A degree of latitude on the 6371.0 km sphere: 111.19 km; at 60 km/h, 111.19 + 0 -> 112.
    assert travel_minutes(Point(35, 139), Point(36, 139), Travel(60, 0)) == 112
    assert distance_km(Point(0, 0), Point(0, 180)) == pytest.approx(math.pi * EARTH_RADIUS_KM)


def test_travel_rounds_any_fraction_up_but_not_a_whole_minute() -> None:
    # 0.5 km at 30 km/h is exactly 1 minute: 1 + 15 stays 16, not 17.
    a = Point(0, 0)
    half_km_east = Point(0, math.degrees(0.5 / EARTH_RADIUS_KM))
    assert travel_minutes(a, half_km_east, Travel()) == 16
    # A metre further is a started minute: 17.
    further = Point(0, math.degrees(0.501 / EARTH_RADIUS_KM))
    assert travel_minutes(a, further, Travel()) == 17
    # Fractional fixed minutes count too: 0 km + 0.2 min -> 1 minute.
    assert travel_minutes(a, a, Travel(30, 0.2)) == 1


def test_the_same_place_still_costs_the_fixed_minutes() -> None:
    site = Point(35.690, 139.700)
    assert travel_minutes(site, site, Travel()) == 15
    assert travel_minutes(site, site, Travel(30, 0)) == 0


def test_travel_is_symmetric() -> None:
    a, b = Point(35.466, 139.622), Point(35.861, 139.645)
    assert travel_minutes(a, b, Travel()) == travel_minutes(b, a, Travel())


def test_the_planning_package_does_not_import_django() -> None:
    code = (
        "import sys\n"
        "import genba.dispatch.planning.instance, genba.dispatch.planning.checker\n"
        "import genba.dispatch.planning.greedy, genba.dispatch.planning.solver\n"
        "import genba.dispatch.planning.generate, genba.dispatch.planning.models\n"
        "assert 'django' not in sys.modules, sorted(m for m in sys.modules if 'django' in m)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
