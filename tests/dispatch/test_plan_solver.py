"""The §10 optimizer on small hand-made instances whose optimum is known, and on generated ones."""

from __future__ import annotations

from typing import Any

import pytest

from genba.dispatch.planning.checker import check_plan
from genba.dispatch.planning.generate import generate_instance
from genba.dispatch.planning.greedy import greedy_plan
from genba.dispatch.planning.instance import Instance, Point, Travel, parse_instance, travel_minutes
from genba.dispatch.planning.solver import solve

DAY = "2026-12-07"
HOME = {"lat": 35.681, "lng": 139.767}  # Tokyo station
NEAR = {"lat": 35.690, "lng": 139.700}  # Shinjuku: 28 min from HOME
FAR = {"lat": 35.466, "lng": 139.622}  # Yokohama


def at(hhmm: str) -> str:
    return f"{DAY}T{hhmm}:00+09:00"


def engineer(ident: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": ident,
        "skill_level": "senior",
        "languages": ["en", "ja"],
        "home": HOME,
        "shift": {"start": at("08:00"), "end": at("20:00")},
        **fields,
    }


def request(ident: str, start: str, end: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": ident,
        "languages": ["ja"],
        "start": at(start),
        "end": at(end),
        "site": NEAR,
        **fields,
    }


def instance(engineers: list, requests: list, **top: Any) -> Instance:
    parsed, problems = parse_instance({"engineers": engineers, "requests": requests, **top})
    assert problems == [], problems
    return parsed


def planned(inst: Instance, limit: float = 10) -> dict[str, Any]:
    plan = solve(inst, limit)
    assert check_plan(inst, plan) == []
    greedy = greedy_plan(inst)
    assert check_plan(inst, greedy) == []
    assert plan["assigned"] >= greedy["assigned"]
    return plan


def crews(plan: dict[str, Any]) -> dict[str, list[str]]:
    return {a["request"]: a["engineers"] for a in plan["assignments"]}


def reasons(plan: dict[str, Any]) -> dict[str, str]:
    return {u["request"]: u["reason"] for u in plan["unassigned"]}


def leg(a: dict, b: dict) -> int:
    return travel_minutes(Point(**a), Point(**b), Travel())


def test_the_section_10_example() -> None:
    inst = instance(
        [engineer("e1", skill_level="senior")],
        [request("r1", "10:00", "13:00", skill_level="entry", languages=["en"])],
    )
    plan = planned(inst)
    assert plan["assignments"] == [{"request": "r1", "engineers": ["e1"]}]
    assert plan["unassigned"] == []
    assert plan["travel_minutes"] == 2 * leg(HOME, NEAR) == 56  # home legs both ways
    assert (plan["status"], plan["bound"], plan["gap"]) == ("optimal", 56, 0)
    assert set(plan) >= {
        "assignments",
        "unassigned",
        "travel_minutes",
        "status",
        "bound",
        "gap",
        "solve_seconds",
    }


def test_skill_and_language_qualification() -> None:
    inst = instance(
        [
            engineer("entry-ja", skill_level="entry", languages=["ja"]),
            engineer("senior-en", skill_level="senior", languages=["en"]),
        ],
        [
            request("needs-senior-ja", "09:00", "10:00", skill_level="senior", languages=["ja"]),
            request("needs-en", "11:00", "12:00", languages=["en"]),
            request("needs-specialist", "13:00", "14:00", skill_level="specialist"),
            request("needs-ja", "15:00", "16:00"),
        ],
    )
    plan = planned(inst)
    assert crews(plan) == {"needs-en": ["senior-en"], "needs-ja": ["entry-ja"]}
    assert reasons(plan) == {
        "needs-senior-ja": "no engineer with skill level senior or above speaks ja",
        "needs-specialist": "no engineer has skill level specialist or above",
    }
    assert plan["status"] == "optimal"


def test_a_two_engineer_request_takes_two_distinct_qualified_engineers() -> None:
    inst = instance(
        [engineer("e1"), engineer("e2"), engineer("e3", languages=["en"])],
        [
            request("pair", "10:00", "12:00", engineers=2),
            request("trio", "14:00", "15:00", engineers=3),
        ],
    )
    plan = planned(inst)
    assert crews(plan) == {"pair": ["e1", "e2"]}
    assert reasons(plan) == {
        "trio": "needs 3 engineers; only 2 qualify (entry or above, speaking ja)"
    }


def test_a_request_is_assigned_whole_or_not_at_all() -> None:
    # Only e1 is free at 10:00 (e2's shift starts at noon): the pair cannot be half-staffed.
    inst = instance(
        [engineer("e1"), engineer("e2", shift={"start": at("12:00"), "end": at("20:00")})],
        [request("pair", "10:00", "11:00", engineers=2)],
    )
    plan = planned(inst)
    assert plan["assignments"] == []
    assert reasons(plan)["pair"].startswith(
        "needs 2 engineers; only 1 qualified can reach the site by 10:00"
    )


def test_a_chain_that_only_works_in_one_order() -> None:
    # A at Yokohama 09:30-10:30, B at Shinjuku 12:00-13:00: A then B fits (travel < 90 min), and the
    # solver must chain them for one engineer; the other engineer cannot reach Yokohama by 09:30.
    inst = instance(
        [
            engineer("e1", home=FAR),
            engineer("e2", shift={"start": at("11:00"), "end": at("20:00")}),
        ],
        [
            request("A", "09:30", "10:30", site=FAR),
            request("B", "12:00", "13:00"),
            request("C", "12:00", "13:00"),
        ],
    )
    plan = planned(inst)
    assert crews(plan)["A"] == ["e1"]
    assert len(plan["assignments"]) == 3  # B and C split between e1 (after A) and e2
    assert plan["status"] == "optimal"


def test_home_legs_are_counted() -> None:
    inst = instance([engineer("e1", home=FAR)], [request("r1", "11:00", "12:00")])
    plan = planned(inst)
    assert plan["travel_minutes"] == leg(FAR, NEAR) + leg(NEAR, FAR)


def test_shift_start_and_end_limit_the_day() -> None:
    to_site = leg(HOME, NEAR)  # 28 minutes
    inst = instance(
        [engineer("e1", shift={"start": at("09:00"), "end": at("18:00")})],
        [
            request("too-early", "09:20", "10:00"),  # 09:00 + 28 min is 09:28
            request("just-in-time", "09:28", "10:00")
            if to_site == 28
            else request("x", "09:30", "10:00"),
            request("too-late", "17:00", "17:40"),  # home at 18:08
        ],
    )
    plan = planned(inst)
    assert set(crews(plan)) == {"just-in-time"}
    assert "too-early" in reasons(plan) and "too-late" in reasons(plan)
    assert reasons(plan)["too-late"].startswith("no qualified engineer can reach the site by 17:00")


def test_back_to_back_requests_at_one_site_need_the_fixed_minutes() -> None:
    inst = instance(
        [engineer("e1")],
        [request("first", "10:00", "11:00"), request("next", "11:10", "12:00")],  # 10 min < 15
    )
    assert len(planned(inst)["assignments"]) == 1
    inst = instance(
        [engineer("e1")],
        [request("first", "10:00", "11:00"), request("next", "11:15", "12:00")],
    )
    plan = planned(inst)
    assert len(plan["assignments"]) == 2
    assert plan["travel_minutes"] == 28 + 15 + 28


def test_more_requests_assigned_beats_less_travel() -> None:
    # One engineer: the nearby long request, or the two far ones it overlaps. Two beat one, however
    # far they are.
    inst = instance(
        [engineer("e1")],
        [
            request("near-long", "10:00", "16:00", site=HOME),
            request("far-1", "10:00", "11:00", site=FAR),
            request("far-2", "14:00", "15:00", site=FAR),
        ],
    )
    plan = planned(inst)
    assert set(crews(plan)) == {"far-1", "far-2"}
    assert plan["travel_minutes"] > 2 * leg(HOME, HOME)


def test_least_travel_among_plans_assigning_as_many() -> None:
    # Two engineers, one near the site and one far: the near one goes.
    inst = instance(
        [engineer("far", home=FAR), engineer("near")], [request("r1", "10:00", "11:00")]
    )
    plan = planned(inst)
    assert crews(plan) == {"r1": ["near"]}
    assert plan["status"] == "optimal" and plan["gap"] == 0


def test_even_workload_breaks_a_travel_tie() -> None:
    # Two engineers at one home; A (1 h) and B (3 h) overlap, so each takes one. C can follow either
    # at the same travel cost (its site is the same distance from A's and B's): it must go to the
    # engineer with the short day, whichever that is.
    west, east = {"lat": 35.70, "lng": 139.70}, {"lat": 35.70, "lng": 139.80}
    middle = {"lat": 35.70, "lng": 139.75}
    home = {"lat": 35.65, "lng": 139.75}
    inst = instance(
        [engineer("e1", home=home), engineer("e2", home=home)],
        [
            request("A", "10:00", "11:00", site=west),
            request("B", "10:00", "13:00", site=east),
            request("C", "15:00", "16:00", site=middle),
        ],
    )
    assert leg(west, middle) == leg(east, middle) and leg(home, west) == leg(home, east)
    plan = planned(inst)
    assert plan["status"] == "optimal"
    assert crews(plan)["C"] == crews(plan)["A"]


def test_an_empty_day() -> None:
    plan = planned(instance([], []))
    assert plan["assignments"] == [] and plan["unassigned"] == [] and plan["travel_minutes"] == 0
    plan = planned(instance([], [request("r1", "10:00", "11:00")]))
    assert reasons(plan) == {"r1": "no engineer has skill level entry or above"}


@pytest.mark.parametrize(("n", "m", "seed"), [(20, 5, 1), (50, 10, 1)])
def test_generated_instances_are_solved_to_optimality(n: int, m: int, seed: int) -> None:
    inst, _ = parse_instance(generate_instance(n, m, seed))
    plan = planned(inst, 20)
    assert plan["status"] == "optimal"
    assert plan["assigned"] == plan["assigned_bound"] and plan["gap"] == 0


def test_the_time_limit_is_honoured_on_a_bigger_instance() -> None:
    inst, _ = parse_instance(generate_instance(200, 40, 2))
    plan = solve(inst, 3)
    assert plan["solve_seconds"] <= 3 + 1.5
    assert check_plan(inst, plan) == []
    assert plan["assigned"] >= greedy_plan(inst)["assigned"]
    assert plan["assigned"] <= plan["assigned_bound"] and plan["bound"] <= plan["travel_minutes"]
    assert 0 <= plan["gap"] <= 1
