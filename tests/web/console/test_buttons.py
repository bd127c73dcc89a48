"""Rulebook §3: the coordinator's request page offers exactly what the services would accept now.

For requests in several states, the page's forms (read by their action URLs) are compared with
`allowed_actions` and, per visit, `visit_actions`; then the cases where the page says why a step
the coordinator expects is not offered."""

from __future__ import annotations

from datetime import timedelta

import pytest

from genba.contracts.models import Policy
from genba.core import clock
from genba.dispatch.models import Proposal
from genba.orders import services, visit_services
from genba.orders.actions import allowed_actions, visit_actions
from genba.orders.models import RequestStatus
from genba.orders.selectors import get_request_for, request_findings
from tests.orders.helpers import (
    VISIT_START,
    approved,
    on_site,
    on_the_day,
    proposed,
    released,
    reload,
    submitted,
)
from tests.web.buttons import CONSOLE, CONSOLE_REQUEST, CONSOLE_VISIT, offered
from tests.web.console.conftest import page

pytestmark = pytest.mark.django_db


def _submitted(alice, carol, ken):
    return submitted(alice)


def _submitted_with_an_error(alice, carol, ken):
    request = submitted(alice, work_description="")
    assert any(f.severity == "error" for f in request_findings(request))
    return request


def _proposed(alice, carol, ken):
    return proposed(alice, carol, ken)[0]


def _approved(alice, carol, ken):
    return approved(alice, carol, ken)


def _approved_reference_required(alice, carol, ken):
    request = approved(alice, carol, ken, reference="")
    Policy.objects.filter(pk=request.policy_id).update(reference_required_before_release=True)
    return request


def _released(alice, carol, ken):
    return released(alice, carol, ken)


def _en_route(alice, carol, ken):
    request = released(alice, carol, ken)
    on_the_day(30)
    visit_services.visit_en_route(visit=request.visits.get(), by=ken)
    return request


def _on_site(alice, carol, ken):
    return on_site(alice, carol, ken)[0]


def _two_visits_one_under_way(alice, carol, ken):
    second = (VISIT_START + timedelta(days=1)).isoformat()
    request = released(
        alice,
        carol,
        ken,
        visits=[
            {"scheduled_start": VISIT_START.isoformat(), "reserved_hours": "3"},
            {"scheduled_start": second, "reserved_hours": "3"},
        ],
    )
    on_the_day(30)
    visit_services.visit_en_route(visit=request.visits.order_by("scheduled_start")[0], by=ken)
    return request


def _completed(alice, carol, ken):
    request, visit = on_site(alice, carol, ken)
    clock.set_now(VISIT_START + timedelta(hours=2))
    visit_services.visit_sign_off(visit=visit, by=alice, signer_name="Taro Yamada")
    return request


def _cancelled(alice, carol, ken):
    request = approved(alice, carol, ken)
    services.request_cancel(request=request, by=carol, reason="Moved")
    return request


STATES = [
    _submitted,
    _submitted_with_an_error,
    _proposed,
    _approved,
    _approved_reference_required,
    _released,
    _en_route,
    _on_site,
    _two_visits_one_under_way,
    _completed,
    _cancelled,
]


@pytest.mark.parametrize("state", STATES, ids=lambda f: f.__name__.strip("_"))
def test_the_page_offers_exactly_the_allowed_actions(state, alice, carol, ken, client_as):
    request = state(alice, carol, ken)
    html = page(client_as(carol).get(f"/console/requests/{request.public_id}/"))
    shown = offered(html, CONSOLE)
    fresh = get_request_for(carol, request.public_id)
    assert shown["request"] == allowed_actions(fresh, carol) & CONSOLE_REQUEST
    for visit in fresh.visits.all():
        expected = visit_actions(visit, carol) & CONSOLE_VISIT
        assert shown["visits"].get(visit.public_id, set()) == expected, visit.status


def test_no_proposal_form_while_an_error_is_open_and_the_page_says_why(
    alice, carol, ken, client_as
):
    request = _submitted_with_an_error(alice, carol, ken)
    client = client_as(carol)
    html = page(client.get(f"/console/requests/{request.public_id}/"))
    assert "/propose/" not in html
    checklist = html.split('id="checklist-h"')[1].split("</section>")[0]
    assert 'id="propose-blocked"' in checklist and "No proposal while an error is open" in checklist
    # Posted anyway (an old tab): the service refuses and nothing is proposed.
    refused = client.post(f"/console/requests/{request.public_id}/propose/", {"engineers": []})
    assert refused.status_code == 422
    assert not Proposal.objects.filter(request=request).exists()
    assert reload(request).status == RequestStatus.SUBMITTED


def test_the_release_says_why_it_is_not_offered(alice, carol, ken, client_as):
    request = _approved_reference_required(alice, carol, ken)
    html = page(client_as(carol).get(f"/console/requests/{request.public_id}/"))
    assert "/release/" not in html
    assert 'id="release-blocked"' in html
    assert "The policy needs the customer&#x27;s reference before release." in html


def test_the_blocked_proposal_speaks_japanese(alice, carol, ken, client_as):
    request = _submitted_with_an_error(alice, carol, ken)
    carol.language = "ja"
    carol.save()
    html = page(client_as(carol).get(f"/console/requests/{request.public_id}/"))
    assert "未解決のエラーがある間は提案できません" in html
