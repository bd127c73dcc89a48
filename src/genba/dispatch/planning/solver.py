"""The `genba plan` optimizer (rulebook §10) on OR-Tools CP-SAT.

Formulation (models.py has the constraints). Request times are fixed, so every time rule becomes a
table of allowed legs (tables.py): engineer e's candidates C_e, and j may follow i exactly when
end_i + travel(i, j) <= start_j. With x[e, r] "e does r" and a[r] "r is assigned":

    sum_e x[e, r] = engineers_r * a[r]                      whole or not at all, distinct engineers
    stage 1 (count model): per engineer, no two x[e, .] on requests that cannot follow one another
    stages 2-3 (route model): per engineer a flow home -> requests -> home on the acyclic leg graph,
        legs y[e, i, j]; in = x[e, r] = out; home left at most once; travel = sum of legs' minutes

The objective is lexicographic, as §10 orders it, in up to three solves under one deadline:
  1. maximize sum a[r]  -> `assigned`, and `assigned_bound` (CP-SAT's proven upper bound);
  2. with sum a >= assigned, minimize travel -> `travel_minutes`, and `bound`: a proven lower bound
     on the travel of every plan that assigns at least `assigned` requests (so when `assigned`
     reaches `assigned_bound`, a bound on the optimum itself); `gap` = (travel - bound) / travel;
  3. only once 2 is proven optimal: with travel <= that optimum, minimize the spread (max - min over
     all engineers) of the workload: minutes on site plus minutes travelling.
Each solve starts from the best plan so far as a hint (stage 1 from the greedy plan), so each has a
plan at once: the result never assigns fewer requests than greedy. `status` is "optimal" only when
all three stages are proven.
"""

from __future__ import annotations

import math
import time
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

from genba.dispatch.planning.greedy import greedy_routes
from genba.dispatch.planning.instance import Instance
from genba.dispatch.planning.models import Model, count_model, neighbourhood, route_model
from genba.dispatch.planning.tables import Tables, build_tables, plan_dict, route_travel, workloads

NUM_WORKERS = 2  # the machine has two cores; more workers only time-slice them
SEED = 20261207
STAGE_1_SHARE = (
    0.7  # of the time left: the count comes first (200 requests: 133 at 0.7, 130 at 0.5)
)
MAX_ARCS = 1_000_000  # legs in the route model before successors are pruned (memory, build time)
# Sum over engineers of (candidate requests)^2 above which each engineer keeps only its nearest
# requests: the 200-request benchmark has 0.3 million and is modelled whole, the 1,000-request one
# 32 million (about 80 nearest per engineer then, for a model CP-SAT can search in a minute).
MAX_PAIRS = 1_000_000
# Building the route model, per leg (variables, hints, objective and CP-SAT's copy), with a margin:
# measured 8-15 microseconds on the benchmark machine.
SECONDS_PER_LEG = 2e-5
OPTIMAL_REASON = (
    "every qualified engineer who can reach it is needed for other requests "
    "(no plan assigns more requests)"
)
BEST_FOUND_REASON = "not assigned in the best plan found within the time limit"


def solve(
    instance: Instance,
    time_limit_s: float | None = None,
    *,
    max_arcs: int = MAX_ARCS,
    log: bool = False,
) -> dict[str, Any]:
    """The §10 plan of an instance: the best plan found within the time limit, and its proof."""
    began = time.perf_counter()
    deadline = began + (instance.time_limit_s if time_limit_s is None else time_limit_s)

    def left(reserve: float = 0.0) -> float:
        return deadline - time.perf_counter() - reserve

    full = build_tables(instance)
    routes = greedy_routes(full)
    stages: list[bool] = []  # proven optimal, per stage
    # A big instance is modelled on each engineer's nearest requests only (models.neighbourhood):
    # then nothing the solver proves holds for the instance, and the bounds are the counting ones.
    pairs = sum(len(c) ** 2 for c in full.candidates)
    whole = pairs <= MAX_PAIRS
    tables = full
    if not whole:
        per_engineer = max(10, math.isqrt(MAX_PAIRS // max(1, len(full.candidates))))
        tables = neighbourhood(full, per_engineer, routes)

    # The route model takes seconds to build on a big instance; that time is kept for it.
    building = SECONDS_PER_LEG * _legs(tables)

    # Stage 1: the most requests assigned.
    counting = count_model(tables)
    counting.model.Maximize(counting.count)
    seconds = min((left() - building) * STAGE_1_SHARE, left(0.3))
    status, solver, found = _run(counting, routes, seconds, tables, log)
    routes = found or routes
    assigned = _count(routes)
    upper = count_ceiling(full)
    if whole and status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        upper = min(upper, int(solver.BestObjectiveBound() + 1e-6))
    assigned_bound = max(assigned, upper)
    stages.append(whole and status == cp_model.OPTIMAL)

    # Stage 2: the least travel among plans that assign at least as many.
    travel = _travel(tables, routes)
    bound = min(travel, travel_floor(full, assigned))
    complete = whole
    if left() > building + 0.3:
        routing = route_model(tables, routes, max_arcs)
        complete = routing.complete = routing.complete and whole
        routing.model.Add(routing.count >= assigned)
        routing.model.Minimize(routing.travel)
        status, solver, found = _run(routing, routes, left(0.1), tables, log, full_lp=True)
        if found is not None and _better(tables, found, routes):
            routes = found
        travel = _travel(tables, routes)
        if complete and status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            bound = min(travel, max(bound, math.ceil(solver.BestObjectiveBound() - 1e-6)))
        stages.append(complete and status == cp_model.OPTIMAL and bound == travel)
    else:  # no time left to route: the count stage's plan, its travel bounded by counting
        stages.append(False)

    # Stage 3: the most even workload; a tie-break, so only once the travel is proven minimal.
    if stages[-1] and left() > 0.2:
        model = routing.model
        model.ClearObjective()
        model.Add(routing.count >= _count(routes))
        model.Add(routing.travel <= travel)
        busiest = model.NewIntVar(0, 10**7, "busiest")
        idlest = model.NewIntVar(0, 10**7, "idlest")
        for load in routing.loads:
            model.Add(busiest >= load)
            model.Add(idlest <= load)
        model.Minimize(busiest - idlest)
        status, solver, found = _run(routing, routes, left(0.05), tables, log, full_lp=True)
        routes = found or routes
        stages.append(status == cp_model.OPTIMAL)
    else:
        stages.append(False)

    travel = _travel(tables, routes)
    assigned = _count(routes)
    proven_count = stages[0] or assigned >= assigned_bound
    plan = plan_dict(
        full, routes, tables.reasons, OPTIMAL_REASON if proven_count else BEST_FOUND_REASON
    )
    loads = workloads(full, routes)
    plan.update(
        status="optimal" if all(stages) else "feasible",
        bound=bound,
        gap=round((travel - bound) / max(1, travel), 6),
        solve_seconds=round(time.perf_counter() - began, 3),
        assigned=assigned,
        assigned_bound=assigned_bound,
        workload_spread_minutes=(max(loads) - min(loads)) if loads else 0,
        complete_model=complete,
    )
    return plan


def _legs(tables: Tables) -> int:
    """How many legs the route model of these tables would have (before any pruning)."""
    member = np.zeros((len(tables.candidates), len(tables.start)), dtype=np.float32)
    for e, c in enumerate(tables.candidates):
        member[e, c] = 1
    inner = float(((member @ tables.follows.astype(np.float32)) * member).sum())
    return int(inner) + 2 * int(member.sum())


def count_ceiling(tables: Tables) -> int:
    """An upper bound on the requests any plan assigns, by counting engineer-visits.

    Engineer e can do at most L_e requests (the longest chain of its candidates that can follow one
    another, by dynamic programming in start order), so the plan has at most sum L_e engineer-visits,
    and request r takes engineers_r of them: at most as many requests as the smallest needs fit.
    """
    n_engineers, n_requests = len(tables.candidates), len(tables.start)
    member = np.zeros((n_engineers, n_requests), dtype=bool)
    for e, c in enumerate(tables.candidates):
        member[e, c] = True
    longest = np.zeros((n_engineers, n_requests), dtype=np.int32)
    for r in sorted(range(n_requests), key=tables.start.__getitem__):
        before = np.flatnonzero(tables.follows[:, r])
        best = longest[:, before].max(axis=1) if before.size else 0
        longest[:, r] = np.where(member[:, r], best + 1, 0)
    visits = int(longest.max(axis=1).sum()) if n_requests else 0
    needs = sorted(
        request.engineers
        for r, request in enumerate(tables.instance.requests)
        if r not in tables.reasons
    )
    count = 0
    for need in needs:
        if visits < need:
            break
        visits -= need
        count += 1
    return count


def travel_floor(tables: Tables, assigned: int) -> int:
    """A lower bound on the travel of any plan assigning at least `assigned` requests, by counting.

    Each engineer on request r arrives from home or from a request that r can follow, so r costs at
    least engineers_r times its cheapest way in; the plan pays at least the `assigned` cheapest of
    those, and one way home. Weak, but it needs no solver: it is the bound when the route model had
    to be pruned, and a floor under CP-SAT's otherwise.
    """
    if assigned <= 0:
        return 0
    into = []
    for r, request in enumerate(tables.instance.requests):
        crew = tables.crews[r]
        if r in tables.reasons or not crew:
            continue
        cheapest = int(tables.out_leg[crew, r].min())
        before = np.flatnonzero(tables.follows[:, r])
        if before.size:
            cheapest = min(cheapest, int(tables.leg[before, r].min()))
        into.append(request.engineers * cheapest)
    into.sort()
    home = min(
        (int(tables.back_leg[e, r]) for e, c in enumerate(tables.candidates) for r in c), default=0
    )
    return sum(into[:assigned]) + home


def _run(
    built: Model,
    hint: list[list[int]],
    seconds: float,
    tables: Tables,
    log: bool,
    full_lp: bool = False,
) -> tuple[int, cp_model.CpSolver, list[list[int]] | None]:
    built.hint(hint)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = NUM_WORKERS
    solver.parameters.random_seed = SEED
    solver.parameters.log_search_progress = log
    if full_lp:
        # The route model's bound lives in its LP (a flow per engineer): the full-problem worker
        # must be the one with every constraint in the LP, not the default one (measured on the
        # 50-request instance: proven optimal in 0.3 s, against a bound stuck at 40% in 20 s).
        solver.parameters.subsolvers.append("max_lp")
    status = solver.Solve(built.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return status, solver, None
    return status, solver, built.routes(solver, tables)


def _better(tables: Tables, new: list[list[int]], old: list[list[int]]) -> bool:
    """Lexicographically: more requests assigned, then less travel."""
    return (_count(new), -_travel(tables, new)) >= (_count(old), -_travel(tables, old))


def _count(routes: list[list[int]]) -> int:
    return len({r for route in routes for r in route})


def _travel(tables: Tables, routes: list[list[int]]) -> int:
    return sum(route_travel(tables, e, route) for e, route in enumerate(routes))
