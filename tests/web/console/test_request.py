"""The request page: checklist, asking the customer, calls, proposals, release, decline, cancel."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from genba.core.models import AuditEvent
from genba.dispatch.models import Proposal, ProposalStatus
from genba.orders.models import RequestStatus
from tests.dispatch.helpers import engineer, profile_for
from tests.orders.helpers import approved, proposed, reload, submitted
from tests.web.console.conftest import page

pytestmark = pytest.mark.django_db


def url(sr, action=""):
    return f"/console/requests/{sr.public_id}/{action + '/' if action else ''}"


def test_the_checklist_shows_errors_and_warnings(client_as, carol, alice):
    sr = submitted(alice, local_contact=None)
    html = page(client_as(carol).get(url(sr)))
    assert 'class="error"' in html
    assert "site.local_contact.missing" in html
    assert sr.organization.name in html


@pytest.mark.parametrize("who", ["bob", "alice", "ken", "bill"])
def test_other_roles_get_404(request, client_as, alice, who):
    sr = submitted(alice)
    client = client_as(request.getfixturevalue(who))
    assert client.get(url(sr)).status_code == 404
    assert client.post(url(sr, "ask-info"), {"message": "x"}).status_code == 404
    assert reload(sr).status == RequestStatus.SUBMITTED


def test_unknown_request_is_404(client_as, carol):
    assert client_as(carol).get("/console/requests/req_nope/").status_code == 404


def test_the_ask_message_lists_what_is_missing_in_the_customers_language(client_as, carol, alice):
    alice.language = "ja"
    alice.save()
    sr = submitted(alice, local_contact=None)
    message = client_as(carol).get(url(sr)).context["ask_form"].initial["message"]
    assert sr.public_id in message
    assert "お世話になっております" in message  # the greeting in Japanese
    assert "現地" in message  # the local contact finding, in Japanese


def test_asking_the_customer_moves_the_request_and_keeps_the_message(client_as, carol, alice):
    sr = submitted(alice, local_contact=None)
    response = client_as(carol).post(url(sr, "ask-info"), {"message": "Please add a contact."})
    assert response.status_code == 302 and response["Location"] == url(sr)
    assert reload(sr).status == RequestStatus.INFO_REQUESTED
    event = AuditEvent.objects.get(object_id=sr.public_id, action="info_requested")
    assert event.reason == "Please add a contact."


def test_asking_is_refused_once_proposed_and_nothing_changes(client_as, carol, alice, ken):
    sr, _ = proposed(alice, carol, ken)
    response = client_as(carol).post(url(sr, "ask-info"), {"message": "More?"})
    assert response.status_code == 422
    assert "Cannot ask for information" in page(response)
    assert reload(sr).status == RequestStatus.PROPOSED


def test_a_post_without_csrf_token_is_refused(client_as, carol, alice):
    sr = submitted(alice)
    client = client_as(carol, enforce_csrf_checks=True)
    assert client.post(url(sr, "ask-info"), {"message": "x"}).status_code == 403
    assert reload(sr).status == RequestStatus.SUBMITTED


def test_recording_a_call(client_as, carol, alice):
    sr = submitted(alice)
    client = client_as(carol)
    refused = client.post(url(sr, "record-call"), {"note": ""})
    assert refused.status_code == 422 and reload(sr).call_recorded_at is None
    assert 'id="id_note_error"' in page(refused)
    assert client.post(url(sr, "record-call"), {"note": "Confirmed 10:00"}).status_code == 302
    assert reload(sr).call_note == "Confirmed 10:00"


def test_declining_needs_a_reason(client_as, carol, alice):
    sr = submitted(alice)
    client = client_as(carol)
    assert client.post(url(sr, "decline"), {"decline-reason": ""}).status_code == 422
    assert reload(sr).status == RequestStatus.SUBMITTED
    response = client.post(url(sr, "decline"), {"decline-reason": "Outside our coverage"})
    assert response.status_code == 302
    assert reload(sr).status == RequestStatus.DECLINED


def test_cancelling(client_as, carol, alice, ken):
    sr = approved(alice, carol, ken)
    assert client_as(carol).post(url(sr, "cancel"), {"cancel-reason": "Moved"}).status_code == 302
    sr = reload(sr)
    assert sr.status == RequestStatus.CANCELLED and sr.cancellation_charged


def test_the_ranked_engineers_and_proposing_one(client_as, carol, alice, ken, provider):
    profile = profile_for(ken)
    weekend = engineer(provider, work_days=[5, 6])
    sr = submitted(alice)
    client = client_as(carol)
    response = client.get(url(sr))
    assert [c.profile.public_id for c in response.context["available"]] == [profile.public_id]
    assert weekend.public_id in [c.profile.public_id for c in response.context["unavailable"]]
    assert "¥" in page(response)  # the estimate shown with the form
    done = client.post(url(sr, "propose"), {"engineers": [profile.public_id], "message": "Ken"})
    assert done.status_code == 302
    assert reload(sr).status == RequestStatus.PROPOSED
    assert list(Proposal.objects.get(request=sr).engineers.all()) == [ken]


def test_proposing_the_wrong_number_of_engineers_is_refused_next_to_the_field(
    client_as, carol, alice, ken, provider
):
    first, second = profile_for(ken), engineer(provider)
    sr = submitted(alice)
    response = client_as(carol).post(
        url(sr, "propose"), {"engineers": [first.public_id, second.public_id]}
    )
    assert response.status_code == 422
    assert "propose exactly that many" in page(response)
    assert reload(sr).status == RequestStatus.SUBMITTED
    assert not Proposal.objects.filter(request=sr).exists()


def test_withdrawing_a_proposal(client_as, carol, alice, ken):
    sr, proposal = proposed(alice, carol, ken)
    response = client_as(carol).post(
        url(sr, f"proposals/{proposal.public_id}/withdraw"), {"withdraw-reason": "Wrong day"}
    )
    assert response.status_code == 302
    assert reload(proposal).status == ProposalStatus.WITHDRAWN
    assert reload(sr).status == RequestStatus.SUBMITTED


def test_release_needs_approval(client_as, carol, alice, bob, ken, provider):
    waiting, _ = proposed(alice, carol, ken)
    client = client_as(carol)
    refused = client.post(url(waiting, "release"))
    assert refused.status_code == 422
    assert "approval" in page(refused)
    assert reload(waiting).status == RequestStatus.PROPOSED
    ready = approved(bob, carol, engineer(provider).user)
    assert client.post(url(ready, "release")).status_code == 302
    assert reload(ready).status == RequestStatus.RELEASED


def test_the_timeline_shows_the_requests_history(client_as, carol, alice, ken):
    sr = approved(alice, carol, ken)
    html = page(client_as(carol).get(url(sr)))
    for label in ("Submitted", "Engineers proposed", "Booking confirmed", "Approved"):
        assert label in html


def test_the_request_page_takes_a_fixed_number_of_queries(
    client_as, carol, alice, ken, provider, django_assert_num_queries
):
    profile_for(ken)
    engineer(provider)
    sr = submitted(alice)
    client = client_as(carol)
    with CaptureQueriesContext(connection) as before:
        client.get(url(sr))
    engineer(provider)
    engineer(provider, work_days=[6])
    with django_assert_num_queries(len(before.captured_queries)):
        response = client.get(url(sr))
    assert len(response.context["available"]) + len(response.context["unavailable"]) == 4


def test_renders_in_english_and_japanese(client_as, carol, alice):
    sr = submitted(alice)
    assert "Ask the customer" in page(client_as(carol).get(url(sr)))
    carol.language = "ja"
    carol.save()
    html = page(client_as(carol).get(url(sr)))
    assert "お客様に確認" in html
