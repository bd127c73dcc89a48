"""The optimizer's plan for a day: run it, review it, accept it (each assignment a proposal).

The computed plan is kept in the coordinator's session between review and accept, not re-solved:
the solver works under a time limit, so a second run may return a different plan from the one
the coordinator reviewed. Nothing is stored as business data until accept, and accepting goes
through `proposal_create` for every assignment, which re-checks state and bookings, so a plan that
has gone stale meanwhile is refused per request, never applied blindly.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from genba.accounts.models import Role
from genba.core import clock
from genba.dispatch.models import EngineerProfile
from genba.dispatch.plan_from_db import accept_plan, instance_for_date
from genba.orders.models import ServiceRequest
from genba.web.access import role_required
from genba.web.console.board import JST
from genba.web.console.forms import DayForm

STAFF = (Role.COORDINATOR, Role.ADMIN)
SESSION_KEY = "console_plan"
TIME_LIMIT_S = 5
KEPT = ("assignments", "unassigned", "travel_minutes", "status", "solve_seconds")


def _default_day() -> date:
    return clock.now().astimezone(JST).date() + timedelta(days=1)


def _plain(value):
    # The solver's numbers may be numpy scalars; the session stores JSON.
    return value.item() if hasattr(value, "item") else str(value)


def solve_day(day: date) -> dict:
    from genba.dispatch.planning.instance import parse_instance

    instance, problems = parse_instance(instance_for_date(day, time_limit_s=TIME_LIMIT_S))
    if problems or instance is None:
        return {"assignments": [], "unassigned": [], "travel_minutes": 0, "problems": problems}
    if not instance.requests:
        return {"assignments": [], "unassigned": [], "travel_minutes": 0, "status": "optimal"}
    # Imported here: OR-Tools loads only when there is something to solve.
    from genba.dispatch.planning.solver import solve

    plan = solve(instance, TIME_LIMIT_S)
    return json.loads(json.dumps({k: plan.get(k) for k in KEPT}, default=_plain))


@role_required(*STAFF)
def plan(request):
    day = DayForm.day_from(request.GET, _default_day())
    kept = request.session.get(SESSION_KEY)
    current = kept["plan"] if kept and kept.get("date") == day.isoformat() else None
    assignments, unassigned = [], []
    if current:
        ids = [a["request"] for a in current["assignments"]]
        ids += [u["request"] for u in current["unassigned"]]
        requests = {
            r.public_id: r
            for r in ServiceRequest.objects.filter(public_id__in=ids).select_related(
                "organization", "site"
            )
        }
        engineer_ids = {e for a in current["assignments"] for e in a["engineers"]}
        engineers = {
            p.public_id: p
            for p in EngineerProfile.objects.filter(public_id__in=engineer_ids).select_related(
                "user"
            )
        }
        assignments = [
            {
                "id": a["request"],
                "request": requests.get(a["request"]),
                "engineers": [engineers.get(e) or e for e in a["engineers"]],
            }
            for a in current["assignments"]
        ]
        unassigned = [
            {"id": u["request"], "request": requests.get(u["request"]), "reason": u["reason"]}
            for u in current["unassigned"]
        ]
    return render(
        request,
        "console/plan.html",
        {
            "day": day,
            "day_form": DayForm(initial={"date": day}),
            "plan": current,
            "assignments": assignments,
            "unassigned": unassigned,
            "time_limit": TIME_LIMIT_S,
            "nav": "plan",
        },
    )


def _back(day: date):
    return redirect(reverse("console:plan") + f"?date={day.isoformat()}")


@require_POST
@role_required(*STAFF)
def plan_run(request):
    form = DayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a day to plan."))
        return redirect("console:plan")
    day = form.cleaned_data["date"]
    request.session[SESSION_KEY] = {"date": day.isoformat(), "plan": solve_day(day)}
    messages.success(
        request, _("The plan is ready to review. Nothing is proposed until you accept.")
    )
    return _back(day)


@require_POST
@role_required(*STAFF)
def plan_accept(request):
    form = DayForm(request.POST)
    kept = request.session.get(SESSION_KEY)
    if not form.is_valid() or not kept or kept.get("date") != form.cleaned_data["date"].isoformat():
        messages.error(
            request, _("There is no plan for this day to accept; run the planner first.")
        )
        return redirect("console:plan")
    day = form.cleaned_data["date"]
    results = accept_plan(kept["plan"], by=request.user)
    del request.session[SESSION_KEY]
    proposed = [r for r, result in results if result == "proposed"]
    refused = [(r, result) for r, result in results if result != "proposed"]
    if proposed:
        messages.success(
            request,
            _("%(n)s proposal(s) sent to the customers: %(ids)s")
            % {"n": len(proposed), "ids": ", ".join(proposed)},
        )
    for request_id, reason in refused:
        messages.error(request, f"{request_id}: {reason}")
    if not results:
        messages.info(request, _("The plan had no assignment to accept."))
    return _back(day)
