"""The request form: live findings and estimate without saving, save draft, save and submit, edit."""

from __future__ import annotations

import pytest

from genba.core.models import AuditEvent
from genba.dispatch.models import ProposalStatus
from genba.orders.models import RequestStatus, ServiceRequest
from tests.orders.helpers import approved, new_request, proposed, reload, submitted
from tests.web.portal.helpers import form_data

pytestmark = pytest.mark.django_db


def test_new_form_renders_with_the_panel(alice, client_as):
    page = client_as(alice).get("/portal/requests/new/").content.decode()
    assert 'hx-post="/portal/requests/preview/"' in page
    assert 'hx-trigger="input changed delay:600ms, change"' in page
    assert 'id="preview"' in page
    assert 'for="id_site_postal_code"' in page and 'id="id_visits-0-date"' in page
    assert "The request has no site." in page  # the empty order's findings are already shown
    assert 'aria-current="page">New request' in page


def test_preview_shows_findings_and_estimate_and_saves_nothing(alice, client_as):
    data = form_data(
        reference="",
        **{"visits-0-time": "16:00", "visits-0-hours": "4"},
    )
    events = AuditEvent.objects.count()
    response = client_as(alice).post("/portal/requests/preview/", data)
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page  # the panel only
    assert "No purchase order, case or ticket number is given" in page
    assert 'href="#id_reference"' in page
    assert "Business hours" in page and "After hours" in page
    assert "¥24,000" in page and "¥36,000" in page and "¥66,000" in page
    assert ServiceRequest.objects.count() == 0 and AuditEvent.objects.count() == events


def test_preview_of_a_complete_order_is_ready(alice, client_as):
    page = client_as(alice).post("/portal/requests/preview/", form_data()).content.decode()
    assert "Ready" in page and "badge-error" not in page


def test_preview_with_a_bad_value_still_answers(alice, client_as):
    data = form_data(**{"visits-0-date": "not a date", "engineers": "many"})
    response = client_as(alice).post("/portal/requests/preview/", data)
    assert response.status_code == 200
    assert "Some fields have errors" in response.content.decode()


def test_preview_needs_csrf(alice, client_as):
    client = client_as(alice, enforce_csrf_checks=True)
    assert client.post("/portal/requests/preview/", form_data()).status_code == 403


def test_save_draft_creates_the_request(alice, client_as):
    response = client_as(alice).post("/portal/requests/new/", {**form_data(), "action": "draft"})
    request = ServiceRequest.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/portal/requests/{request.public_id}/"
    )
    assert request.status == RequestStatus.DRAFT and request.organization == alice.organization
    assert request.site.postal_code == "100-0004" and request.reference == "PO-4711"
    visit = request.visits.get()
    assert visit.scheduled_start.isoformat() == "2026-12-08T01:00:00+00:00"  # 10:00 JST
    assert [e.serial for e in request.equipment.all()] == ["SN-001"]  # the blank row is dropped
    assert [i.name for i in request.items_to_bring.all()] == ["laptop"]
    assert request.remote_engineer.phone == "+14155550132"


def test_save_and_submit(alice, client_as):
    client_as(alice).post("/portal/requests/new/", {**form_data(), "action": "submit"})
    assert ServiceRequest.objects.get().status == RequestStatus.SUBMITTED


def test_a_field_error_keeps_the_form_and_saves_nothing(alice, client_as):
    data = {**form_data(**{"visits-0-time": ""}), "action": "draft"}
    response = client_as(alice).post("/portal/requests/new/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_visits-0-time_error"' in page and "Enter the start time" in page
    assert 'value="Otemachi DC"' in page  # what was typed is kept
    assert not ServiceRequest.objects.exists()


def test_a_customer_without_contract_is_told_and_nothing_saved(bob, client_as):
    bob.organization.contracts.update(active=False)
    response = client_as(bob).post("/portal/requests/new/", {**form_data(), "action": "draft"})
    assert response.status_code == 400
    assert "no active contract" in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_edit_prefills_and_saves_the_changes(alice, client_as):
    request = new_request(alice)
    client = client_as(alice)
    page = client.get(f"/portal/requests/{request.public_id}/edit/").content.decode()
    assert 'value="PO-4711"' in page and 'value="10:00"' in page and 'value="SN-001"' in page
    assert f'hx-post="/portal/requests/{request.public_id}/preview/"' in page
    data = {**form_data(reference="PO-9999", title="Changed title"), "action": "draft"}
    response = client.post(f"/portal/requests/{request.public_id}/edit/", data)
    assert response.status_code == 302
    request = reload(request)
    assert request.reference == "PO-9999" and request.title == "Changed title"
    assert request.status == RequestStatus.DRAFT


def edit_url(request) -> str:
    return f"/portal/requests/{request.public_id}/edit/"


def test_a_submitted_request_is_edited_and_stays_with_the_provider(alice, client_as):
    """Rulebook §3: the customer changes the order until approval."""
    request = submitted(alice)
    client = client_as(alice)
    page = client.get(edit_url(request)).content.decode()
    # Nothing to submit again: one button that saves.
    assert 'name="action" value="save"' in page and 'value="submit"' not in page
    assert "Saving withdraws the open proposal" not in page
    response = client.post(edit_url(request), {**form_data(reference="PO-NEW"), "action": "save"})
    assert response.status_code == 302
    request = reload(request)
    assert request.reference == "PO-NEW" and request.status == RequestStatus.SUBMITTED
    assert AuditEvent.objects.filter(object_id=request.public_id, action="updated").exists()


def test_editing_a_proposed_request_warns_then_withdraws_the_proposal(alice, carol, ken, client_as):
    request, proposal = proposed(alice, carol, ken)
    client = client_as(alice)
    page = client.get(edit_url(request)).content.decode()
    assert 'id="withdraw-warning"' in page and "Saving withdraws the open proposal." in page
    assert 'aria-describedby="withdraw-warning"' in page  # on the save button itself
    response = client.post(
        edit_url(request), {**form_data(reference="PO-NEW"), "action": "save"}, follow=True
    )
    assert "The open proposal was withdrawn" in response.content.decode()
    assert reload(proposal).status == ProposalStatus.WITHDRAWN
    request = reload(request)
    assert request.status == RequestStatus.SUBMITTED and request.reference == "PO-NEW"


def test_the_withdraw_warning_speaks_japanese(alice, carol, ken, client_as):
    request, _proposal = proposed(alice, carol, ken)
    alice.language = "ja"
    alice.save()
    page = client_as(alice).get(edit_url(request)).content.decode()
    assert "保存すると、提案中の手配は取り下げられます。" in page


def test_edit_is_refused_once_approved(alice, carol, ken, client_as):
    request = approved(alice, carol, ken)
    client = client_as(alice)
    page = client.get(f"/portal/requests/{request.public_id}/").content.decode()
    assert "/edit/" not in page
    response = client.post(
        edit_url(request), {**form_data(reference="PO-NEW"), "action": "save"}, follow=True
    )
    assert "can no longer be changed" in response.content.decode()
    assert reload(request).reference == "PO-4711"


def test_edit_and_preview_of_another_customers_request_are_404(alice, bob, client_as):
    request = new_request(alice)
    client = client_as(bob)
    assert client.get(f"/portal/requests/{request.public_id}/edit/").status_code == 404
    edit = client.post(f"/portal/requests/{request.public_id}/edit/", form_data(title="x"))
    assert edit.status_code == 404
    preview = client.post(f"/portal/requests/{request.public_id}/preview/", form_data())
    assert preview.status_code == 404
    assert reload(request).title == "Replace failed disk in storage array"


def test_form_query_count_is_fixed(alice, client_as, django_assert_num_queries):
    client = client_as(alice)
    request = new_request(alice)
    client.get(f"/portal/requests/{request.public_id}/edit/")
    with django_assert_num_queries(14):  # +2: the provider's numbers (findings, footer)
        client.get(f"/portal/requests/{request.public_id}/edit/")


def test_form_renders_in_japanese(alice, client_as):
    alice.language = "ja"
    alice.save()
    page = client_as(alice).get("/portal/requests/new/").content.decode()
    assert '<html lang="ja">' in page
    assert "下書き保存" in page and "訪問先" in page
    assert "訪問先が入力されていません" in page or "訪問先" in page
