"""From requests and visits to the pure pricing engine's inputs: the one place the server prices.

Estimates (a proposal's) and invoices (a completed request's) both come through here, so the
customer is billed by the same code that estimated.
"""

from __future__ import annotations

from genba.orders.models import RequestStatus, ServiceRequest, Visit, VisitExpense, VisitStatus
from genba.pricing.engine import Expense, Quote, VisitInput, price
from genba.pricing.policy import PricingPolicy


def pricing_policy(policy) -> PricingPolicy:
    return PricingPolicy.from_dict(policy.as_rules_dict())


def contract_rates(contract) -> dict[str, int]:
    return {
        "entry": contract.rate_entry,
        "senior": contract.rate_senior,
        "specialist": contract.rate_specialist,
    }


def _outcome(visit: Visit, request: ServiceRequest) -> tuple[str, object]:
    """The §5.5 outcome of a visit that has ended (invoice), with its sign-off time."""
    if visit.status == VisitStatus.SIGNED_OFF:
        return "completed", visit.signed_off_at
    if visit.status == VisitStatus.NO_ACCESS:
        return "no_access", None
    if visit.status == VisitStatus.CANCELLED:
        # A visit dropped after the customer approved is charged like a cancelled request.
        approved = request.approved_at is not None
        return ("cancelled_after_approval" if approved else "cancelled_before_approval"), None
    return "planned", None


def load_visits(request: ServiceRequest) -> tuple[list[Visit], dict[int, list]]:
    """The request's visits and their expenses, in two plain queries (runs once per invoice)."""
    visits = list(Visit.objects.filter(request=request).order_by("position", "id"))
    expenses: dict[int, list] = {visit.pk: [] for visit in visits}
    for expense in VisitExpense.objects.filter(visit__request=request).order_by(
        "recorded_at", "id"
    ):
        expenses[expense.visit_id].append(expense)
    return visits, expenses


def visit_inputs(request: ServiceRequest, *, estimate: bool) -> list[VisitInput]:
    visits, expenses = load_visits(request)
    inputs = []
    for number, visit in enumerate(visits, start=1):
        if estimate:
            if visit.status == VisitStatus.CANCELLED or visit.scheduled_start is None:
                continue
            outcome, completed_at = "planned", None
        else:
            outcome, completed_at = _outcome(visit, request)
        inputs.append(
            VisitInput(
                scheduled_start=visit.scheduled_start,
                outcome=outcome,
                skill_level=request.skill_level,
                engineers=request.engineers,
                reserved_hours=visit.reserved_hours,
                completed_at=completed_at,
                expenses=tuple(Expense(e.description, e.amount) for e in expenses[visit.pk]),
                label=f"{number}",
            )
        )
    return inputs


def quote_for(request: ServiceRequest, *, estimate: bool) -> Quote:
    contract = request.contract
    return price(
        pricing_policy(request.policy),
        contract_rates(contract),
        visit_inputs(request, estimate=estimate),
        tax_treatment=contract.tax_treatment,
    )


def estimate_document(request: ServiceRequest) -> dict:
    """The estimate as the API and `genba quote` print it (planned visits: the reservation)."""
    from genba.pricing.document import quote_to_dict

    if request.status == RequestStatus.CANCELLED or not any(
        v.scheduled_start for v in request.visits.all()
    ):
        return {}
    return quote_to_dict(quote_for(request, estimate=True))
