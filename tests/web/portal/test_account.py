"""Invoices and their PDFs, the coverage table, API tokens."""

from __future__ import annotations

import pytest

from genba.accounts.models import ApiToken
from genba.billing import services as billing
from genba.core.models import AuditEvent
from tests.billing.helpers import completed, issuer

pytestmark = pytest.mark.django_db


def invoiced(customer, carol, ken, bill, day=8, **overrides):
    """An invoice for a visit on 2026-12-<day> (one day each, so the engineer is free)."""
    issuer()
    request = completed(
        customer,
        carol,
        ken,
        start=f"2026-12-{day:02d}T10:00:00+09:00",
        signed_off=f"2026-12-{day:02d}T12:00:00+09:00",
        **overrides,
    )
    return billing.invoice_issue(request=request, by=bill)


# --- invoices -----------------------------------------------------------------------------------


def test_invoices_list_shows_the_organizations_invoices(alice, bob, carol, ken, bill, client_as):
    mine = invoiced(alice, carol, ken, bill, title="Alice's job")
    theirs = invoiced(bob, carol, ken, bill, day=9, title="Bob's job")
    page = client_as(alice).get("/portal/invoices/").content.decode()
    assert mine.number in page and theirs.number not in page
    assert f"/portal/invoices/{mine.public_id}.pdf" in page
    assert f"¥{mine.total:,}" in page
    assert 'aria-current="page">Invoices' in page


def test_invoice_pdf_downloads(alice, carol, ken, bill, client_as):
    invoice = invoiced(alice, carol, ken, bill)
    response = client_as(alice).get(f"/portal/invoices/{invoice.public_id}.pdf?language=en")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f'filename="{invoice.number}.pdf"' in response["Content-Disposition"]


def test_invoice_pdf_of_another_customer_is_404(alice, bob, carol, ken, bill, client_as):
    invoice = invoiced(alice, carol, ken, bill)
    assert client_as(bob).get(f"/portal/invoices/{invoice.public_id}.pdf").status_code == 404
    assert client_as(ken).get(f"/portal/invoices/{invoice.public_id}.pdf").status_code == 404


def test_the_request_page_links_its_invoice(alice, carol, ken, bill, client_as):
    invoice = invoiced(alice, carol, ken, bill)
    page = client_as(alice).get(f"/portal/requests/{invoice.request.public_id}/").content.decode()
    assert invoice.number in page and f"/portal/invoices/{invoice.public_id}.pdf" in page


def test_invoices_query_count_is_fixed(
    alice, carol, ken, bill, client_as, django_assert_num_queries
):
    invoiced(alice, carol, ken, bill)
    invoiced(alice, carol, ken, bill, day=9)
    client = client_as(alice)
    client.get("/portal/invoices/")
    with django_assert_num_queries(6) as two:  # +1: the provider's numbers (footer)
        client.get("/portal/invoices/")
    invoiced(alice, carol, ken, bill, day=10)
    with django_assert_num_queries(len(two.captured_queries)):
        client.get("/portal/invoices/")


def test_invoices_in_japanese_and_404_for_other_roles(alice, carol, client_as):
    alice.language = "ja"
    alice.save()
    page = client_as(alice).get("/portal/invoices/").content.decode()
    assert "請求書" in page and "まだ請求書はありません" in page
    assert client_as(carol).get("/portal/invoices/").status_code == 404


# --- coverage -----------------------------------------------------------------------------------


def test_coverage_shows_the_policy_zones_and_rates(alice, client_as):
    page = client_as(alice).get("/portal/coverage/").content.decode()
    assert "Tokyo metro" in page and "東京都" in page and "神奈川県" in page
    assert "Kansai" in page and "Travel and hotel booked" in page
    assert "¥12,000" in page  # the senior rate of the contract
    assert "Mon, Tue, Wed, Thu, Fri 09:00–18:00 JST" in page


def test_coverage_without_contract_says_so(bob, client_as):
    bob.organization.contracts.update(active=False)
    page = client_as(bob).get("/portal/coverage/").content.decode()
    assert "no active contract" in page


def test_coverage_query_count_japanese_and_404(alice, carol, client_as, django_assert_num_queries):
    client = client_as(alice)
    client.get("/portal/coverage/")
    with django_assert_num_queries(7):  # +1: the provider's numbers (footer)
        client.get("/portal/coverage/")
    alice.language = "ja"
    alice.save()
    assert "対応エリア" in client_as(alice).get("/portal/coverage/").content.decode()
    assert client_as(carol).get("/portal/coverage/").status_code == 404


# --- API tokens ---------------------------------------------------------------------------------


def test_create_a_token_shows_it_once_and_audits(alice, client_as):
    client = client_as(alice)
    response = client.post("/portal/tokens/", {"name": "ServiceNow"}, follow=True)
    page = response.content.decode()
    token = ApiToken.objects.get(user=alice)
    assert token.name == "ServiceNow"
    raw = page.split('id="new-token-value" readonly value="')[1].split('"')[0]
    assert raw.startswith("gnb_") and ApiToken.authenticate(raw) == alice
    assert raw not in client.get("/portal/tokens/").content.decode()  # never again
    assert AuditEvent.objects.filter(action="api_token.created", actor=alice).count() == 1


def test_a_token_without_name_is_refused(alice, client_as):
    response = client_as(alice).post("/portal/tokens/", {"name": ""})
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_revoke_a_token(alice, client_as):
    token, raw = ApiToken.issue(user=alice, name="old")
    client_as(alice).post(f"/portal/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None and ApiToken.authenticate(raw) is None
    assert AuditEvent.objects.filter(action="api_token.revoked").count() == 1


def test_revoking_another_users_token_is_404(alice, bob, client_as):
    token, raw = ApiToken.issue(user=alice, name="alice's")
    assert client_as(bob).post(f"/portal/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.authenticate(raw) == alice
    page = client_as(bob).get("/portal/tokens/").content.decode()
    assert token.hint not in page


def test_token_forms_need_csrf(alice, client_as):
    token, _raw = ApiToken.issue(user=alice)
    client = client_as(alice, enforce_csrf_checks=True)
    assert client.post("/portal/tokens/", {"name": "x"}).status_code == 403
    assert client.post(f"/portal/tokens/{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None and ApiToken.objects.count() == 1


def test_tokens_query_count_japanese_and_404(alice, carol, client_as, django_assert_num_queries):
    ApiToken.issue(user=alice, name="a")
    ApiToken.issue(user=alice, name="b")
    client = client_as(alice)
    client.get("/portal/tokens/")
    with django_assert_num_queries(5):  # +1: the provider's numbers (footer)
        client.get("/portal/tokens/")
    ApiToken.issue(user=alice, name="c")
    with django_assert_num_queries(5):  # +1: the provider's numbers (footer)
        client.get("/portal/tokens/")
    alice.language = "ja"
    alice.save()
    assert "トークンを作成" in client_as(alice).get("/portal/tokens/").content.decode()
    assert client_as(carol).get("/portal/tokens/").status_code == 404
