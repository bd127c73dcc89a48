"""What the solver and the greedy baseline precompute from an instance: times, legs, who can go where.

Every request start and end is fixed (§10), so whether an engineer can do request j right after
request i does not depend on anything else in the plan: it is `end_i + travel(i, j) <= start_j`. The
same holds for the first leg from home and the last leg back. So all of the time rules become a table
of allowed legs, computed once here, and the optimizer only chooses among them.

Times are whole microseconds since the epoch (exact: no rounding of an instant that has seconds);
legs are whole minutes by the §10 formula. The checker does not use this module (it must stay an
independent judge of the solver's output).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np

from genba.dispatch.planning.instance import (
    EARTH_RADIUS_KM,
    SKILL_RANK,
    Instance,
    Point,
    Travel,
    qualifies,
    travel_minutes,
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)
MINUTE = 60_000_000  # microseconds


def micros(moment: datetime) -> int:
    return (moment - _EPOCH) // _MICRO


@dataclass
class Tables:
    instance: Instance
    start: list[int]  # per request, microseconds
    end: list[int]
    minutes: list[int]  # per request, its length in whole minutes rounded up (for the workload)
    leg: np.ndarray  # leg[i, j]: minutes from request i's site to request j's site
    out_leg: np.ndarray  # out_leg[e, r]: minutes from engineer e's home to request r's site
    back_leg: np.ndarray  # back_leg[e, r]: minutes from request r's site back home
    candidates: list[list[int]]  # per engineer: requests it qualifies for and can reach and leave
    crews: list[list[int]]  # per request: the engineers that have it as a candidate
    follows: np.ndarray  # follows[i, j]: end_i + leg[i, j] <= start_j (j can come right after i)
    reasons: dict[int, str]  # requests that cannot be assigned at all, and why

    def can_follow(self, i: int, j: int) -> bool:
        return bool(self.follows[i, j])


def build_tables(instance: Instance) -> Tables:
    requests, engineers, travel = instance.requests, instance.engineers, instance.travel
    start = [micros(r.start) for r in requests]
    end = [micros(r.end) for r in requests]
    minutes = [-(-(e - s) // MINUTE) for s, e in zip(start, end, strict=True)]
    sites = [r.site for r in requests]
    homes = [e.home for e in engineers]
    leg = minutes_matrix(sites, sites, travel)
    out_leg = minutes_matrix(homes, sites, travel)
    back_leg = minutes_matrix(sites, homes, travel).T

    candidates: list[list[int]] = []
    crews: list[list[int]] = [[] for _ in requests]
    reachable_count = [0] * len(requests)
    for e, engineer in enumerate(engineers):
        shift_start, shift_end = micros(engineer.shift_start), micros(engineer.shift_end)
        mine = []
        for r, request in enumerate(requests):
            if not qualifies(engineer, request):
                continue
            if (
                shift_start + int(out_leg[e, r]) * MINUTE <= start[r]
                and end[r] + int(back_leg[e, r]) * MINUTE <= shift_end
            ):
                mine.append(r)
                crews[r].append(e)
                reachable_count[r] += 1
        candidates.append(mine)

    start_arr = np.array(start, dtype=np.int64)
    end_arr = np.array(end, dtype=np.int64)
    follows = end_arr[:, None] + leg.astype(np.int64) * MINUTE <= start_arr[None, :]

    reasons = {
        r: why_never(instance, r, reachable_count[r])
        for r, request in enumerate(requests)
        if reachable_count[r] < request.engineers
    }
    return Tables(
        instance, start, end, minutes, leg, out_leg, back_leg, candidates, crews, follows, reasons
    )


def minutes_matrix(a: list[Point], b: list[Point], travel: Travel) -> np.ndarray:
    """travel_minutes(a[i], b[j]) for every pair, vectorized, and equal to the scalar function.

    numpy's sin/cos may differ from math's in the last bit; that can only matter where the minutes
    land next to a whole number before rounding up, so those few legs are recomputed with the very
    function the checker uses.
    """
    if not a or not b:
        return np.zeros((len(a), len(b)), dtype=np.int32)
    lat1 = np.radians(np.array([p.lat for p in a]))[:, None]
    lng1 = np.radians(np.array([p.lng for p in a]))[:, None]
    lat2 = np.radians(np.array([p.lat for p in b]))[None, :]
    lng2 = np.radians(np.array([p.lng for p in b]))[None, :]
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lng2 - lng1) / 2) ** 2
    )
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    raw = km / travel.speed_kmh * 60 + travel.fixed_minutes
    result = np.ceil(raw - 1e-9).astype(np.int32)
    for i, j in zip(*np.nonzero(np.abs(raw - np.round(raw)) < 1e-6), strict=True):
        result[i, j] = travel_minutes(a[i], b[j], travel)
    return result


def why_never(instance: Instance, r: int, reachable: int) -> str:
    """Why no plan can assign request r (it has fewer reachable qualified engineers than it needs)."""
    request = instance.requests[r]
    need = request.engineers
    skill = request.skill_level
    spoken = " and ".join(sorted(request.languages))
    skilled = [e for e in instance.engineers if SKILL_RANK[e.skill_level] >= SKILL_RANK[skill]]
    speaking = [e for e in instance.engineers if request.languages <= e.languages]
    qualified = [e for e in instance.engineers if qualifies(e, request)]
    at = request.start.strftime("%H:%M")
    if not qualified:
        if not skilled:
            return f"no engineer has skill level {skill} or above"
        if not speaking:
            return f"no engineer speaks {spoken}"
        return f"no engineer with skill level {skill} or above speaks {spoken}"
    if len(qualified) < need:
        return f"needs {need} engineers; only {len(qualified)} qualify ({skill} or above, speaking {spoken})"
    if need == 1:
        return (
            f"no qualified engineer can reach the site by {at} from home within the shift "
            "and be home again by the shift end"
        )
    return (
        f"needs {need} engineers; only {reachable} qualified can reach the site by {at} from home "
        "within the shift and be home again by the shift end"
    )


def route_travel(tables: Tables, e: int, route: list[int]) -> int:
    """Travel minutes of engineer e doing `route` (request indices in time order), home legs included."""
    if not route:
        return 0
    total = int(tables.out_leg[e, route[0]]) + int(tables.back_leg[e, route[-1]])
    return total + sum(int(tables.leg[i, j]) for i, j in zip(route, route[1:], strict=False))


def plan_dict(
    tables: Tables, routes: list[list[int]], reasons: dict[int, str], default_reason: str
) -> dict[str, object]:
    """The §10 output keys a plan has whatever made it: assignments, unassigned and travel_minutes."""
    instance = tables.instance
    crew: dict[int, list[str]] = {}
    for e, route in enumerate(routes):
        for r in route:
            crew.setdefault(r, []).append(instance.engineers[e].id)
    assignments = [
        {"request": request.id, "engineers": crew[r]}
        for r, request in enumerate(instance.requests)
        if r in crew
    ]
    unassigned = [
        {"request": request.id, "reason": reasons.get(r, default_reason)}
        for r, request in enumerate(instance.requests)
        if r not in crew
    ]
    travel = sum(route_travel(tables, e, route) for e, route in enumerate(routes))
    return {"assignments": assignments, "unassigned": unassigned, "travel_minutes": travel}


def workloads(tables: Tables, routes: list[list[int]]) -> list[int]:
    """Each engineer's workload in minutes: time on site plus time travelling (waits excluded)."""
    return [
        sum(tables.minutes[r] for r in route) + route_travel(tables, e, route)
        for e, route in enumerate(routes)
    ]
