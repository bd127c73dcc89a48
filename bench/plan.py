"""The `genba plan` optimizer against the greedy baseline, on generated days (no database).

Three instances (fixed seeds, genba.dispatch.planning.generate): 50 requests / 10 engineers,
200 / 40 and 1,000 / 150. Each is solved by CP-SAT (2 workers; 20 s for the first two, 60 s for the
biggest) and by the greedy pass, in the same run; every plan is checked by the independent checker.
Targets (the dispatch issue): the proven maximum of requests assigned on the 50- and 200-request
instances within 20 s, and travel within 5% of the proven bound on the 50-request one.
"""

from __future__ import annotations

from typing import Any

from genba.dispatch.planning.checker import check_plan
from genba.dispatch.planning.generate import generate_instance
from genba.dispatch.planning.greedy import greedy_plan
from genba.dispatch.planning.instance import parse_instance
from genba.dispatch.planning.solver import solve

CASES = [  # (requests, engineers, seed, CP-SAT seconds)
    (50, 10, 1, 20.0),
    (200, 40, 2, 20.0),
    (1000, 150, 3, 60.0),
]


def _line(name: str, plan: dict[str, Any], problems: list[str]) -> str:
    bound = "-" if plan.get("bound") is None else plan["bound"]
    gap = "-" if plan.get("gap") is None else f"{plan['gap']:.1%}"
    upper = plan.get("assigned_bound", "-")
    checked = "ok" if not problems else f"{len(problems)} VIOLATIONS: {problems[0]}"
    return (
        f"  {name:<7} assigned {plan['assigned']:>4} (bound {upper!s:>4})  "
        f"travel {plan['travel_minutes']:>6} min (bound {bound!s:>6}, gap {gap:>6})  "
        f"{plan['status']:<8}  {plan['solve_seconds']:6.2f} s  checker {checked}"
    )


def main() -> dict[str, Any]:
    print("genba plan: CP-SAT against greedy (2 workers)")
    results: dict[str, Any] = {}
    for n_requests, n_engineers, seed, seconds in CASES:
        instance, problems = parse_instance(generate_instance(n_requests, n_engineers, seed))
        assert instance is not None, problems
        label = f"{n_requests}/{n_engineers}"
        greedy = greedy_plan(instance)
        cpsat = solve(instance, seconds)
        print(f"{label} requests/engineers, seed {seed}, limit {seconds:.0f} s:")
        print(_line("cp-sat", cpsat, check_plan(instance, cpsat)))
        print(_line("greedy", greedy, check_plan(instance, greedy)))
        results[label] = {"cpsat": cpsat, "greedy": greedy, "seconds": seconds}

    def proven_max(label: str) -> bool:
        plan = results[label]["cpsat"]
        within = plan["solve_seconds"] <= results[label]["seconds"] + 0.5
        return plan["assigned"] == plan["assigned_bound"] and within

    small = results["50/10"]["cpsat"]
    targets = {
        "proven maximum assigned, 50 requests, within 20 s": proven_max("50/10"),
        "proven maximum assigned, 200 requests, within 20 s": proven_max("200/40"),
        "travel within 5% of the proven bound, 50 requests": small["assigned"]
        == small["assigned_bound"]
        and small["gap"] is not None
        and small["gap"] <= 0.05,
    }
    for target, met in targets.items():
        print(f"  target: {target}: {'met' if met else 'NOT met'}")
    return results


if __name__ == "__main__":
    main()
