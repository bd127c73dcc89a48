"""The billing queue, issuing invoices, PDFs, credit notes, payment and the CSV export."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from genba.billing import services
from genba.billing.models import DocumentKind, Invoice
from genba.core import clock
from genba.orders.models import RequestStatus
from tests.billing.helpers import completed, issuer
from tests.dispatch.helpers import engineer
from tests.orders.helpers import reload
from tests.web.console.conftest import page

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")


def done(customer, carol, ken, day="01", **overrides):
    request = completed(
        customer,
        carol,
        ken,
        start=f"2026-12-{day}T10:00:00+09:00",
        signed_off=f"2026-12-{day}T12:00:00+09:00",
        **overrides,
    )
    clock.set_now(datetime(2026, 12, 10, 10, tzinfo=JST))
    return request


def use_policy(customer, policy):
    contract = customer.organization.contracts.get()
    contract.policy = policy
    contract.save()


def test_the_queue_lists_completed_requests_with_late_ones_flagged(
    client_as, bill, alice, carol, ken, tokyo_its
):
    use_policy(alice, tokyo_its)  # invoices due within 48 h of completion
    request = done(alice, carol, ken)
    response = client_as(bill).get("/console/billing/")
    (row,) = response.context["queue"]
    assert row["request"] == request and row["late"]
    html = page(response)
    assert "Issue invoice" in html and "Late" in html


def test_a_coordinator_sees_the_queue_but_issues_nothing(client_as, carol, alice, ken):
    issuer()
    request = done(alice, carol, ken)
    client = client_as(carol)
    html = page(client.get("/console/billing/"))
    assert request.public_id in html and "Issue invoice" not in html
    assert client.post(f"/console/requests/{request.public_id}/invoice/").status_code == 404
    assert reload(request).status == RequestStatus.COMPLETED


@pytest.mark.parametrize("who", ["alice", "bob", "ken"])
def test_other_roles_get_404(request, client_as, who):
    assert client_as(request.getfixturevalue(who)).get("/console/billing/").status_code == 404


def test_issuing_an_invoice(client_as, bill, alice, carol, ken):
    issuer()
    request = done(alice, carol, ken)
    response = client_as(bill).post(f"/console/requests/{request.public_id}/invoice/")
    invoice = Invoice.objects.get(request=request)
    assert response.status_code == 302
    assert response["Location"] == f"/console/invoices/{invoice.public_id}/"
    assert reload(request).status == RequestStatus.INVOICED
    html = page(client_as(bill).get(response["Location"]))
    assert invoice.number in html and "¥" in html


def test_issuing_without_an_issuer_profile_is_refused_and_changes_nothing(
    client_as, bill, alice, carol, ken
):
    request = done(alice, carol, ken)
    client = client_as(bill)
    response = client.post(f"/console/requests/{request.public_id}/invoice/", follow=True)
    assert "issuer profile" in page(response)
    assert reload(request).status == RequestStatus.COMPLETED
    assert not Invoice.objects.exists()


def test_issuing_needs_csrf(client_as, bill, alice, carol, ken):
    issuer()
    request = done(alice, carol, ken)
    client = client_as(bill, enforce_csrf_checks=True)
    assert client.post(f"/console/requests/{request.public_id}/invoice/").status_code == 403
    assert not Invoice.objects.exists()


def test_the_pdf_is_downloaded_by_billing_only(client_as, bill, alice, bob, carol, ken):
    issuer()
    invoice = services.invoice_issue(request=done(alice, carol, ken), by=bill)
    response = client_as(bill).get(f"/console/invoices/{invoice.public_id}/pdf/?language=en")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    for other in (bob, carol, alice):
        assert (
            client_as(other).get(f"/console/invoices/{invoice.public_id}/pdf/").status_code == 404
        )
        assert client_as(other).get(f"/console/invoices/{invoice.public_id}/").status_code == 404


def test_a_credit_note_needs_a_reason_then_cancels_the_invoice(client_as, bill, alice, carol, ken):
    issuer()
    invoice = services.invoice_issue(request=done(alice, carol, ken), by=bill)
    client = client_as(bill)
    refused = client.post(f"/console/invoices/{invoice.public_id}/credit-note/", {"reason": ""})
    assert refused.status_code == 422 and 'id="id_reason_error"' in page(refused)
    assert not Invoice.objects.filter(kind=DocumentKind.CREDIT_NOTE).exists()
    response = client.post(
        f"/console/invoices/{invoice.public_id}/credit-note/", {"reason": "Wrong hours"}
    )
    note = Invoice.objects.get(kind=DocumentKind.CREDIT_NOTE)
    assert response["Location"] == f"/console/invoices/{note.public_id}/"
    assert note.credits == invoice and note.total == -invoice.total
    again = client.post(f"/console/invoices/{invoice.public_id}/credit-note/", {"reason": "x"})
    assert again.status_code == 422
    assert Invoice.objects.filter(kind=DocumentKind.CREDIT_NOTE).count() == 1


def test_marking_paid(client_as, bill, alice, carol, ken):
    issuer()
    request = done(alice, carol, ken)
    invoice = services.invoice_issue(request=request, by=bill)
    client = client_as(bill)
    assert client.post(f"/console/invoices/{invoice.public_id}/paid/").status_code == 302
    assert reload(request).status == RequestStatus.PAID
    again = client.post(f"/console/invoices/{invoice.public_id}/paid/", follow=True)
    assert reload(request).status == RequestStatus.PAID
    assert again.status_code == 200


def test_marking_paid_is_refused_by_the_service_when_not_invoiced(
    client_as, bill, alice, carol, ken
):
    issuer()
    request = done(alice, carol, ken)
    invoice = services.invoice_issue(request=request, by=bill)
    services.credit_note_issue(invoice=invoice, by=bill, reason="Wrong")
    # After a credit note the request is still invoiced; a cancelled one would be refused.
    from genba.orders.models import ServiceRequest

    ServiceRequest.objects.filter(pk=request.pk).update(status=RequestStatus.COMPLETED)
    response = client_as(bill).post(f"/console/invoices/{invoice.public_id}/paid/", follow=True)
    assert "Cannot mark paid" in page(response)
    assert reload(request).status == RequestStatus.COMPLETED


def test_the_csv_export(client_as, bill, alice, carol, ken):
    issuer()
    invoice = services.invoice_issue(request=done(alice, carol, ken), by=bill)
    response = client_as(bill).get("/console/billing/export.csv?year=2026")
    assert response["Content-Type"].startswith("text/csv")
    assert invoice.number in response.content.decode("utf-8-sig")
    assert client_as(carol).get("/console/billing/export.csv").status_code == 404


def test_the_billing_page_takes_a_fixed_number_of_queries(
    client_as, bill, alice, bob, carol, ken, provider, django_assert_num_queries
):
    issuer()
    client = client_as(bill)
    other = engineer(provider).user
    services.invoice_issue(request=done(alice, carol, ken, day="01"), by=bill)
    done(bob, carol, other, day="01")
    with CaptureQueriesContext(connection) as before:
        client.get("/console/billing/")
    services.invoice_issue(request=done(alice, carol, ken, day="02"), by=bill)
    done(bob, carol, other, day="02")
    done(alice, carol, ken, day="03")
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get("/console/billing/")
    assert len(response.context["queue"]) == 3 and len(response.context["invoices"]) == 2


def test_renders_in_english_and_japanese(client_as, bill, alice, carol, ken):
    issuer()
    invoice = services.invoice_issue(request=done(alice, carol, ken), by=bill)
    assert "To invoice" in page(client_as(bill).get("/console/billing/"))
    bill.language = "ja"
    bill.save()
    assert "請求待ち" in page(client_as(bill).get("/console/billing/"))
    assert "赤伝を発行" in page(client_as(bill).get(f"/console/invoices/{invoice.public_id}/"))
