"""An independent checker of a §10 plan: does it keep every hard rule of the instance?

Written apart from the solver on purpose: it shares nothing with it but the instance and the §10
travel formula (`travel_minutes`), and recomputes every route from the plan's own JSON with datetime
arithmetic, so a bug in the solver's precomputed tables cannot hide in both. It returns one line per
violation; an empty list means the plan is feasible and its reported travel is right.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from genba.dispatch.planning.instance import (
    SKILL_RANK,
    Engineer,
    Instance,
    Request,
    travel_minutes,
)

STATUSES = ("optimal", "feasible")


def check_plan(instance: Instance, plan: Any) -> list[str]:
    """Every way the plan breaks §10 (empty when it keeps them all)."""
    if not isinstance(plan, Mapping):
        return ["plan: must be an object"]
    problems: list[str] = []
    requests = {r.id: r for r in instance.requests}
    engineers = {e.id: e for e in instance.engineers}
    placed: dict[str, str] = {}  # request id -> where it was first seen in the plan
    routes: dict[str, list[Request]] = {e.id: [] for e in instance.engineers}

    assignments = plan.get("assignments")
    if not isinstance(assignments, list):
        problems.append("assignments: must be a list")
        assignments = []
    for index, item in enumerate(assignments):
        where = f"assignments[{index}]"
        request = _request_of(item, where, requests, placed, problems)
        if request is None:
            continue
        crew = item.get("engineers")
        if not isinstance(crew, list):
            problems.append(f"{where}.engineers: must be a list of engineer ids")
            continue
        if len(crew) != request.engineers:
            problems.append(
                f"{where}.engineers: request {request.id} needs exactly {request.engineers}, got {len(crew)}"
            )
        for position, ident in enumerate(crew):
            at = f"{where}.engineers[{position}]"
            engineer = engineers.get(ident) if isinstance(ident, str) else None
            if engineer is None:
                problems.append(f"{at}: unknown engineer {ident!r}")
                continue
            if ident in crew[:position]:
                problems.append(f"{at}: {ident} is listed twice")
                continue
            problems.extend(f"{at}: {line}" for line in _qualification(engineer, request))
            routes[ident].append(request)

    unassigned = plan.get("unassigned")
    if not isinstance(unassigned, list):
        problems.append("unassigned: must be a list")
        unassigned = []
    for index, item in enumerate(unassigned):
        where = f"unassigned[{index}]"
        if _request_of(item, where, requests, placed, problems) is None:
            continue
        reason = item.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            problems.append(f"{where}.reason: required, a sentence")
    problems.extend(
        f"unassigned: request {ident} is neither assigned nor unassigned"
        for ident in requests
        if ident not in placed
    )

    total = 0
    for ident, route in routes.items():
        minutes, lines = _route(engineers[ident], route, instance)
        total += minutes
        problems.extend(lines)
    reported = plan.get("travel_minutes")
    if not isinstance(reported, int) or isinstance(reported, bool):
        problems.append("travel_minutes: must be a whole number of minutes")
    elif reported != total:
        problems.append(f"travel_minutes: reported {reported}, the routes travel {total}")
    if plan.get("status") not in STATUSES:
        problems.append(f"status: must be one of {', '.join(STATUSES)}")
    bound = plan.get("bound")
    if isinstance(reported, int) and isinstance(bound, int | float) and bound > reported:
        problems.append(f"bound: {bound} is above the plan's own travel_minutes {reported}")
    return problems


def _request_of(
    item: Any,
    where: str,
    requests: dict[str, Request],
    placed: dict[str, str],
    problems: list[str],
) -> Request | None:
    if not isinstance(item, Mapping):
        problems.append(f"{where}: must be an object")
        return None
    ident = item.get("request")
    request = requests.get(ident) if isinstance(ident, str) else None
    if request is None:
        problems.append(f"{where}.request: unknown request {ident!r}")
        return None
    if ident in placed:
        problems.append(f"{where}.request: {ident} already appears in {placed[ident]}")
        return None
    placed[ident] = where
    return request


def _qualification(engineer: Engineer, request: Request) -> list[str]:
    lines = []
    if SKILL_RANK[engineer.skill_level] < SKILL_RANK[request.skill_level]:
        lines.append(
            f"{engineer.id} is {engineer.skill_level}; request {request.id} asks for {request.skill_level}"
        )
    for language in sorted(request.languages - engineer.languages):
        lines.append(
            f"{engineer.id} does not speak {language}, which request {request.id} asks for"
        )
    return lines


def _route(engineer: Engineer, visits: list[Request], instance: Instance) -> tuple[int, list[str]]:
    """The engineer's travel minutes over the day, and every time rule the day breaks."""
    if not visits:
        return 0, []
    visits = sorted(visits, key=lambda r: (r.start, r.end))
    lines = []
    travel = instance.travel
    name = f"engineer {engineer.id}"
    leg = travel_minutes(engineer.home, visits[0].site, travel)
    total = leg
    if engineer.shift_start + timedelta(minutes=leg) > visits[0].start:
        lines.append(
            f"{name}: leaving home at the shift start ({_hm(engineer.shift_start)}) and travelling "
            f"{leg} min misses the start of {visits[0].id} ({_hm(visits[0].start)})"
        )
    for before, after in zip(visits, visits[1:], strict=False):
        leg = travel_minutes(before.site, after.site, travel)
        total += leg
        if before.end + timedelta(minutes=leg) > after.start:
            lines.append(
                f"{name}: {before.id} ends at {_hm(before.end)}; with {leg} min of travel "
                f"{after.id} cannot be reached by its start ({_hm(after.start)})"
            )
    last = visits[-1]
    leg = travel_minutes(last.site, engineer.home, travel)
    total += leg
    if last.end + timedelta(minutes=leg) > engineer.shift_end:
        lines.append(
            f"{name}: {last.id} ends at {_hm(last.end)}; with {leg} min home the shift end "
            f"({_hm(engineer.shift_end)}) is passed"
        )
    return total, lines


def _hm(moment: Any) -> str:
    return moment.strftime("%H:%M")
