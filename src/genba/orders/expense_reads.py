"""Who sees which expenses and receipts (rulebook §7; docs/pricing.md "Expenses").

- coordinators and admins: every expense of every visit, with its receipt;
- billing: every expense and receipt (they invoice them), no /visits otherwise;
- an engineer: on the visits assigned to him or her, the expenses he or she recorded, with their
  receipts and status (never another person's amounts: engineers see no rates or invoices);
- a customer: on its own requests' visits, the approved expenses (description, amount: what the
  invoice will charge), never a receipt, a pending or a rejected one, nor who recorded it.

Anything outside that answers 404, as for what does not exist. Lists read in a fixed number of
queries whatever the number of expenses.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from genba.accounts.models import Role
from genba.orders.models import ExpenseStatus, Visit, VisitExpense

PROVIDER_READERS = (Role.COORDINATOR, Role.ADMIN, Role.BILLING)


def expense_visits_visible_to(user) -> QuerySet[Visit]:
    if user is None or not user.is_active:
        return Visit.objects.none()
    if user.role == Role.ENGINEER:
        return Visit.objects.filter(assigned_engineers=user)
    if user.role in PROVIDER_READERS:
        return Visit.objects.all()
    if user.role == Role.CUSTOMER and user.organization_id is not None:
        return Visit.objects.filter(request__organization_id=user.organization_id)
    return Visit.objects.none()


def get_expense_visit(user, visit_id: str) -> Visit:
    """The visit with what `expense_actions` reads (request, policy, engineers), or 404."""
    visit = (
        expense_visits_visible_to(user)
        .select_related("request__policy", "request__organization")
        .prefetch_related("assigned_engineers")
        .filter(public_id=visit_id)
        .first()
    )
    if visit is None:
        raise Http404
    return visit


def expenses_visible_to(user, visit: Visit) -> QuerySet[VisitExpense]:
    qs = VisitExpense.objects.filter(visit=visit).select_related("recorded_by", "decided_by")
    if user.role in PROVIDER_READERS:
        return qs
    if user.role == Role.ENGINEER:
        return qs.filter(recorded_by=user)
    return qs.filter(status=ExpenseStatus.APPROVED)


def list_expenses(user, visit: Visit) -> list[VisitExpense]:
    expenses = list(expenses_visible_to(user, visit).order_by("recorded_at", "id"))
    for expense in expenses:
        expense.visit = visit  # one visit object: its request and engineers read once
    return expenses


def get_expense(user, visit: Visit, expense_id: str) -> VisitExpense:
    expense = expenses_visible_to(user, visit).filter(public_id=expense_id).first()
    if expense is None:
        raise Http404
    expense.visit = visit
    return expense


def sees_receipt(user, expense: VisitExpense) -> bool:
    if not expense.receipt:
        return False
    if user.role in PROVIDER_READERS:
        return True
    return user.role == Role.ENGINEER and expense.recorded_by_id == user.pk


def get_receipt(user, visit: Visit, expense_id: str) -> VisitExpense:
    expense = get_expense(user, visit, expense_id)
    if not sees_receipt(user, expense):
        raise Http404
    return expense


def receipt_response(expense: VisitExpense):
    from django.http import FileResponse

    response = FileResponse(
        expense.receipt.open("rb"),
        as_attachment=False,
        filename=expense.receipt_name or "receipt",
        content_type=expense.receipt_content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
