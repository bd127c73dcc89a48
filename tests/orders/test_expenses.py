"""Expenses: who records, who approves, what reaches the invoice (docs/pricing.md "Expenses")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from genba.accounts.models import Role
from genba.core import clock
from genba.core.errors import NotAllowed, TransitionRefused, ValidationFailed
from genba.core.models import AuditEvent
from genba.orders import visit_services
from genba.orders.actions import EXPENSE_ACTIONS, expense_actions, visit_actions
from genba.orders.expenses import (
    visit_expense_add,
    visit_expense_approve,
    visit_expense_reject,
    visit_expense_remove,
)
from genba.orders.models import ExpenseStatus, VisitExpense
from genba.orders.pricing_bridge import quote_for
from tests.billing.helpers import issuer
from tests.dispatch.helpers import engineer
from tests.factories import UserFactory
from tests.orders.action_calls import fresh_visit, judge, try_call
from tests.orders.helpers import VISIT_START, approved, on_site, released

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n" + b"0" * 32


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def receipt(name="receipt.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")


def _add(visit, by, **overrides):
    values = {"description": "Taxi Shin-Osaka to the site", "amount": 2400, "receipt": receipt()}
    values.update(overrides)
    return visit_expense_add(visit=visit, by=by, **values)


def _running(alice, carol, ken):
    request, visit = on_site(alice, carol, ken)
    return request, visit


# --- recording --------------------------------------------------------------------------------


def test_an_engineer_records_a_pending_expense_with_its_receipt(alice, carol, ken):
    _, visit = _running(alice, carol, ken)
    expense = _add(visit, ken)
    assert expense.status == ExpenseStatus.PENDING
    assert (expense.decided_by, expense.decided_at) == (None, None)
    assert expense.receipt_content_type == "image/png" and expense.receipt_size == len(PNG)
    assert expense.receipt.name == f"receipts/{visit.public_id}/{expense.public_id}"
    event = AuditEvent.objects.get(object_id=expense.public_id)
    assert (event.action, event.to_state, event.organization) == (
        "expense_added",
        "pending",
        visit.request.organization,
    )


def test_a_coordinators_expense_is_approved_at_once_and_needs_no_receipt(alice, carol, ken):
    request = approved(alice, carol, ken)
    expense = visit_expense_add(
        visit=request.visits.get(),
        by=carol,
        description="Shinkansen Tokyo–Shin-Osaka",
        amount=29440,
    )
    assert expense.status == ExpenseStatus.APPROVED
    assert (expense.decided_by, expense.decided_at) == (carol, clock.now())
    assert not expense.receipt


def test_an_engineer_must_add_the_receipt(alice, carol, ken):
    _, visit = _running(alice, carol, ken)
    with pytest.raises(ValidationFailed) as refused:
        _add(visit, ken, receipt=None)
    assert [p.field for p in refused.value.problems] == ["receipt"]
    assert not VisitExpense.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 201}, "description"),
        ({"description": "two\nlines"}, "description"),
        ({"amount": 0}, "amount"),
        ({"amount": -5}, "amount"),
        ({"amount": 2400.0}, "amount"),
        ({"amount": "2400"}, "amount"),
        ({"amount": True}, "amount"),
        ({"amount": 10_000_001}, "amount"),
        ({"receipt": receipt("receipt.txt", b"hello")}, "receipt"),
        ({"receipt": receipt("receipt.png", b"GIF89a" + b"0" * 20)}, "receipt"),
        ({"receipt": receipt("receipt.png", b"")}, "receipt"),
        ({"receipt": receipt("receipt.zip", b"PK\x03\x04" + b"0" * 20)}, "receipt"),
    ],
)
def test_bad_input_names_the_field_and_changes_nothing(alice, carol, ken, changes, field):
    _, visit = _running(alice, carol, ken)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        _add(visit, ken, **changes)
    assert [p.field for p in refused.value.problems] == [field]
    assert not VisitExpense.objects.exists()
    assert AuditEvent.objects.count() == events


@override_settings(GENBA_ATTACHMENT_MAX_BYTES=40)
def test_a_receipt_over_the_limit_is_refused(alice, carol, ken):
    _, visit = _running(alice, carol, ken)
    with pytest.raises(ValidationFailed) as refused:
        _add(visit, ken, receipt=receipt("scan.pdf", PDF + b"0" * 40))
    assert refused.value.problems[0].code == "too_large"


def test_a_pdf_receipt_is_accepted(alice, carol, ken):
    _, visit = _running(alice, carol, ken)
    expense = _add(visit, ken, receipt=receipt("hotel.pdf", PDF))
    assert expense.receipt_content_type == "application/pdf"


def test_amounts_are_whole_yen(alice, carol, ken):
    _, visit = _running(alice, carol, ken)
    expense = _add(visit, ken, amount=12_345)
    expense.refresh_from_db()
    assert expense.amount == 12_345 and type(expense.amount) is int


def test_who_may_record(alice, bob, carol, ken, bill, provider):
    _, visit = _running(alice, carol, ken)
    other_engineer = engineer(provider).user
    admin = UserFactory(email="root@genba.example", organization=provider, role=Role.ADMIN)
    for user in (alice, bob, bill, other_engineer):
        with pytest.raises(NotAllowed):
            _add(visit, user)
    assert _add(visit, admin).status == ExpenseStatus.APPROVED
    assert VisitExpense.objects.count() == 1


# --- deciding ---------------------------------------------------------------------------------


def test_a_coordinator_approves_with_who_and_when(alice, carol, ken):
    _, visit = _running(alice, carol, ken)
    expense = _add(visit, ken)
    visit_expense_approve(expense=expense, by=carol)
    expense.refresh_from_db()
    assert (expense.status, expense.decided_by, expense.decided_at) == (
        ExpenseStatus.APPROVED,
        carol,
        clock.now(),
    )
    event = AuditEvent.objects.filter(object_id=expense.public_id).latest("id")
    assert (event.action, event.from_state, event.to_state) == (
        "expense_approved",
        "pending",
        "approved",
    )
    # A retry answers as is: no second row.
    visit_expense_approve(expense=expense, by=carol)
    assert AuditEvent.objects.filter(action="expense_approved").count() == 1


def test_rejecting_needs_a_reason_and_keeps_it(alice, carol, ken):
    _, visit = _running(alice, carol, ken)
    expense = _add(visit, ken)
    with pytest.raises(ValidationFailed) as refused:
        visit_expense_reject(expense=expense, by=carol, reason="  ")
    assert [p.field for p in refused.value.problems] == ["reason"]
    assert VisitExpense.objects.get().status == ExpenseStatus.PENDING
    visit_expense_reject(expense=expense, by=carol, reason="Taxi not agreed: take the train.")
    expense.refresh_from_db()
    assert expense.status == ExpenseStatus.REJECTED
    assert expense.rejection_reason == "Taxi not agreed: take the train."
    with pytest.raises(TransitionRefused):
        visit_expense_approve(expense=expense, by=carol)


def test_an_approval_is_taken_back_by_rejecting_before_the_invoice(alice, carol, ken):
    request = approved(alice, carol, ken)
    expense = visit_expense_add(
        visit=request.visits.get(), by=carol, description="Hotel", amount=12000
    )
    visit_expense_reject(expense=expense, by=carol, reason="Typed the wrong amount.")
    assert VisitExpense.objects.get().status == ExpenseStatus.REJECTED


def test_only_staff_decide(alice, carol, ken, bill):
    _, visit = _running(alice, carol, ken)
    expense = _add(visit, ken)
    for user in (alice, ken, bill):
        with pytest.raises(NotAllowed):
            visit_expense_approve(expense=expense, by=user)
        with pytest.raises(NotAllowed):
            visit_expense_reject(expense=expense, by=user, reason="No.")
    assert VisitExpense.objects.get().status == ExpenseStatus.PENDING


def test_remove_a_pending_expense_only(
    alice, carol, ken, provider, django_capture_on_commit_callbacks
):
    _, visit = _running(alice, carol, ken)
    first = _add(visit, ken)
    stored = first.receipt.name
    storage = first.receipt.storage
    with pytest.raises(NotAllowed):
        visit_expense_remove(expense=first, by=engineer(provider).user)
    with django_capture_on_commit_callbacks(execute=True):
        visit_expense_remove(expense=first, by=ken)
    assert not VisitExpense.objects.filter(pk=first.pk).exists()
    assert AuditEvent.objects.filter(object_id=first.public_id, action="expense_removed").exists()
    assert not storage.exists(stored)
    second = _add(visit, ken)
    visit_expense_approve(expense=second, by=carol)
    with pytest.raises(TransitionRefused):
        visit_expense_remove(expense=second, by=carol)


# --- pricing and the invoice ------------------------------------------------------------------


def _completed_with_expenses(alice, carol, ken):
    request, visit = _running(alice, carol, ken)
    clock.set_now(VISIT_START + timedelta(hours=2))
    pending = _add(visit, ken, description="Taxi", amount=2400)
    rejected = _add(visit, ken, description="Lunch", amount=1200)
    visit_expense_reject(expense=rejected, by=carol, reason="Not billable.")
    visit_expense_add(visit=visit, by=carol, description="Shinkansen", amount=29440)
    visit_services.visit_sign_off(visit=visit, by=alice, signer_name="Alice")
    return request, pending


def test_pricing_reads_only_approved_expenses(alice, carol, ken):
    request, pending = _completed_with_expenses(alice, carol, ken)
    lines = [(ln.description, ln.amount) for ln in quote_for(request, estimate=False).lines]
    assert [ln for ln in lines if ln[0] in ("Taxi", "Lunch", "Shinkansen")] == [
        ("Shinkansen", 29440)
    ]
    visit_expense_approve(expense=pending, by=carol)
    expenses = [
        (ln.description, ln.amount)
        for ln in quote_for(request, estimate=False).lines
        if ln.kind == "expense"
    ]
    assert expenses == [("Taxi", 2400), ("Shinkansen", 29440)]


def test_the_invoice_waits_for_pending_expenses(alice, carol, ken, bill):
    from genba.billing.services import invoice_issue
    from genba.orders.actions import allowed_actions

    issuer()
    request, pending = _completed_with_expenses(alice, carol, ken)
    request.refresh_from_db()
    assert "issue_invoice" not in allowed_actions(request, bill)
    with pytest.raises(TransitionRefused) as refused:
        invoice_issue(request=request, by=bill)
    assert refused.value.code == "expenses_pending"
    visit_expense_approve(expense=pending, by=carol)
    assert "issue_invoice" in allowed_actions(request, bill)
    invoice = invoice_issue(request=request, by=bill)
    assert sorted(invoice.lines.filter(kind="expense").values_list("amount", flat=True)) == [
        2400,
        29440,
    ]
    # The bill is written: the expenses no longer change.
    with pytest.raises(TransitionRefused):
        visit_expense_reject(expense=pending, by=carol, reason="Too late.")
    with pytest.raises(TransitionRefused):
        _add(request.visits.get(), carol)


@pytest.mark.django_db(transaction=True)
def test_the_migration_marks_existing_expenses_approved(alice, carol, ken):
    """Rows from before approval existed were being billed: 0004 keeps them billed."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    request = approved(alice, carol, ken)
    executor = MigrationExecutor(connection)
    executor.migrate([("orders", "0003_visit_calendar_sequence")])
    old = executor.loader.project_state([("orders", "0003_visit_calendar_sequence")]).apps
    OldExpense = old.get_model("orders", "VisitExpense")
    OldExpense.objects.create(
        visit_id=request.visits.get().pk, description="Hotel", amount=9000, recorded_by_id=ken.pk
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    expense = VisitExpense.objects.get()
    assert expense.status == ExpenseStatus.APPROVED
    assert expense.public_id.startswith("exp_") and expense.decided_at == expense.recorded_at


# --- actions: offered exactly when the service accepts -----------------------------------------

CALLS = {
    "approve": lambda e, u: visit_expense_approve(expense=e, by=u),
    "reject": lambda e, u: visit_expense_reject(expense=e, by=u, reason="Not agreed."),
    "remove": lambda e, u: visit_expense_remove(expense=e, by=u),
}


def test_every_expense_action_has_its_service():
    assert set(CALLS) == set(EXPENSE_ACTIONS)


def _fresh_expense(pk):
    expense = VisitExpense.objects.get(pk=pk)
    expense.visit = fresh_visit(expense.visit_id)
    return expense


@pytest.mark.parametrize("stage", ["released", "running", "completed", "invoiced", "cancelled"])
@pytest.mark.parametrize("status", ["pending", "approved", "rejected"])
def test_expense_actions_offered_exactly_when_accepted(
    alice, bob, carol, ken, bill, provider, stage, status
):
    issuer()
    admin = UserFactory(email="root@genba.example", organization=provider, role=Role.ADMIN)
    other = engineer(provider).user
    if stage in ("released", "cancelled"):
        request = released(alice, carol, ken)
        visit = request.visits.get()
    else:
        request, visit = _running(alice, carol, ken)
    expense = _add(visit, ken)
    if status == "approved" or (status == "pending" and stage == "invoiced"):
        visit_expense_approve(expense=expense, by=carol)
    elif status == "rejected":
        visit_expense_reject(expense=expense, by=carol, reason="No.")
    if stage in ("completed", "invoiced"):
        clock.set_now(VISIT_START + timedelta(hours=2))
        visit_services.visit_sign_off(visit=visit, by=alice, signer_name="Alice")
    if stage == "invoiced":
        from genba.billing.services import invoice_issue

        invoice_issue(request=request, by=bill)
    if stage == "cancelled":
        # Cancelled after approval: charged, so its expenses stay open until its invoice.
        from genba.orders.services import request_cancel

        request_cancel(request=request, by=alice, reason="Not needed.")
    found = []
    for name, user in (
        ("customer", alice),
        ("other_customer", bob),
        ("coordinator", carol),
        ("admin", admin),
        ("engineer", ken),
        ("other_engineer", other),
        ("billing", bill),
    ):
        listed = expense_actions(_fresh_expense(expense.pk), user)
        for action in EXPENSE_ACTIONS:
            outcome, why, _ = try_call(
                lambda action=action, user=user: CALLS[action](
                    VisitExpense.objects.get(pk=expense.pk), user
                )
            )
            found += judge(name, f"expense.{action}", action in listed, outcome, why)
        adding = "add_expense" in visit_actions(fresh_visit(visit.pk), user)
        outcome, why, _ = try_call(lambda user=user: _add(visit, user))
        found += judge(name, "visit.add_expense", adding, outcome, why)
    assert not found, "\n".join(found)
