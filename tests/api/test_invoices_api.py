"""/api/v1/invoices: customers see their own invoices only; billing issues, credits, exports."""

from __future__ import annotations

import pytest

from genba.billing import services
from tests.api.helpers import problem
from tests.billing.helpers import completed, issuer

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(alice, carol, ken, bill, ecorpone):
    issuer()
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T12:45:00+09:00"
    )
    return services.invoice_issue(request=request, by=bill)


def test_customer_lists_and_reads_its_invoices(alice_api, invoice):
    page = alice_api.get("invoices").json()
    assert [i["number"] for i in page["items"]] == [invoice.number]
    document = alice_api.get(f"invoices/{invoice.public_id}").json()
    assert document["total"] == invoice.total
    assert [line["kind"] for line in document["lines"]] == ["reservation", "overtime"]


def test_customer_downloads_the_pdf(alice_api, invoice):
    response = alice_api.get(f"invoices/{invoice.public_id}/pdf?language=en")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("path", ["invoices/{id}", "invoices/{id}/pdf"])
def test_another_customer_gets_404(bob_api, invoice, path):
    response = bob_api.get(path.format(id=invoice.public_id))
    missing = bob_api.get(path.format(id="inv_doesnotexist0000"))
    assert problem(response, 404) == problem(missing, 404)


def test_another_customer_lists_none(bob_api, invoice):
    assert bob_api.get("invoices").json()["count"] == 0


@pytest.mark.parametrize("who", ["carol_api", "ken_api"])
def test_coordinators_and_engineers_see_no_invoices(request, who, invoice):
    api = request.getfixturevalue(who)
    listed = api.get("invoices")
    # A coordinator's list is empty (the billing queue is theirs, invoices are not); an engineer
    # has no invoice list at all.
    if who == "ken_api":
        problem(listed, 404)
    else:
        assert listed.json()["count"] == 0
    problem(api.get(f"invoices/{invoice.public_id}"), 404)


def test_billing_issues_through_the_api(bill_api, alice, carol, ken, ecorpone):
    issuer()
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T12:00:00+09:00"
    )
    queue = bill_api.get("invoices/queue").json()
    assert [row["request_id"] for row in queue] == [request.public_id]
    response = bill_api.post(
        "invoices", {"request_id": request.public_id}, HTTP_IDEMPOTENCY_KEY="issue-1"
    )
    assert response.status_code == 201, response.content
    again = bill_api.post(
        "invoices", {"request_id": request.public_id}, HTTP_IDEMPOTENCY_KEY="issue-1"
    )
    assert again.json()["number"] == response.json()["number"] == "INV-2026-000001"
    assert bill_api.get("invoices/queue").json() == []


def test_customer_cannot_issue_or_see_the_queue(alice_api, alice, carol, ken, ecorpone):
    issuer()
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T12:00:00+09:00"
    )
    problem(alice_api.post("invoices", {"request_id": request.public_id}), 403)
    problem(alice_api.get("invoices/queue"), 403)
    problem(alice_api.get("invoices/export.csv"), 403)


def test_billing_credits_and_exports(bill_api, invoice):
    problem(bill_api.post(f"invoices/{invoice.public_id}/credit-note", {"reason": ""}), 422)
    note = bill_api.post(f"invoices/{invoice.public_id}/credit-note", {"reason": "Wrong PO"})
    assert note.status_code == 201, note.content
    assert note.json()["credits"] == invoice.number
    csv = bill_api.get("invoices/export.csv?year=2026")
    assert csv.status_code == 200
    text = csv.content.decode("utf-8-sig")
    assert invoice.number in text and note.json()["number"] in text


def test_the_proposal_carries_its_estimate(alice_api, alice, carol, ken):
    from tests.orders.helpers import proposed

    request, _ = proposed(alice, carol, ken)
    (proposal,) = alice_api.get(f"requests/{request.public_id}").json()["proposals"]
    estimate = proposal["estimate"]
    # complete_order: senior 12,000/h, Tuesday 2026-12-08 10:00, 3 h, all business hours.
    assert (estimate["subtotal"], estimate["total"]) == (36000, 39600)
    assert {line["after_hours"] for line in estimate["lines"]} == {False}


def test_billing_marks_an_invoice_paid_through_the_api(alice, carol, ken, bill, api_as):
    from tests.billing.helpers import completed, issuer

    issuer()
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T12:45:00+09:00"
    )
    invoice = api_as(bill).post("invoices", {"request_id": request.public_id}).json()
    refused = api_as(alice).post(f"invoices/{invoice['id']}/paid")
    assert refused.status_code == 403
    assert refused["Content-Type"].startswith("application/problem+json")
    request.refresh_from_db()
    assert request.status == "invoiced"
    answer = api_as(bill).post(f"invoices/{invoice['id']}/paid")
    assert answer.status_code == 200
    request.refresh_from_db()
    assert request.status == "paid"
    again = api_as(bill).post(f"invoices/{invoice['id']}/paid")
    assert again.status_code == 200  # a retry answers the state it reached


def test_another_customers_invoice_cannot_be_marked_paid(alice, bob, carol, ken, bill, api_as):
    from tests.billing.helpers import completed, issuer

    issuer()
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T12:45:00+09:00"
    )
    invoice = api_as(bill).post("invoices", {"request_id": request.public_id}).json()
    assert api_as(bob).post(f"invoices/{invoice['id']}/paid").status_code in (403, 404)


def test_an_engineer_has_no_invoice_list(ken, api_as):
    # Rulebook §7: engineers never see invoices; outside one's scope is 404, not an empty page.
    answer = api_as(ken).get("invoices")
    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("application/problem+json")
