"""The independent checker: it accepts a right plan and names every kind of broken one."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from genba.dispatch.planning.checker import check_plan
from genba.dispatch.planning.generate import generate_instance
from genba.dispatch.planning.greedy import greedy_plan
from genba.dispatch.planning.instance import parse_instance
from tests.dispatch.test_plan_solver import FAR, engineer, instance, request

INSTANCE = instance(
    [
        engineer("e1"),
        engineer("e2", skill_level="entry", languages=["ja"]),
        engineer(
            "e3", shift={"start": "2026-12-07T08:00:00+09:00", "end": "2026-12-07T12:00:00+09:00"}
        ),
    ],
    [
        request("r1", "09:00", "10:00"),
        request("r2", "11:00", "12:00"),
        request("r3", "14:00", "15:00", engineers=2),
        request("r4", "09:00", "10:00", languages=["en"], skill_level="senior"),
    ],
)
# e1: r1 then r2 then r3 (28 + 15 + 15 + 28); e2: r3 (28 + 28); r4 needs English: nobody free.
GOOD: dict[str, Any] = {
    "assignments": [
        {"request": "r1", "engineers": ["e1"]},
        {"request": "r2", "engineers": ["e1"]},
        {"request": "r3", "engineers": ["e1", "e2"]},
    ],
    "unassigned": [{"request": "r4", "reason": "every qualified engineer is busy"}],
    "travel_minutes": 28 + 15 + 15 + 28 + 28 + 28,
    "status": "feasible",
    "bound": 100,
    "gap": 0.5,
    "solve_seconds": 0.1,
}


def broken(**changes: Any) -> dict[str, Any]:
    plan = copy.deepcopy(GOOD)
    plan.update(changes)
    return plan


def test_a_right_plan_passes() -> None:
    assert check_plan(INSTANCE, GOOD) == []


@pytest.mark.parametrize(
    ("plan", "violation"),
    [
        (
            broken(assignments=GOOD["assignments"][:2] + [{"request": "r3", "engineers": ["e1"]}]),
            "assignments[2].engineers: request r3 needs exactly 2, got 1",
        ),
        (
            broken(
                assignments=GOOD["assignments"][:2] + [{"request": "r3", "engineers": ["e1", "e1"]}]
            ),
            "assignments[2].engineers[1]: e1 is listed twice",
        ),
        (
            broken(
                assignments=GOOD["assignments"][:2] + [{"request": "r3", "engineers": ["e1", "zz"]}]
            ),
            "assignments[2].engineers[1]: unknown engineer 'zz'",
        ),
        (
            broken(assignments=GOOD["assignments"] + [{"request": "r1", "engineers": ["e3"]}]),
            "assignments[3].request: r1 already appears in assignments[0]",
        ),
        (
            broken(unassigned=[{"request": "r4", "reason": "x"}, {"request": "r1", "reason": "x"}]),
            "unassigned[1].request: r1 already appears in assignments[0]",
        ),
        (broken(unassigned=[]), "unassigned: request r4 is neither assigned nor unassigned"),
        (broken(unassigned=[{"request": "r4"}]), "unassigned[0].reason: required, a sentence"),
        (
            broken(unassigned=[{"request": "r4", "reason": "x"}, {"request": "r9", "reason": "x"}]),
            "unassigned[1].request: unknown request 'r9'",
        ),
        (broken(travel_minutes=141), "travel_minutes: reported 141, the routes travel 142"),
        (broken(travel_minutes=142.0), "travel_minutes: must be a whole number of minutes"),
        (broken(status="good"), "status: must be one of optimal, feasible"),
        (broken(bound=143), "bound: 143 is above the plan's own travel_minutes 142"),
        ("not a plan", "plan: must be an object"),
    ],
)
def test_each_kind_of_violation_is_named(plan: Any, violation: str) -> None:
    assert violation in check_plan(INSTANCE, plan)


def test_qualification() -> None:
    plan = broken(
        assignments=[
            {"request": "r1", "engineers": ["e1"]},
            {"request": "r2", "engineers": ["e1"]},
            {"request": "r3", "engineers": ["e1", "e2"]},
            {"request": "r4", "engineers": ["e2"]},
        ],
        unassigned=[],
        travel_minutes=86 + 28 + 15 + 28,  # e2: r4 then r3, from one site to the same site
    )
    assert check_plan(INSTANCE, plan) == [
        "assignments[3].engineers[0]: e2 is entry; request r4 asks for senior",
        "assignments[3].engineers[0]: e2 does not speak en, which request r4 asks for",
    ]


def test_overlapping_requests_and_too_little_travel_time() -> None:
    # e1 on r1 (09:00-10:00) and r4 (09:00-10:00, English) at once.
    plan = broken(
        assignments=[
            {"request": "r1", "engineers": ["e1"]},
            {"request": "r4", "engineers": ["e1"]},
        ],
        unassigned=[{"request": "r2", "reason": "x"}, {"request": "r3", "reason": "x"}],
        travel_minutes=28 + 15 + 28,
        bound=None,
    )
    lines = check_plan(INSTANCE, plan)
    assert len(lines) == 1 and lines[0].startswith(
        "engineer e1: r1 ends at 10:00; with 15 min of travel"
    )


def test_leaving_home_before_the_shift_and_coming_home_after_it() -> None:
    early = instance(
        [engineer("e1", home=FAR)],
        [request("r1", "08:30", "09:00"), request("r2", "19:00", "19:45")],
    )
    plan = {
        "assignments": [
            {"request": "r1", "engineers": ["e1"]},
            {"request": "r2", "engineers": ["e1"]},
        ],
        "unassigned": [],
        "travel_minutes": 0,
        "status": "feasible",
    }
    from genba.dispatch.planning.instance import Point, Travel, travel_minutes

    far_near = travel_minutes(Point(**FAR), Point(35.690, 139.700), Travel())
    plan["travel_minutes"] = far_near + 15 + far_near
    lines = check_plan(early, plan)
    assert len(lines) == 2
    assert lines[0].startswith(
        "engineer e1: leaving home at the shift start (08:00) and travelling"
    )
    assert lines[0].endswith("misses the start of r1 (08:30)")
    assert lines[1].startswith("engineer e1: r2 ends at 19:45;")
    assert lines[1].endswith("the shift end (20:00) is passed")


def test_the_greedy_plan_of_a_generated_instance_passes() -> None:
    inst, _ = parse_instance(generate_instance(80, 15, 7))
    assert check_plan(inst, greedy_plan(inst)) == []
