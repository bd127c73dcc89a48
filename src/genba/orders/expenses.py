"""Expenses recorded on a visit (tickets, hotel, taxi, parts), charged at cost on the invoice once
a coordinator has approved them (rulebook §5.5; docs/pricing.md "Expenses").

One service per change: `visit_expense_add` (the engineer on the visit, pending, with a receipt; a
coordinator, approved at once), `visit_expense_approve`, `visit_expense_reject` (reason required;
also takes back an approval until the invoice) and `visit_expense_remove` (pending only). The
guards are the sets of `orders.actions`, so the buttons and the API's `actions` are what succeeds.
Only approved expenses reach pricing (`orders.pricing_bridge`); an invoice waits while any is
pending (`billing.services.invoice_issue`).
"""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from genba.accounts.models import Role
from genba.core import audit, clock
from genba.core.bounds import MAX_YEN
from genba.core.errors import FieldProblem, NotAllowed, TransitionRefused, ValidationFailed
from genba.core.transitions import lock, move, require_role, require_status
from genba.orders import actions
from genba.orders.attachments import sniff_content_type
from genba.orders.models import ExpenseStatus, Visit, VisitExpense
from genba.orders.visit_services import lock_visit, require_field_actor

DESCRIPTION_MAX = 200
REASON_MAX = 2000
# A receipt is a photo or a scan: these types only, with the attachments' size limit.
RECEIPT_TYPES = (".jpg", ".jpeg", ".png", ".pdf")


def _refuse_closed(request) -> None:
    if not actions.expenses_open(request):
        raise TransitionRefused(
            _("The request's bill is written or closed: its expenses can no longer change."),
            code="state",
        )


def _check_receipt(upload, problems: list[FieldProblem]) -> str | None:
    """The receipt's content type, or None with the problem added (size, emptiness, type)."""
    name = PurePath(upload.name or "receipt").name
    limit = settings.GENBA_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        problems.append(
            FieldProblem(
                "receipt",
                _("The file is larger than the limit of %(limit)s.")
                % {"limit": filesizeformat(limit)},
                "too_large",
            )
        )
        return None
    if upload.size == 0:
        problems.append(FieldProblem("receipt", _("The file is empty."), "empty"))
        return None
    upload.seek(0)
    content_type = None
    if PurePath(name).suffix.lower() in RECEIPT_TYPES:
        content_type = sniff_content_type(name, upload.read(4096))
    if content_type is None:
        problems.append(
            FieldProblem(
                "receipt",
                _("A receipt is a photo or a PDF (%(types)s) whose content matches its name.")
                % {"types": ", ".join(RECEIPT_TYPES)},
                "type",
            )
        )
    return content_type


def _lock_expense(expense: VisitExpense):
    """Request, then visit, then the expense: the order every visit service locks in."""
    request_id = Visit.objects.values_list("request_id", flat=True).get(pk=expense.visit_id)
    visit, request = lock_visit(Visit(pk=expense.visit_id, request_id=request_id))
    expense = lock(VisitExpense, expense.pk)
    expense.visit = visit
    return expense, visit, request


@transaction.atomic
def visit_expense_add(
    *, visit: Visit, by, description: str, amount: int, receipt=None
) -> VisitExpense:
    """Record an expense on the visit. The engineer's is pending, with its receipt required; a
    coordinator's (who books the travel) is approved at once, its receipt optional."""
    visit, request = lock_visit(visit)
    require_field_actor(by, visit)
    _refuse_closed(request)
    problems: list[FieldProblem] = []
    text = (description or "").strip() if isinstance(description, str) else ""
    if not text:
        problems.append(FieldProblem("description", _("This field is required."), "required"))
    elif len(text) > DESCRIPTION_MAX or "\n" in text or "\r" in text:
        problems.append(
            FieldProblem(
                "description",
                _("One line of at most %(max)s characters.") % {"max": DESCRIPTION_MAX},
                "too_long",
            )
        )
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0 or amount > MAX_YEN:
        problems.append(
            FieldProblem(
                "amount",
                _("A whole number of yen from 1 to %(max)s.") % {"max": f"{MAX_YEN:,}"},
                "invalid",
            )
        )
    staff = by.role in actions.STAFF
    content_type = None
    if receipt is not None:
        content_type = _check_receipt(receipt, problems)
    elif not staff:
        problems.append(FieldProblem("receipt", _("Add a photo of the receipt."), "required"))
    if problems:
        raise ValidationFailed(_("The expense is not valid."), problems=problems)
    now = clock.now()
    expense = VisitExpense(
        visit=visit,
        description=text,
        amount=amount,
        recorded_by=by,
        recorded_at=now,
        status=ExpenseStatus.APPROVED if staff else ExpenseStatus.PENDING,
        decided_by=by if staff else None,
        decided_at=now if staff else None,
    )
    if receipt is not None:
        expense.receipt_name = PurePath(receipt.name or "receipt").name[:255]
        expense.receipt_content_type = content_type
        expense.receipt_size = receipt.size
        receipt.seek(0)
        expense.receipt.save(expense.public_id, receipt, save=False)
    try:
        expense.save()
        audit.record(
            actor=by,
            obj=expense,
            action="expense_added",
            to_state=expense.status,
            organization=request.organization,
            data={
                "visit": visit.public_id,
                "description": expense.description,
                "amount": amount,
                "receipt": bool(expense.receipt),
            },
        )
    except Exception:
        # The file reached the disk before the row: no orphan behind a rollback.
        if expense.receipt:
            expense.receipt.delete(save=False)
        raise
    return expense


@transaction.atomic
def visit_expense_approve(*, expense: VisitExpense, by) -> VisitExpense:
    """A coordinator accepts the expense: it is billed at cost. Approving again answers as is."""
    expense, visit, request = _lock_expense(expense)
    require_role(by, *actions.STAFF)
    if expense.status == ExpenseStatus.APPROVED:
        return expense
    _refuse_closed(request)
    require_status(expense, actions.APPROVABLE_EXPENSES, action=_("approve the expense"))
    expense.decided_by = by
    expense.decided_at = clock.now()
    move(
        expense,
        ExpenseStatus.APPROVED,
        by=by,
        action="expense_approved",
        data={"visit": visit.public_id, "amount": expense.amount},
        fields=["decided_by", "decided_at"],
        organization=request.organization,
    )
    return expense


@transaction.atomic
def visit_expense_reject(*, expense: VisitExpense, by, reason: str) -> VisitExpense:
    """A coordinator refuses the expense (or takes back an approval before the invoice): it is
    not billed. The reason is shown to the engineer."""
    expense, visit, request = _lock_expense(expense)
    require_role(by, *actions.STAFF)
    if expense.status == ExpenseStatus.REJECTED:
        return expense
    _refuse_closed(request)
    require_status(expense, actions.REJECTABLE_EXPENSES, action=_("reject the expense"))
    text = (reason or "").strip() if isinstance(reason, str) else ""
    if not text or len(text) > REASON_MAX:
        raise ValidationFailed(
            _("Say why the expense is rejected."),
            problems=[
                FieldProblem(
                    "reason",
                    _("This field is required.")
                    if not text
                    else _("At most %(max)s characters.") % {"max": REASON_MAX},
                    "required" if not text else "too_long",
                )
            ],
        )
    expense.decided_by = by
    expense.decided_at = clock.now()
    expense.rejection_reason = text
    move(
        expense,
        ExpenseStatus.REJECTED,
        by=by,
        action="expense_rejected",
        reason=text,
        data={"visit": visit.public_id, "amount": expense.amount},
        fields=["decided_by", "decided_at", "rejection_reason"],
        organization=request.organization,
    )
    return expense


@transaction.atomic
def visit_expense_remove(*, expense: VisitExpense, by) -> None:
    """Withdraw a pending expense recorded by mistake: the engineer who recorded it (still on the
    visit) or a coordinator. Approved and rejected ones stay, as the record of a decision."""
    expense, visit, request = _lock_expense(expense)
    staff = by.role in actions.STAFF
    if not staff and not (
        by.role == Role.ENGINEER
        and expense.recorded_by_id == by.pk
        and visit.assigned_engineers.filter(pk=by.pk).exists()
    ):
        raise NotAllowed(
            _("Only the engineer who recorded the expense or a coordinator may remove it."),
            code="role",
        )
    _refuse_closed(request)
    require_status(expense, actions.REMOVABLE_EXPENSES, action=_("remove the expense"))
    audit.record(
        actor=by,
        obj=expense,
        action="expense_removed",
        from_state=expense.status,
        organization=request.organization,
        data={
            "visit": visit.public_id,
            "description": expense.description,
            "amount": expense.amount,
        },
    )
    stored = expense.receipt.name if expense.receipt else ""
    storage = expense.receipt.storage
    expense.delete()
    if stored:
        # The file goes once the row is gone for good (never behind a rollback).
        transaction.on_commit(lambda: storage.delete(stored))
