"""The two CP-SAT models of the optimizer: one to count, one to route.

Both stand on the same fact (tables.py): request times are fixed, so a set of requests is a
feasible day for engineer e exactly when every request is a candidate of e (qualified, reachable from
home after the shift start, left in time to be home by its end) and every two of them can follow one
another in some order. "Can follow" is transitive (each leg is at least `fixed_minutes` and the
rounded-up legs obey the triangle inequality), so pairwise compatibility is the whole rule.

The counting model (stage 1) uses only that: x[e, r] for candidates, a[r] for "assigned", and for
each engineer an at-most-one over the requests whose windows [start, end + fixed_minutes) overlap at
some start time (a clique: none of them can follow another), plus a clause for each remaining
incompatible pair (too far apart for the gap between them). Small, and its LP has the interval
cliques, so CP-SAT proves small instances at once and finds good plans on big ones.

The routing model (stages 2 and 3) adds the legs, to count travel minutes: per engineer a flow on the
acyclic graph home -> requests -> home (see solver.py). When the legs of a big instance would exceed
`max_arcs`, each request keeps only its soonest and nearest successors; the model is then
`complete=False` and its bounds prove nothing about the instance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from genba.dispatch.planning.tables import MINUTE, Tables

HOME = -1  # the home node in a leg (e, i, j)


@dataclass
class Model:
    model: cp_model.CpModel
    x: dict[tuple[int, int], Any]  # (engineer, request) -> "e does r"
    assigned: dict[int, Any]  # request -> "r is assigned"; absent when r can never be
    count: Any = None
    legs: dict[tuple[int, int, int], Any] = field(default_factory=dict)
    costs: dict[tuple[int, int, int], int] = field(default_factory=dict)
    travel: Any = None
    loads: list[Any] = field(default_factory=list)  # per engineer: on-site plus travel minutes
    complete: bool = True

    def hint(self, routes: list[list[int]]) -> None:
        """Start the search from a plan (each engineer's requests in time order)."""
        self.model.ClearHints()
        on = {(e, r) for e, route in enumerate(routes) for r in route}
        used = set()
        for e, route in enumerate(routes):
            if route:
                used |= {(e, HOME, route[0]), (e, route[-1], HOME)}
                used |= {(e, i, j) for i, j in zip(route, route[1:], strict=False)}
        served = {r for _, r in on}
        for key, var in self.x.items():
            self.model.AddHint(var, key in on)
        for r, var in self.assigned.items():
            self.model.AddHint(var, r in served)
        for key, var in self.legs.items():
            self.model.AddHint(var, key in used)

    def routes(self, solver: cp_model.CpSolver, tables: Tables) -> list[list[int]]:
        """Each engineer's requests in the solver's plan, in time order."""
        routes: list[list[int]] = [[] for _ in tables.candidates]
        for (e, r), var in self.x.items():
            if solver.BooleanValue(var):
                routes[e].append(r)
        for route in routes:
            route.sort(key=tables.start.__getitem__)
        return routes


def _assignment(tables: Tables) -> Model:
    model = cp_model.CpModel()
    x = {(e, r): model.NewBoolVar(f"x{e}_{r}") for e, c in enumerate(tables.candidates) for r in c}
    assigned = {}
    for r, request in enumerate(tables.instance.requests):
        if r in tables.reasons:
            continue
        assigned[r] = model.NewBoolVar(f"a{r}")
        crew = [x[e, r] for e in tables.crews[r]]
        model.Add(sum(crew) == request.engineers * assigned[r])
    built = Model(model, x, assigned)
    built.count = sum(assigned.values())
    return built


def count_model(tables: Tables) -> Model:
    """Stage 1: which requests, by whom; no legs (see the module doc)."""
    built = _assignment(tables)
    model, x = built.model, built.x
    # Every leg is at least ceil(fixed_minutes): two windows [start, end + that) that overlap
    # belong to requests neither of which can follow the other.
    pad = math.ceil(tables.instance.travel.fixed_minutes - 1e-9) * MINUTE
    for e, candidates in enumerate(tables.candidates):
        if len(candidates) < 2:
            continue
        mine = sorted(candidates, key=lambda r: (tables.start[r], r))
        start = np.array([tables.start[r] for r in mine], dtype=np.int64)
        until = np.array([tables.end[r] for r in mine], dtype=np.int64) + pad
        previous: set[int] | None = None
        cliques = []
        for tau in sorted(set(start.tolist())):
            members = set(np.flatnonzero((start <= tau) & (tau < until)).tolist())
            if previous is not None and not previous <= members and len(previous) > 1:
                cliques.append(previous)
            previous = members
        if previous is not None and len(previous) > 1:
            cliques.append(previous)
        for clique in cliques:
            model.AddAtMostOne([x[e, mine[k]] for k in sorted(clique)])
        index = np.array(mine)
        follows = tables.follows[np.ix_(index, index)]
        overlap = (start[:, None] < until[None, :]) & (start[None, :] < until[:, None])
        apart = np.triu(~(follows | follows.T) & ~overlap, 1)
        for i, j in zip(*np.nonzero(apart), strict=True):
            model.AddBoolOr([x[e, mine[i]].Not(), x[e, mine[j]].Not()])
    return built


def route_model(tables: Tables, keep: list[list[int]], max_arcs: int) -> Model:
    """Stages 2 and 3: the count model's choice plus each engineer's legs as a flow."""
    built = _assignment(tables)
    model, x = built.model, built.x
    pairs = [(e, i) for e, c in enumerate(tables.candidates) for i in c]
    member = np.zeros((len(tables.candidates), len(tables.start)), dtype=bool)
    for e, c in enumerate(tables.candidates):
        member[e, c] = True
    sizes = {(e, i): int(np.count_nonzero(tables.follows[i] & member[e])) for e, i in pairs}
    home_legs = 2 * len(pairs)
    limit = None
    if home_legs + sum(sizes.values()) > max_arcs:
        limit = _successor_limit(list(sizes.values()), max_arcs - home_legs)
        built.complete = False
    kept = {
        (e, i, j) for e, route in enumerate(keep) for i, j in zip(route, route[1:], strict=False)
    }

    for e, candidates in enumerate(tables.candidates):
        into: dict[int, list[Any]] = {r: [] for r in candidates}
        out_of: dict[int, list[Any]] = {r: [] for r in candidates}
        legs: list[tuple[Any, int]] = []
        leaving = []
        for r in candidates:
            go = built.legs[e, HOME, r] = model.NewBoolVar("")
            back = built.legs[e, r, HOME] = model.NewBoolVar("")
            built.costs[e, HOME, r] = int(tables.out_leg[e, r])
            built.costs[e, r, HOME] = int(tables.back_leg[e, r])
            into[r].append(go)
            out_of[r].append(back)
            leaving.append(go)
            legs += [(go, built.costs[e, HOME, r]), (back, built.costs[e, r, HOME])]
        for i in candidates:
            following = np.flatnonzero(tables.follows[i] & member[e]).tolist()
            if limit is not None and len(following) > limit:
                must = {j for (owner, a, j) in kept if owner == e and a == i}
                following = _soonest_and_nearest(tables, i, following, limit, must)
            for j in following:
                leg = built.legs[e, i, j] = model.NewBoolVar("")
                cost = built.costs[e, i, j] = int(tables.leg[i, j])
                out_of[i].append(leg)
                into[j].append(leg)
                legs.append((leg, cost))
        for r in candidates:
            model.Add(sum(into[r]) == x[e, r])
            model.Add(sum(out_of[r]) == x[e, r])
        if leaving:
            model.AddAtMostOne(leaving)  # one day: leave home once
        travel = cp_model.LinearExpr.WeightedSum([v for v, _ in legs], [c for _, c in legs])
        on_site = cp_model.LinearExpr.WeightedSum(
            [x[e, r] for r in candidates], [tables.minutes[r] for r in candidates]
        )
        built.loads.append(travel + on_site)
    built.travel = cp_model.LinearExpr.WeightedSum(
        list(built.legs.values()), list(built.costs.values())
    )
    return built


def neighbourhood(tables: Tables, per_engineer: int, keep: list[list[int]]) -> Tables:
    """The same tables with each engineer's candidates cut to the requests nearest its home.

    For instances too big to model whole: each engineer keeps its `per_engineer` nearest candidate
    requests, each request keeps at least its `engineers + 2` nearest candidate engineers, and the
    starting plan's pairs stay. Any plan of the smaller tables is a plan of the instance; the
    converse is not true, so a model built on them is not `complete`.
    """
    cut: list[set[int]] = [set(route) for route in keep]
    for e, candidates in enumerate(tables.candidates):
        nearest = sorted(candidates, key=lambda r: (int(tables.out_leg[e, r]), r))
        cut[e].update(nearest[:per_engineer])
    for r, crew in enumerate(tables.crews):
        want = tables.instance.requests[r].engineers + 2
        for e in sorted(crew, key=lambda e: (int(tables.out_leg[e, r]), e))[:want]:
            cut[e].add(r)
    candidates = [sorted(c) for c in cut]
    crews: list[list[int]] = [[] for _ in tables.crews]
    for e, c in enumerate(candidates):
        for r in c:
            crews[r].append(e)
    return replace(tables, candidates=candidates, crews=crews)


def _successor_limit(sizes: list[int], budget: int) -> int:
    """The most successors per (engineer, request) that keeps the legs within the budget."""
    low, high = 1, max(sizes, default=1)
    while low < high:
        mid = (low + high + 1) // 2
        if sum(min(s, mid) for s in sizes) <= budget:
            low = mid
        else:
            high = mid - 1
    return low


def _soonest_and_nearest(
    tables: Tables, i: int, following: list[int], limit: int, must: set[int]
) -> list[int]:
    """When legs must be pruned: half the soonest successors (dense days keep the count), half the
    nearest (short legs keep the travel), and the starting plan's own legs."""
    by_time = sorted(following, key=lambda j: (tables.start[j], int(tables.leg[i, j])))
    by_leg = sorted(following, key=lambda j: (int(tables.leg[i, j]), tables.start[j]))
    chosen = set(must)
    for soon, near in zip(by_time, by_leg, strict=True):
        if len(chosen) >= limit:
            break
        chosen.update((soon, near))
    return sorted(chosen)
