"""From requests and visits to the pure pricing engine's inputs: the one place the server prices.

Estimates (a proposal's) and invoices (a completed request's) both come through here, so the
customer is billed by the same code that estimated.
"""

from __future__ import annotations

from django.utils.translation import get_language

from genba.core.errors import FieldProblem, ValidationFailed
from genba.orders.models import (
    ExpenseStatus,
    RequestStatus,
    ServiceRequest,
    Visit,
    VisitExpense,
    VisitStatus,
)
from genba.pricing.engine import TAX_TREATMENTS, Expense, PricingError, Quote, VisitInput, price
from genba.pricing.policy import PolicyError, PricingPolicy

# What a stored value that cannot be priced raises on its way through the engine: the engine's
# own refusal (PricingError, PolicyError are ValueErrors), datetime overflow near the years 1 and
# 9999, and Decimal's InvalidOperation (an ArithmeticError) on a NaN written behind the schemas.
STORED_VALUE_ERRORS = (ArithmeticError, ValueError, TypeError, LookupError)


class Unpriceable(ValidationFailed, PricingError):
    """The request's stored values cannot be priced (issue 11: a row stored by an old version, an
    admin edit or a migration). One known error: a service that prices (a proposal's estimate, an
    invoice) refuses with 422 naming the field; a page that shows an estimate catches it as the
    PricingError it also is and shows the request's `request.unreadable` finding instead."""

    def __init__(self, field: str, detail: str = "") -> None:
        from genba.orders.completeness import unreadable

        self.finding = unreadable(field)
        message = self.finding.message(get_language() or "en")
        # Both bases take different arguments: set what each one's readers use.
        Exception.__init__(self, message)
        self.message = message
        self.field = self.finding.field
        self.detail = detail
        self.problems = [FieldProblem(self.finding.field, message, "unreadable")]
        self.code = "unpriceable"


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
    """The request's visits and their approved expenses, in two plain queries (runs once per
    invoice). A pending or rejected expense is never priced (docs/pricing.md)."""
    visits = list(Visit.objects.filter(request=request).order_by("position", "id"))
    expenses: dict[int, list] = {visit.pk: [] for visit in visits}
    approved = VisitExpense.objects.filter(visit__request=request, status=ExpenseStatus.APPROVED)
    for expense in approved.order_by("recorded_at", "id"):
        expenses[expense.visit_id].append(expense)
    return visits, expenses


def visit_inputs(request: ServiceRequest, *, estimate: bool) -> list[VisitInput]:
    """Each visit as the engine prices it. Travel comes from the open or approved proposal
    (dispatch.travel_estimate): an estimate prices the expected costs, travel time and flat fee;
    an invoice the approved travel time and flat fee, the actual costs being the approved
    expenses (docs/pricing.md "Travel")."""
    from genba.dispatch.travel_estimate import current_travel

    visits, expenses = load_visits(request)
    travel = current_travel(request)
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
                **_travel_of(travel.get(visit.pk), estimate=estimate),
            )
        )
    # A late change by the customer: the original slot, charged as a cancellation after approval.
    from genba.orders.late_changes import late_change_inputs

    inputs.extend(late_change_inputs(request, visits))
    return inputs


def _travel_of(stored, *, estimate: bool) -> dict:
    if stored is None:
        return {}
    return {
        "travel": stored.items if estimate else (),
        "travel_hours": stored.hours,
        "travel_fee": stored.flat_fee,
    }


def quote_for(request: ServiceRequest, *, estimate: bool) -> Quote:
    """The price of the request; raises Unpriceable (and nothing else) for stored values the engine
    cannot price."""
    contract = request.contract
    try:
        policy = pricing_policy(request.policy)
    except PolicyError as error:
        raise Unpriceable("policy", str(error)) from error
    try:
        return price(
            policy,
            contract_rates(contract),
            visit_inputs(request, estimate=estimate),
            tax_treatment=contract.tax_treatment,
        )
    except PricingError as error:
        raise Unpriceable(error.field, str(error)) from error
    except STORED_VALUE_ERRORS as error:
        raise Unpriceable("", repr(error)) from error


def terms_problem(request: ServiceRequest, policies: dict) -> str:
    """The field ("policy", "rates.senior", "tax_treatment") whose stored value would stop any
    price of the request, or "". Cheap enough for every row of a list (no query, no pricing): the
    visits' own values are judged by the completeness check. `policies` caches each policy's
    answer across a list."""
    if request.policy_id not in policies:
        try:
            policies[request.policy_id] = pricing_policy(request.policy).default_skill_level
        except PolicyError:
            policies[request.policy_id] = None
    default_level = policies[request.policy_id]
    if default_level is None:
        return "policy"
    contract = request.contract
    level = request.skill_level or default_level
    rate = contract_rates(contract).get(level)
    if not isinstance(rate, int) or rate <= 0:
        return f"rates.{level}"
    if contract.tax_treatment not in TAX_TREATMENTS:
        return "tax_treatment"
    return ""


def estimate_document(request: ServiceRequest) -> dict:
    """The estimate as the API and `genba quote` print it (planned visits: the reservation)."""
    from genba.pricing.document import quote_to_dict

    if request.status == RequestStatus.CANCELLED or not any(
        v.scheduled_start for v in request.visits.all()
    ):
        return {}
    return quote_to_dict(quote_for(request, estimate=True))
