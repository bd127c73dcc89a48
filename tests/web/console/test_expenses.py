"""Expenses on the console's request page: record (approved at once), approve, reject, remove,
open a receipt; buttons are exactly orders.actions.expense_actions; no /admin/ needed."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from genba.orders.expenses import visit_expense_add
from genba.orders.models import ExpenseStatus, VisitExpense
from tests.orders.helpers import released
from tests.web.console.conftest import page

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def receipt():
    return SimpleUploadedFile("taxi.png", PNG, content_type="image/png")


@pytest.fixture
def sr(alice, carol, ken):
    return released(alice, carol, ken)


def path(sr, tail=""):
    return f"/console/requests/{sr.public_id}/{tail}"


def test_a_coordinator_records_an_expense_on_the_request_page(client_as, carol, sr):
    client = client_as(carol)
    html = page(client.get(path(sr)))
    assert 'id="expenses"' in html and "Record an expense" in html
    visit = sr.visits.get()
    response = client.post(
        path(sr, "expenses/"),
        {"visit": visit.public_id, "description": "Shinkansen Tokyo–Shin-Osaka", "amount": "29440"},
    )
    assert response.status_code == 302
    expense = VisitExpense.objects.get()
    assert (expense.amount, expense.status, expense.recorded_by) == (
        29440,
        ExpenseStatus.APPROVED,
        carol,
    )
    assert "¥29,440" in page(client.get(path(sr)))


def test_a_refused_expense_names_the_field_and_changes_nothing(client_as, carol, sr):
    visit = sr.visits.get()
    response = client_as(carol).post(
        path(sr, "expenses/"), {"visit": visit.public_id, "description": "Hotel", "amount": "0"}
    )
    assert response.status_code == 422
    assert "amount" in response.context["expense_form"].errors
    assert not VisitExpense.objects.exists()


def test_the_coordinator_approves_an_engineers_expense(client_as, carol, ken, sr):
    expense = visit_expense_add(
        visit=sr.visits.get(), by=ken, description="Taxi", amount=2400, receipt=receipt()
    )
    client = client_as(carol)
    html = page(client.get(path(sr)))
    assert 'id="expenses-pending"' in html
    approve = f"/console/requests/{sr.public_id}/expenses/{expense.public_id}/approve/"
    assert approve in html
    receipt_url = f"/console/requests/{sr.public_id}/expenses/{expense.public_id}/receipt/"
    assert receipt_url in html
    assert b"".join(client.get(receipt_url).streaming_content) == PNG
    assert client.post(approve).status_code == 302
    expense.refresh_from_db()
    assert (expense.status, expense.decided_by) == (ExpenseStatus.APPROVED, carol)
    html = page(client.get(path(sr)))
    assert approve not in html and 'id="expenses-pending"' not in html


def test_reject_with_a_reason(client_as, carol, ken, sr):
    expense = visit_expense_add(
        visit=sr.visits.get(), by=ken, description="Lunch", amount=1200, receipt=receipt()
    )
    client = client_as(carol)
    url = path(sr, f"expenses/{expense.public_id}/reject/")
    client.post(url, {f"rj-{expense.public_id}-reason": ""})
    assert VisitExpense.objects.get().status == ExpenseStatus.PENDING
    client.post(url, {f"rj-{expense.public_id}-reason": "Meals are not billed."})
    expense.refresh_from_db()
    assert (expense.status, expense.rejection_reason) == (
        ExpenseStatus.REJECTED,
        "Meals are not billed.",
    )


def test_only_coordinators_reach_the_expense_pages(client_as, alice, ken, bill, sr):
    expense = visit_expense_add(
        visit=sr.visits.get(), by=ken, description="Taxi", amount=2400, receipt=receipt()
    )
    for user in (alice, ken, bill):
        response = client_as(user).post(path(sr, f"expenses/{expense.public_id}/approve/"))
        assert response.status_code == 404
    assert (
        client_as(alice).get(path(sr, f"expenses/{expense.public_id}/receipt/")).status_code == 404
    )
    assert VisitExpense.objects.get().status == ExpenseStatus.PENDING


def test_the_expense_list_takes_a_fixed_number_of_queries(client_as, carol, ken, sr):
    client = client_as(carol)
    visit = sr.visits.get()
    visit_expense_add(visit=visit, by=ken, description="Taxi", amount=2400, receipt=receipt())
    client.get(path(sr))
    with CaptureQueriesContext(connection) as one:
        client.get(path(sr))
    for n in range(4):
        visit_expense_add(visit=visit, by=carol, description=f"Hotel {n}", amount=9000)
    with CaptureQueriesContext(connection) as five:
        response = client.get(path(sr))
    assert len(response.context["expense_rows"]) == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_the_billing_queue_warns_instead_of_offering_the_invoice(
    client_as, alice, carol, ken, bill
):
    from datetime import timedelta

    from genba.core import clock
    from genba.orders import visit_services
    from genba.orders.expenses import visit_expense_approve
    from tests.billing.helpers import issuer
    from tests.orders.helpers import VISIT_START, on_site

    issuer()
    request, visit = on_site(alice, carol, ken)
    expense = visit_expense_add(
        visit=visit, by=ken, description="Taxi", amount=2400, receipt=receipt()
    )
    clock.set_now(VISIT_START + timedelta(hours=2))
    visit_services.visit_sign_off(visit=visit, by=alice, signer_name="Alice")
    client = client_as(bill)
    html = page(client.get("/console/billing/"))
    assert "1 expense awaits approval" in html
    assert request.public_id in html and 'class="badge badge-late expenses-pending"' in html
    visit_expense_approve(expense=expense, by=carol)
    html = page(client.get("/console/billing/"))
    assert "expenses-pending" not in html
