"""/api/v1/visits/{id}/expenses: record, list, approve, reject, remove, the receipt (issue 13)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from genba.orders.expenses import visit_expense_add
from genba.orders.models import ExpenseStatus, VisitExpense
from tests.api.helpers import problem
from tests.dispatch.helpers import engineer
from tests.orders.helpers import released

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def png(name="receipt.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


@pytest.fixture
def visit(alice, carol, ken):
    return released(alice, carol, ken).visits.get()


def add(api, visit, **fields):
    data = {"description": "Taxi to the data center", "amount": "2400", "receipt": png()}
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    return api.client.post(f"/api/v1/visits/{visit.public_id}/expenses", data)


def test_openapi_lists_the_expense_operations(ken_api):
    paths = ken_api.get("openapi.json").json()["paths"]
    base = "/api/v1/visits/{visit_id}/expenses"
    assert set(paths[base]) == {"get", "post"}
    assert set(paths[base + "/{expense_id}/approve"]) == {"post"}
    assert set(paths[base + "/{expense_id}/reject"]) == {"post"}
    assert set(paths[base + "/{expense_id}"]) == {"delete"}
    assert set(paths[base + "/{expense_id}/receipt"]) == {"get"}


def test_the_engineer_adds_one_with_its_receipt_and_the_coordinator_approves(
    ken_api, carol_api, visit
):
    response = add(ken_api, visit)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["amount"], body["actions"]) == ("pending", 2400, ["remove"])
    assert body["receipt"]["content_type"] == "image/png"
    receipt = ken_api.get(body["receipt"]["download_url"])
    assert receipt.status_code == 200 and b"".join(receipt.streaming_content) == PNG
    assert receipt["X-Content-Type-Options"] == "nosniff"

    listed = carol_api.get(f"visits/{visit.public_id}/expenses").json()
    assert [e["actions"] for e in listed] == [["approve", "reject", "remove"]]
    url = f"visits/{visit.public_id}/expenses/{body['id']}"
    approved = carol_api.post(f"{url}/approve").json()
    assert (approved["status"], approved["decided_by"], approved["actions"]) == (
        "approved",
        approved["decided_by"],
        ["reject"],
    )
    assert approved["decided_by"] and approved["decided_at"]
    assert VisitExpense.objects.get().status == ExpenseStatus.APPROVED


def test_reject_needs_a_reason(ken_api, carol_api, visit):
    expense = add(ken_api, visit).json()
    url = f"visits/{visit.public_id}/expenses/{expense['id']}/reject"
    assert problem(carol_api.post(url, {"reason": ""}), 422)
    body = carol_api.post(url, {"reason": "Not agreed."}).json()
    assert (body["status"], body["rejection_reason"]) == ("rejected", "Not agreed.")
    # The engineer sees why.
    mine = ken_api.get(f"visits/{visit.public_id}/expenses").json()
    assert mine[0]["rejection_reason"] == "Not agreed."


def test_bad_input_is_a_problem_naming_the_field(ken_api, visit):
    for fields, name in (
        ({"receipt": None}, "receipt"),
        ({"description": " "}, "description"),
        ({"amount": "0"}, "amount"),
        ({"receipt": SimpleUploadedFile("r.txt", b"hello")}, "receipt"),
    ):
        body = problem(add(ken_api, visit, **fields), 422)
        assert name in str(body), (fields, body)
    assert problem(add(ken_api, visit, amount="12.5"), 422)
    assert not VisitExpense.objects.exists()


def test_the_engineer_may_not_approve(ken_api, visit):
    expense = add(ken_api, visit).json()
    response = ken_api.post(f"visits/{visit.public_id}/expenses/{expense['id']}/approve")
    assert problem(response, 403)
    assert VisitExpense.objects.get().status == ExpenseStatus.PENDING


def test_removing_a_pending_one(ken_api, visit):
    expense = add(ken_api, visit).json()
    response = ken_api.client.delete(f"/api/v1/visits/{visit.public_id}/expenses/{expense['id']}")
    assert response.status_code == 204
    assert not VisitExpense.objects.exists()


def test_another_customer_and_another_engineer_get_404(
    alice_api, bob_api, ken_api, carol, api_as, provider, visit
):
    expense = add(ken_api, visit).json()
    visit_expense_add(visit=visit, by=carol, description="Shinkansen", amount=29440)
    stranger = api_as(engineer(provider).user)
    base = f"visits/{visit.public_id}/expenses"
    for api in (bob_api, stranger):
        problem(api.get(base), 404)
        problem(add(api, visit), 404)
        problem(api.post(f"{base}/{expense['id']}/approve"), 404)
        problem(api.get(f"{base}/{expense['id']}/receipt"), 404)
    # The customer of the visit: the approved ones only, without receipt or names.
    seen = alice_api.get(base).json()
    assert [(e["description"], e["amount"], e["receipt"], e["recorded_by"]) for e in seen] == [
        ("Shinkansen", 29440, None, "")
    ]
    problem(alice_api.get(f"{base}/{expense['id']}/receipt"), 404)
    problem(alice_api.post(f"{base}/{expense['id']}/approve"), 404)
    # The engineer sees his own, not the coordinator's.
    assert [e["id"] for e in ken_api.get(base).json()] == [expense["id"]]


def test_the_list_reads_in_a_fixed_number_of_queries(carol_api, ken_api, visit):
    add(ken_api, visit)
    with CaptureQueriesContext(connection) as one:
        assert len(carol_api.get(f"visits/{visit.public_id}/expenses").json()) == 1
    for _ in range(4):
        add(ken_api, visit)
    with CaptureQueriesContext(connection) as five:
        assert len(carol_api.get(f"visits/{visit.public_id}/expenses").json()) == 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_the_billing_queue_warns_of_pending_expenses(bill_api, alice, carol, ken):
    from datetime import timedelta

    from genba.core import clock
    from genba.orders import visit_services
    from tests.billing.helpers import issuer
    from tests.orders.helpers import VISIT_START, on_site

    issuer()
    request, visit = on_site(alice, carol, ken)
    visit_expense_add(visit=visit, by=ken, description="Taxi", amount=2400, receipt=png("taxi.png"))
    clock.set_now(VISIT_START + timedelta(hours=2))
    visit_services.visit_sign_off(visit=visit, by=alice, signer_name="Alice")
    [row] = bill_api.get("invoices/queue").json()
    assert (row["request_id"], row["expenses_pending"]) == (request.public_id, 1)
    refused = problem(bill_api.post("invoices", {"request_id": request.public_id}), 409)
    assert refused["code"] == "expenses_pending"
