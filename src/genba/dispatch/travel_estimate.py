"""The travel a proposal expects (issue 13 item 2, docs/pricing.md "Travel").

The coordinator gives, per visit, the expected travel costs (a ticket, a hotel night: description
and whole yen, estimated at cost) and, when the policy charges travel time, the hours each engineer
travels. The site zone's flat fee, when it has one, is added to every visit by itself and replaces
travel time. All of it is stored on the proposal (ProposalTravel, ProposalTravelItem) and priced by
the engine as lines of its own (kinds travel, travel_time, travel_fee), so the estimate the customer
approves includes travel. The invoice charges the approved travel time or fee and the actual,
approved expenses in place of the expected costs (orders.pricing_bridge).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from genba.core.bounds import MAX_YEN
from genba.core.errors import FieldProblem, ValidationFailed
from genba.pricing.engine import Expense
from genba.pricing.policy import as_decimal, as_whole

MAX_TRAVEL_ITEMS = 20
MAX_DESCRIPTION = 200
MAX_TRAVEL_HOURS = Decimal(24)


@dataclass(frozen=True)
class VisitTravel:
    """One visit's expected travel, validated."""

    visit: Any  # an orders.Visit
    hours: Decimal | None
    items: tuple[Expense, ...]


def zone_flat_fee(request) -> int | None:
    """The flat travel fee per visit of the zone that covers the request's site, or None."""
    from genba.orders.completeness import coverage_for
    from genba.orders.selectors import policy_rules, request_facts
    from genba.sites.models import CoverageZone

    if request.site_id is None:
        return None
    facts = request_facts(request)
    rule = coverage_for(facts.site, policy_rules(request.policy)) if facts.site else None
    if rule is None:
        return None
    zone = CoverageZone.objects.filter(policy_id=request.policy_id, code=rule.zone).first()
    return zone.travel_flat_fee if zone is not None else None


def clean_travel(request, raw: Any, *, flat_fee: int | None) -> list[VisitTravel]:
    """The coordinator's travel for the request's scheduled visits, or ValidationFailed naming
    every bad field (travel[0].expenses[1].amount). `raw` is a list of {"visit": public id (may be
    left out when the request has one scheduled visit), "hours": number, "expenses": [{"description",
    "amount"}]}; None or [] is no travel."""
    from genba.orders.models import VisitStatus

    if raw is None:
        raw = []
    visits = list(
        request.visits.exclude(status=VisitStatus.CANCELLED)
        .exclude(scheduled_start=None)
        .order_by("position", "id")
    )
    by_id = {v.public_id: v for v in visits}
    problems: list[FieldProblem] = []
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes):
        raise ValidationFailed(
            _("The travel is not valid."),
            problems=[FieldProblem("travel", _("Must be a list of visits' travel."))],
        )
    rate = request.policy.travel_time_rate
    out: list[VisitTravel] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw):
        path = f"travel[{index}]"
        if not isinstance(entry, Mapping):
            problems.append(FieldProblem(path, _("Must be an object.")))
            continue
        for key in entry:
            if key not in ("visit", "hours", "expenses"):
                problems.append(FieldProblem(f"{path}.{key}", _("Unknown field."), "unknown"))
        visit_id = entry.get("visit")
        if visit_id in (None, "") and len(visits) == 1:
            visit = visits[0]
        else:
            visit = by_id.get(visit_id) if isinstance(visit_id, str) else None
        if visit is None:
            problems.append(
                FieldProblem(f"{path}.visit", _("Not a scheduled visit of this request."))
            )
        elif visit.public_id in seen:
            problems.append(FieldProblem(f"{path}.visit", _("This visit is given twice.")))
        else:
            seen.add(visit.public_id)
        hours = _hours(entry.get("hours"), f"{path}.hours", problems)
        if hours is not None and hours > 0:
            if flat_fee is not None:
                problems.append(
                    FieldProblem(
                        f"{path}.hours",
                        _("The zone's flat travel fee replaces travel time: leave this empty."),
                        "flat_fee",
                    )
                )
            elif rate is None:
                problems.append(
                    FieldProblem(
                        f"{path}.hours",
                        _("The policy charges no travel time: leave this empty."),
                        "not_charged",
                    )
                )
        items = _items(entry.get("expenses"), f"{path}.expenses", problems)
        if visit is not None:
            out.append(VisitTravel(visit, hours or None, items))
    if problems:
        raise ValidationFailed(_("The travel is not valid."), problems=problems)
    return out


def _hours(value: Any, path: str, problems: list[FieldProblem]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = as_decimal(value)
    except ValueError:
        number = None
    if (
        number is None
        or not 0 <= number <= MAX_TRAVEL_HOURS
        or number != number.quantize(Decimal("0.01"))
    ):
        problems.append(
            FieldProblem(path, _("Must be a number of hours from 0 to 24, two decimals at most."))
        )
        return None
    return number


def _items(raw: Any, path: str, problems: list[FieldProblem]) -> tuple[Expense, ...]:
    if raw in (None, ""):
        return ()
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes):
        problems.append(FieldProblem(path, _("Must be a list of costs.")))
        return ()
    if len(raw) > MAX_TRAVEL_ITEMS:
        problems.append(
            FieldProblem(path, _("At most %(n)s costs per visit.") % {"n": MAX_TRAVEL_ITEMS})
        )
        return ()
    items = []
    for index, item in enumerate(raw):
        where = f"{path}[{index}]"
        if not isinstance(item, Mapping):
            problems.append(FieldProblem(where, _("Must have a description and an amount.")))
            continue
        for key in item:
            if key not in ("description", "amount"):
                problems.append(FieldProblem(f"{where}.{key}", _("Unknown field."), "unknown"))
        description = item.get("description")
        description = description.strip() if isinstance(description, str) else ""
        if not description:
            problems.append(FieldProblem(f"{where}.description", _("Say what the cost is for.")))
        elif len(description) > MAX_DESCRIPTION:
            problems.append(
                FieldProblem(
                    f"{where}.description",
                    _("At most %(n)s characters.") % {"n": MAX_DESCRIPTION},
                )
            )
        amount = _yen(item.get("amount"))
        if amount is None:
            problems.append(
                FieldProblem(
                    f"{where}.amount",
                    _("Must be a whole number of yen from 1 to %(max)s.") % {"max": f"{MAX_YEN:,}"},
                )
            )
        if description and len(description) <= MAX_DESCRIPTION and amount is not None:
            items.append(Expense(description, amount))
    return tuple(items)


def _yen(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        value = value.strip().replace(",", "").removeprefix("¥")
        if not value.isdigit():
            return None
        value = int(value)
    try:
        yen = as_whole(value)
    except ValueError:
        return None
    return yen if 1 <= yen <= MAX_YEN else None


def store_travel(proposal, travel: list[VisitTravel], *, flat_fee: int | None) -> None:
    """The proposal's travel rows: one per visit with travel, and one per scheduled visit when the
    zone has a flat fee."""
    from genba.dispatch.models import ProposalTravel, ProposalTravelItem
    from genba.orders.models import VisitStatus

    given = {t.visit.pk: t for t in travel}
    visits = (
        proposal.request.visits.exclude(status=VisitStatus.CANCELLED)
        .exclude(scheduled_start=None)
        .order_by("position", "id")
    )
    for visit in visits:
        plan = given.get(visit.pk)
        if plan is None and flat_fee is None:
            continue
        row = ProposalTravel.objects.create(
            proposal=proposal,
            visit=visit,
            hours=plan.hours if plan else None,
            flat_fee=flat_fee,
        )
        if plan:
            ProposalTravelItem.objects.bulk_create(
                ProposalTravelItem(travel=row, description=i.description, amount=i.amount)
                for i in plan.items
            )


@dataclass(frozen=True)
class StoredTravel:
    hours: Decimal | None
    flat_fee: int | None
    items: tuple[Expense, ...]


def current_travel(request) -> dict[int, StoredTravel]:
    """Per visit pk, the travel of the request's open or approved proposal (the latest): what an
    estimate shows and an invoice charges. One query, and one more for the costs when there is
    travel."""
    from genba.dispatch.models import Proposal, ProposalStatus, ProposalTravel

    latest = (
        Proposal.objects.filter(
            request_id=request.pk, status__in=(ProposalStatus.OPEN, ProposalStatus.APPROVED)
        )
        .order_by("-created_at", "-id")
        .values("pk")[:1]
    )
    rows = ProposalTravel.objects.filter(proposal_id__in=latest).prefetch_related("items")
    return {
        row.visit_id: StoredTravel(
            row.hours,
            row.flat_fee,
            tuple(Expense(i.description, i.amount) for i in row.items.all()),
        )
        for row in rows
    }
