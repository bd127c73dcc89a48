"""What a customer does on a request's page; each refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from genba.core import clock
from genba.core.models import AuditEvent
from genba.dispatch.models import ProposalStatus
from genba.orders.models import Attachment, RequestStatus, VisitStatus
from tests.orders.helpers import (
    VISIT_START,
    approved,
    new_request,
    on_site,
    proposed,
    reload,
    submitted,
)
from tests.web.portal.helpers import PNG, with_photo_id

pytestmark = pytest.mark.django_db


def base(request) -> str:
    return f"/portal/requests/{request.public_id}/"


# --- submit and cancel ----------------------------------------------------------------------


def test_submit_sends_the_draft(alice, client_as):
    request = new_request(alice)
    response = client_as(alice).post(base(request) + "submit/", follow=True)
    assert response.redirect_chain[-1][0] == base(request)
    assert reload(request).status == RequestStatus.SUBMITTED
    assert "Request sent to the provider." in response.content.decode()


def test_submit_refused_once_proposed_changes_nothing(alice, carol, ken, client_as):
    request, _ = proposed(alice, carol, ken)
    events = AuditEvent.objects.count()
    response = client_as(alice).post(base(request) + "submit/", follow=True)
    assert reload(request).status == RequestStatus.PROPOSED
    assert AuditEvent.objects.count() == events
    assert "flash-error" in response.content.decode()


def test_cancel_with_reason(alice, client_as):
    request = submitted(alice)
    client_as(alice).post(base(request) + "cancel/", {"reason": "Fixed remotely"})
    request = reload(request)
    assert request.status == RequestStatus.CANCELLED
    assert request.end_reason == "Fixed remotely" and not request.cancellation_charged


def test_cancel_refused_when_in_progress(alice, carol, ken, client_as):
    request, _visit = on_site(alice, carol, ken)
    before = reload(request).status
    response = client_as(alice).post(base(request) + "cancel/", {"reason": "Too late"}, follow=True)
    assert "Cannot cancel" in response.content.decode()
    assert reload(request).status == before


def test_post_without_csrf_token_is_refused(alice, client_as):
    request = new_request(alice)
    response = client_as(alice, enforce_csrf_checks=True).post(base(request) + "submit/")
    assert response.status_code == 403
    assert reload(request).status == RequestStatus.DRAFT


def test_actions_on_another_customers_request_are_404(alice, bob, carol, ken, client_as):
    request, proposal = proposed(alice, carol, ken)
    client = client_as(bob)
    for path in (
        "submit/",
        "cancel/",
        f"proposals/{proposal.public_id}/approve/",
        f"proposals/{proposal.public_id}/decline/",
        "attachments/",
    ):
        assert client.post(base(request) + path, {"reason": "x"}).status_code == 404, path
    assert reload(request).status == RequestStatus.PROPOSED
    assert reload(proposal).status == ProposalStatus.OPEN


def test_actions_need_post(alice, client_as):
    request = new_request(alice)
    assert client_as(alice).get(base(request) + "submit/").status_code == 405


# --- proposals ------------------------------------------------------------------------------


def test_approve_a_proposal(alice, carol, ken, client_as):
    request, proposal = proposed(alice, carol, ken)
    response = client_as(alice).post(base(request) + f"proposals/{proposal.public_id}/approve/")
    assert response.status_code == 302
    assert reload(proposal).status == ProposalStatus.APPROVED
    assert reload(request).status == RequestStatus.APPROVED


def test_approve_refused_while_an_error_is_open(alice, carol, ken, client_as):
    from genba.orders.models import ServiceRequest

    request, proposal = proposed(alice, carol, ken)
    # A gap that appeared after the proposal (a staff correction): approval is refused.
    ServiceRequest.objects.filter(pk=request.pk).update(languages=[])
    response = client_as(alice).post(
        base(request) + f"proposals/{proposal.public_id}/approve/", follow=True
    )
    page = response.content.decode()
    assert "No working language is given" in page
    assert reload(proposal).status == ProposalStatus.OPEN
    assert reload(request).status == RequestStatus.PROPOSED


def test_decline_a_proposal_with_a_reason(alice, carol, ken, client_as):
    request, proposal = proposed(alice, carol, ken)
    client_as(alice).post(
        base(request) + f"proposals/{proposal.public_id}/decline/",
        {f"p-{proposal.public_id}-reason": "Need a Japanese speaker"},
    )
    proposal = reload(proposal)
    assert proposal.status == ProposalStatus.DECLINED
    assert proposal.decline_reason == "Need a Japanese speaker"
    assert reload(request).status == RequestStatus.SUBMITTED


def test_decline_without_reason_shows_the_error_next_to_the_field(alice, carol, ken, client_as):
    request, proposal = proposed(alice, carol, ken)
    response = client_as(alice).post(
        base(request) + f"proposals/{proposal.public_id}/decline/",
        {f"p-{proposal.public_id}-reason": ""},
    )
    assert response.status_code == 400
    assert f'id="id_p-{proposal.public_id}-reason_error"' in response.content.decode()
    assert reload(proposal).status == ProposalStatus.OPEN


def test_a_proposal_of_another_request_is_404(alice, carol, ken, client_as):
    request, _ = proposed(alice, carol, ken)
    other = new_request(alice)
    _, proposal = request, request.proposals.get()
    response = client_as(alice).post(base(other) + f"proposals/{proposal.public_id}/approve/")
    assert response.status_code == 404
    assert reload(proposal).status == ProposalStatus.OPEN


# --- photo IDs --------------------------------------------------------------------------------


def photo_url(request, proposal, profile) -> str:
    return base(request) + f"proposals/{proposal.public_id}/engineers/{profile.public_id}/photo-id/"


def test_photo_id_is_served_and_each_view_logged(alice, carol, ken, client_as):
    request, proposal = proposed(alice, carol, ken)
    profile = with_photo_id(ken, carol)
    response = client_as(alice).get(photo_url(request, proposal, profile))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Cache-Control"] == "private, no-store"
    views = AuditEvent.objects.filter(action="photo_id_viewed", object_id=profile.public_id)
    assert views.count() == 1 and views.get().actor == alice


def test_photo_id_is_404_for_another_customer(alice, bob, carol, ken, client_as):
    request, proposal = proposed(alice, carol, ken)
    profile = with_photo_id(ken, carol)
    assert client_as(bob).get(photo_url(request, proposal, profile)).status_code == 404
    assert not AuditEvent.objects.filter(action="photo_id_viewed").exists()


def test_photo_id_is_404_once_the_request_is_closed(alice, carol, ken, client_as):
    from genba.orders import services

    request, proposal = proposed(alice, carol, ken)
    profile = with_photo_id(ken, carol)
    services.request_cancel(request=request, by=alice)
    assert client_as(alice).get(photo_url(request, proposal, profile)).status_code == 404


# --- sign-off ---------------------------------------------------------------------------------


def test_sign_off_a_visit_on_site(alice, carol, ken, client_as):
    request, visit = on_site(alice, carol, ken)
    clock.set_now(VISIT_START + timedelta(hours=2))
    response = client_as(alice).post(
        base(request) + f"visits/{visit.public_id}/sign-off/",
        {f"v-{visit.public_id}-signer_name": "Hanako Suzuki"},
    )
    assert response.status_code == 302
    visit = reload(visit)
    assert visit.status == VisitStatus.SIGNED_OFF and visit.signed_off_by_name == "Hanako Suzuki"
    assert reload(request).status == RequestStatus.COMPLETED


def test_sign_off_refused_before_the_engineer_arrives(alice, carol, ken, client_as):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    response = client_as(alice).post(
        base(request) + f"visits/{visit.public_id}/sign-off/",
        {f"v-{visit.public_id}-signer_name": "Hanako"},
        follow=True,
    )
    assert "Cannot sign off" in response.content.decode()
    assert reload(visit).status == VisitStatus.PLANNED


def test_sign_off_of_another_customers_visit_is_404(alice, bob, carol, ken, client_as):
    request, visit = on_site(alice, carol, ken)
    response = client_as(bob).post(
        base(request) + f"visits/{visit.public_id}/sign-off/",
        {f"v-{visit.public_id}-signer_name": "Mallory"},
    )
    assert response.status_code == 404
    assert reload(visit).status == VisitStatus.ON_SITE


# --- attachments ------------------------------------------------------------------------------


def test_attach_and_download_a_file(alice, client_as):
    request = new_request(alice)
    client = client_as(alice)
    response = client.post(
        base(request) + "attachments/",
        {"file": SimpleUploadedFile("port-map.png", PNG), "kind": "diagram"},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(request=request)
    assert attachment.kind == "diagram" and attachment.original_name == "port-map.png"
    download = client.get(base(request) + f"attachments/{attachment.public_id}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert "attachment" in download["Content-Disposition"]
    assert "port-map.png" in client.get(base(request)).content.decode()


def test_a_wrong_file_type_is_refused_next_to_the_field(alice, client_as):
    request = new_request(alice)
    response = client_as(alice).post(
        base(request) + "attachments/",
        {"file": SimpleUploadedFile("tool.exe", b"MZ\x90\x00"), "kind": "other"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_file_error"' in page and "not accepted" in page
    assert not Attachment.objects.exists()


def test_attachment_of_another_customer_is_404(alice, bob, client_as):
    request = new_request(alice)
    client_as(alice).post(
        base(request) + "attachments/",
        {"file": SimpleUploadedFile("a.txt", b"hello"), "kind": "other"},
    )
    attachment = Attachment.objects.get()
    path = base(request) + f"attachments/{attachment.public_id}/"
    assert client_as(bob).get(path).status_code == 404
    other = new_request(alice)
    assert (
        client_as(alice).get(base(other) + f"attachments/{attachment.public_id}/").status_code
        == 404
    )
