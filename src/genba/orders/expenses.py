"""Expenses recorded on a visit (tickets, hotel, parts), charged at cost on the invoice."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from genba.core import audit
from genba.core.errors import FieldProblem, TransitionRefused, ValidationFailed
from genba.orders.models import CLOSED_STATUSES, RequestStatus, Visit, VisitExpense
from genba.orders.visit_services import lock_visit, require_field_actor


@transaction.atomic
def visit_expense_add(*, visit: Visit, by, description: str, amount: int) -> VisitExpense:
    visit, request = lock_visit(visit)
    require_field_actor(by, visit)
    if request.status in CLOSED_STATUSES | {RequestStatus.INVOICED}:
        raise TransitionRefused(
            _("The request is invoiced or closed: expenses can no longer change."), code="state"
        )
    problems = []
    if not (description or "").strip():
        problems.append(FieldProblem("description", _("This field is required."), "required"))
    if (
        not isinstance(amount, int)
        or isinstance(amount, bool)
        or amount <= 0
        or amount > 10_000_000
    ):
        problems.append(FieldProblem("amount", _("A whole number of yen above zero."), "invalid"))
    if problems:
        raise ValidationFailed(_("The expense is not valid."), problems=problems)
    expense = VisitExpense.objects.create(
        visit=visit, description=description.strip()[:200], amount=amount, recorded_by=by
    )
    audit.record(
        actor=by,
        obj=visit,
        action="expense_added",
        data={"description": expense.description, "amount": amount},
    )
    return expense
