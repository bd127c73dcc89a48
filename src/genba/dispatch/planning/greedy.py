"""The greedy baseline: what a coordinator with a spreadsheet would do, in one pass.

Requests are taken by start time (then the longest first, then instance order); each goes to the
qualified engineers whose day it fits at the end of, choosing those that add the least travel; a
request that does not find enough such engineers stays unassigned. Taken in start order, a request
can only ever go after an engineer's last one, so "fits at the end" is the whole feasibility test.

It is the benchmark's yardstick and the solver's first hint; it proves nothing.
"""

from __future__ import annotations

import time
from typing import Any

from genba.dispatch.planning.instance import Instance
from genba.dispatch.planning.tables import Tables, build_tables, plan_dict

GREEDY_REASON = "the greedy pass found no free qualified engineer for it"


def greedy_routes(tables: Tables) -> list[list[int]]:
    """Each engineer's requests (indices, in time order) as the greedy pass assigns them."""
    instance = tables.instance
    routes: list[list[int]] = [[] for _ in instance.engineers]
    order = sorted(
        range(len(instance.requests)),
        key=lambda r: (tables.start[r], -tables.end[r], r),
    )
    for r in order:
        need = instance.requests[r].engineers
        if r in tables.reasons:
            continue
        options = []
        for e in tables.crews[r]:
            route = routes[e]
            if route:
                last = route[-1]
                if not tables.can_follow(last, r):
                    continue
                added = (
                    int(tables.leg[last, r])
                    + int(tables.back_leg[e, r])
                    - int(tables.back_leg[e, last])
                )
            else:
                added = int(tables.out_leg[e, r]) + int(tables.back_leg[e, r])
            options.append((added, e))
        if len(options) < need:
            continue
        options.sort()
        for _, e in options[:need]:
            routes[e].append(r)
    return routes


def greedy_plan(instance: Instance) -> dict[str, Any]:
    """The greedy plan in the §10 output shape (status "feasible": nothing is proven)."""
    began = time.perf_counter()
    tables = build_tables(instance)
    routes = greedy_routes(tables)
    plan = plan_dict(tables, routes, tables.reasons, GREEDY_REASON)
    plan.update(
        status="feasible",
        bound=None,
        gap=None,
        solve_seconds=round(time.perf_counter() - began, 3),
        assigned=len(plan["assignments"]),
    )
    return plan
