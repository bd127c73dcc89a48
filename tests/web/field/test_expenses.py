"""The engineer's expense on the phone (390 px): amount, what for, a receipt photo from the camera;
sent pending, its status shown; only his own, and only on his visits."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from genba.orders.expenses import visit_expense_add, visit_expense_approve, visit_expense_reject
from genba.orders.models import ExpenseStatus, VisitExpense

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def photo(name="taxi.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")


@pytest.fixture
def visit(make_visit):
    return make_visit("2026-11-30T10:00")


def url(visit, tail=""):
    return f"/field/visits/{visit.public_id}/{tail}"


def test_the_phone_form_renders_with_the_camera(ken, client_as, visit):
    html = client_as(ken).get(url(visit)).content.decode()
    # The phone layout (390 px wide): the viewport follows the device width.
    assert 'name="viewport"' in html and "width=device-width" in html
    form = re.search(r'<form[^>]+class="expense-form".*?</form>', html, re.S).group(0)
    assert 'enctype="multipart/form-data"' in form
    assert re.search(r'<input[^>]+name="receipt"[^>]+accept="image/\*"[^>]+capture', form)
    assert 'name="amount"' in form and 'inputmode="numeric"' in form
    assert 'name="description"' in form


def test_the_engineer_sends_an_expense_and_sees_its_status(ken, carol, client_as, visit):
    client = client_as(ken)
    response = client.post(
        url(visit, "expenses/"),
        {"description": "Taxi Shin-Osaka to the site", "amount": "2400", "receipt": photo()},
    )
    assert response.status_code == 302 and response["Location"].endswith("#expenses")
    expense = VisitExpense.objects.get()
    assert (expense.status, expense.amount, expense.recorded_by) == (
        ExpenseStatus.PENDING,
        2400,
        ken,
    )
    html = client.get(url(visit)).content.decode()
    assert "Taxi Shin-Osaka to the site" in html and "Awaiting approval" in html
    receipt = url(visit, f"expenses/{expense.public_id}/receipt/")
    assert receipt in html
    assert b"".join(client.get(receipt).streaming_content) == PNG
    visit_expense_reject(expense=expense, by=carol, reason="Take the train.")
    html = client.get(url(visit)).content.decode()
    assert "Rejected" in html and "Take the train." in html


def test_without_a_receipt_the_form_says_so_and_nothing_is_saved(ken, client_as, visit):
    response = client_as(ken).post(
        url(visit, "expenses/"), {"description": "Taxi", "amount": "2400"}
    )
    assert response.status_code == 422
    assert "receipt" in response.context["expense_form"].errors
    assert not VisitExpense.objects.exists()


def test_a_wrong_file_is_named(ken, client_as, visit):
    response = client_as(ken).post(
        url(visit, "expenses/"),
        {"description": "Taxi", "amount": "2400", "receipt": photo("taxi.png", b"not an image")},
    )
    assert response.status_code == 422
    assert "receipt" in response.context["expense_form"].errors
    assert not VisitExpense.objects.exists()


def test_remove_while_pending(ken, carol, client_as, visit):
    expense = visit_expense_add(
        visit=visit, by=ken, description="Parking", amount=800, receipt=photo()
    )
    client = client_as(ken)
    remove = url(visit, f"expenses/{expense.public_id}/remove/")
    assert remove in client.get(url(visit)).content.decode()
    client.post(remove)
    assert not VisitExpense.objects.exists()
    second = visit_expense_add(
        visit=visit, by=ken, description="Parking", amount=800, receipt=photo()
    )
    visit_expense_approve(expense=second, by=carol)
    html = client.get(url(visit)).content.decode()
    assert url(visit, f"expenses/{second.public_id}/remove/") not in html
    client.post(url(visit, f"expenses/{second.public_id}/remove/"))
    assert VisitExpense.objects.get().status == ExpenseStatus.APPROVED


def test_another_engineer_gets_404(ken, emi, carol, client_as, visit):
    expense = visit_expense_add(
        visit=visit, by=ken, description="Taxi", amount=2400, receipt=photo()
    )
    client = client_as(emi)
    assert (
        client.post(url(visit, "expenses/"), {"description": "x", "amount": "1"}).status_code == 404
    )
    assert client.get(url(visit, f"expenses/{expense.public_id}/receipt/")).status_code == 404
    assert client.post(url(visit, f"expenses/{expense.public_id}/remove/")).status_code == 404
    # The coordinator's expense on ken's visit is not in ken's list (his own only).
    visit_expense_add(visit=visit, by=carol, description="Shinkansen", amount=29440)
    html = client_as(ken).get(url(visit)).content.decode()
    assert "Shinkansen" not in html and "Taxi" in html
