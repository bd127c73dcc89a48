"""Rulebook §3: the customer's request page offers exactly what the services would accept now.

For requests in several states, the forms and links on the page (read by their URLs) are compared
with `allowed_actions` and `visit_actions`; then a few of the cases that used to differ."""

from __future__ import annotations

from datetime import timedelta

import pytest

from genba.core import clock
from genba.dispatch.models import ProposalStatus
from genba.orders import services, visit_services
from genba.orders.actions import allowed_actions, visit_actions
from genba.orders.models import RequestStatus, ServiceRequest
from genba.orders.selectors import get_request_for
from tests.orders.helpers import (
    VISIT_START,
    approved,
    new_request,
    on_site,
    proposed,
    released,
    reload,
    submitted,
)
from tests.web.buttons import PORTAL, PORTAL_REQUEST, PORTAL_VISIT, offered

pytestmark = pytest.mark.django_db


def _draft(alice, carol, ken):
    return new_request(alice)


def _submitted(alice, carol, ken):
    return submitted(alice)


def _info_requested(alice, carol, ken):
    request = submitted(alice)
    services.request_ask_info(request=request, by=carol, message="Which rack?")
    return request


def _proposed(alice, carol, ken):
    return proposed(alice, carol, ken)[0]


def _proposed_with_an_error(alice, carol, ken):
    request = _proposed(alice, carol, ken)
    # A gap that appeared after the proposal (a staff correction): approval would be refused.
    ServiceRequest.objects.filter(pk=request.pk).update(languages=[])
    return request


def _approved(alice, carol, ken):
    return approved(alice, carol, ken)


def _released(alice, carol, ken):
    return released(alice, carol, ken)


def _on_site_early(alice, carol, ken):
    return on_site(alice, carol, ken)[0]


def _on_site_after_the_start(alice, carol, ken):
    request, _visit = on_site(alice, carol, ken)
    clock.set_now(VISIT_START + timedelta(hours=1))
    return request


def _completed(alice, carol, ken):
    request, visit = on_site(alice, carol, ken)
    clock.set_now(VISIT_START + timedelta(hours=2))
    visit_services.visit_sign_off(visit=visit, by=alice, signer_name="Taro Yamada")
    return request


def _cancelled(alice, carol, ken):
    request = submitted(alice)
    services.request_cancel(request=request, by=alice, reason="Fixed remotely")
    return request


STATES = [
    _draft,
    _submitted,
    _info_requested,
    _proposed,
    _proposed_with_an_error,
    _approved,
    _released,
    _on_site_early,
    _on_site_after_the_start,
    _completed,
    _cancelled,
]


@pytest.mark.parametrize("state", STATES, ids=lambda f: f.__name__.strip("_"))
def test_the_page_offers_exactly_the_allowed_actions(state, alice, carol, ken, client_as):
    request = state(alice, carol, ken)
    html = client_as(alice).get(f"/portal/requests/{request.public_id}/").content.decode()
    page = offered(html, PORTAL)
    fresh = get_request_for(alice, request.public_id)
    assert page["request"] == allowed_actions(fresh, alice) & PORTAL_REQUEST
    for visit in fresh.visits.all():
        expected = visit_actions(visit, alice) & PORTAL_VISIT
        assert page["visits"].get(visit.public_id, set()) == expected, visit.status


def test_no_approve_button_while_an_error_is_open(alice, carol, ken, client_as):
    request = _proposed_with_an_error(alice, carol, ken)
    html = client_as(alice).get(f"/portal/requests/{request.public_id}/").content.decode()
    page = offered(html, PORTAL)
    assert "approve" not in page["request"] and "decline" in page["request"]
    assert "Approval needs the missing information first" in html


def test_a_proposed_request_can_be_edited_and_says_what_an_edit_does(alice, carol, ken, client_as):
    request, proposal = proposed(alice, carol, ken)
    html = client_as(alice).get(f"/portal/requests/{request.public_id}/").content.decode()
    assert "edit" in offered(html, PORTAL)["request"]
    assert "Changing the request withdraws this proposal" in html
    assert reload(proposal).status == ProposalStatus.OPEN
    assert reload(request).status == RequestStatus.PROPOSED
