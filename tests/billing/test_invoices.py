"""Invoices (rulebook §6): from completed requests, the same pricing code, numbered without gaps,
immutable, corrected by credit notes, deadlines tracked."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from genba.billing import selectors, services
from genba.billing.exports import invoices_csv
from genba.billing.models import Invoice, InvoiceLine
from genba.core import clock
from genba.core.errors import NotAllowed, TransitionRefused, ValidationFailed
from genba.orders.expenses import visit_expense_add
from genba.orders.models import RequestStatus
from tests.billing.helpers import completed, issuer
from tests.orders.helpers import released

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")


@pytest.fixture(autouse=True)
def _issuer(db):
    issuer()


def use_policy(customer, policy):
    contract = customer.organization.contracts.get()
    contract.policy = policy
    contract.save()


def test_tokyo_its_worked_example_on_a_real_request(alice, carol, ken, bill, tokyo_its):
    """§5: senior 12,000/h, Friday 2026-12-04 16:00, 2 h reserved → 3 h minimum, 46,200 with tax."""
    use_policy(alice, tokyo_its)
    request = completed(
        alice, carol, ken, start="2026-12-04T16:00:00+09:00", signed_off="2026-12-04T17:30:00+09:00"
    )
    clock.set_now(datetime(2026, 12, 5, 10, tzinfo=JST))
    invoice = services.invoice_issue(request=request, by=bill)
    assert (invoice.subtotal, invoice.tax_amount, invoice.total) == (42000, 4200, 46200)
    lines = [(line.kind, line.after_hours, line.amount) for line in invoice.lines.all()]
    assert lines == [("reservation", False, 24000), ("reservation", True, 18000)]
    assert invoice.number == "INV-2026-000001"
    request.refresh_from_db()
    assert request.status == RequestStatus.INVOICED


def test_ecorpone_worked_example_with_overtime(alice, carol, ken, bill, ecorpone):
    """§5: entry 8,000/h, Tuesday 2026-12-01 10:00, signed off 12:45 → 26,000 + 2,600 tax."""
    request = completed(
        alice,
        carol,
        ken,
        start="2026-12-01T10:00:00+09:00",
        signed_off="2026-12-01T12:45:00+09:00",
        skill_level="entry",
        remote_engineer={"name": "Jane", "phone": "+14155550132", "email": "j@a.example"},
    )
    clock.set_now(datetime(2026, 12, 2, 10, tzinfo=JST))
    invoice = services.invoice_issue(request=request, by=bill)
    assert (invoice.subtotal, invoice.tax_amount, invoice.total) == (26000, 2600, 28600)
    overtime = invoice.lines.get(kind="overtime")
    assert (overtime.hours, overtime.amount) == (1, 10000)


def test_expenses_are_charged_at_cost_and_taxed(alice, carol, ken, bill, ecorpone):
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T11:00:00+09:00"
    )
    visit = request.visits.get()
    visit_expense_add(visit=visit, by=carol, description="Taxi", amount=3200)
    clock.set_now(datetime(2026, 12, 2, 10, tzinfo=JST))
    invoice = services.invoice_issue(request=request, by=bill)
    assert invoice.lines.get(kind="expense").amount == 3200
    assert invoice.subtotal == 24000 + 3200  # senior 12,000 × 2 h minimum
    assert invoice.tax_amount == 2720


def test_numbers_run_per_year_without_gaps(alice, carol, ken, bill, ecorpone):
    numbers = []
    for day in (1, 2, 3):
        request = completed(
            alice,
            carol,
            ken,
            start=f"2026-12-0{day}T10:00:00+09:00",
            signed_off=f"2026-12-0{day}T12:00:00+09:00",
        )
        clock.set_now(
            datetime(2026, 12, 28, 10, tzinfo=JST)
            if day < 3
            else datetime(2027, 1, 5, 10, tzinfo=JST)
        )
        numbers.append(services.invoice_issue(request=request, by=bill).number)
    assert numbers == ["INV-2026-000001", "INV-2026-000002", "INV-2027-000001"]


def test_a_refused_issue_does_not_use_a_number(alice, carol, ken, bill, ecorpone):
    not_done = released(alice, carol, ken)
    with pytest.raises(TransitionRefused):
        services.invoice_issue(request=not_done, by=bill)
    request = completed(
        alice, carol, ken, start="2026-12-09T10:00:00+09:00", signed_off="2026-12-09T12:00:00+09:00"
    )
    assert services.invoice_issue(request=request, by=bill).number.endswith("-000001")


def test_only_billing_issues(alice, carol, ken, ecorpone):
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T12:00:00+09:00"
    )
    for user in (alice, carol, ken):
        with pytest.raises(NotAllowed):
            services.invoice_issue(request=request, by=user)
    assert Invoice.objects.count() == 0


def test_a_request_is_invoiced_once(alice, carol, ken, bill, ecorpone):
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T12:00:00+09:00"
    )
    services.invoice_issue(request=request, by=bill)
    with pytest.raises(TransitionRefused):
        services.invoice_issue(request=request, by=bill)


def test_issued_invoices_never_change(alice, carol, ken, bill, ecorpone):
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T12:00:00+09:00"
    )
    invoice = services.invoice_issue(request=request, by=bill)
    invoice.total = 1
    with pytest.raises(RuntimeError):
        invoice.save()
    with pytest.raises(RuntimeError):
        invoice.delete()
    line = invoice.lines.first()
    line.amount = 1
    with pytest.raises(RuntimeError):
        line.save()
    assert Invoice.objects.get(pk=invoice.pk).total == 26400


def test_a_credit_note_names_the_original_and_a_new_invoice_follows(
    alice, carol, ken, bill, ecorpone
):
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T12:00:00+09:00"
    )
    original = services.invoice_issue(request=request, by=bill)
    with pytest.raises(ValidationFailed):
        services.credit_note_issue(invoice=original, by=bill, reason="")
    note = services.credit_note_issue(invoice=original, by=bill, reason="Wrong PO number")
    assert note.number == "CN-2026-000001"
    assert note.credits == original
    assert (note.subtotal, note.tax_amount, note.total) == (
        -original.subtotal,
        -original.tax_amount,
        -original.total,
    )
    assert sum(line.amount for line in note.lines.all()) == -original.subtotal
    with pytest.raises(TransitionRefused):
        services.credit_note_issue(invoice=original, by=bill, reason="again")
    corrected = services.invoice_issue(request=request, by=bill)
    assert corrected.number == "INV-2026-000002"


def test_due_date_from_the_payment_terms(alice, carol, ken, bill, ecorpone):
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T12:00:00+09:00"
    )
    clock.set_now(datetime(2026, 12, 2, 10, tzinfo=JST))
    invoice = services.invoice_issue(request=request, by=bill)
    assert str(invoice.due_date) == "2027-01-29"


def test_invoice_deadline_is_tracked_and_late_ones_are_visible(alice, carol, ken, bill, tokyo_its):
    use_policy(alice, tokyo_its)
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T13:00:00+09:00"
    )
    clock.set_now(request.completed_at + timedelta(hours=47))
    (row,) = selectors.billing_queue()
    assert row["deadline_at"] == request.completed_at + timedelta(hours=48)
    assert row["late"] is False
    clock.set_now(request.completed_at + timedelta(hours=49))
    assert selectors.billing_queue()[0]["late"] is True
    invoice = services.invoice_issue(request=request, by=bill)
    assert invoice.is_late
    assert selectors.billing_queue() == []


def test_charged_cancellation_is_invoiced_for_the_reservation(alice, carol, ken, bill, ecorpone):
    from genba.orders import services as order_services

    request = released(alice, carol, ken)
    order_services.request_cancel(request=request, by=alice, reason="Project stopped")
    invoice = services.invoice_issue(request=request, by=bill)
    assert invoice.subtotal == 36000  # senior 12,000 × 3 h reserved (complete_order)
    request.refresh_from_db()
    assert request.status == RequestStatus.CANCELLED


def test_exempt_contract_has_no_tax_and_says_why(alice, carol, ken, bill, ecorpone):
    contract = alice.organization.contracts.get()
    contract.tax_treatment = "exempt"
    contract.exempt_reason = "Export of a service (provider's decision, ref. 2026-14)"
    contract.save()
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T12:00:00+09:00"
    )
    invoice = services.invoice_issue(request=request, by=bill)
    assert invoice.tax_amount == 0 and invoice.taxes == []
    assert invoice.total == invoice.subtotal
    assert "Export of a service" in invoice.exempt_reason


def test_issue_refused_without_issuer_profile(alice, carol, ken, bill, ecorpone):
    from genba.billing.models import IssuerProfile

    IssuerProfile.objects.all().delete()
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T12:00:00+09:00"
    )
    with pytest.raises(TransitionRefused):
        services.invoice_issue(request=request, by=bill)
    assert InvoiceLine.objects.count() == 0


def test_csv_export(alice, carol, ken, bill, ecorpone):
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T12:00:00+09:00"
    )
    services.invoice_issue(request=request, by=bill)
    text = invoices_csv(Invoice.objects.all())
    assert text.startswith("\ufeff番号 Number,")
    assert "INV-2026-000001,invoice" in text
    assert ",24000,2400,26400," in text
