"""The API of changes after approval (issue 13 item 5): the customer asks to move a visit, a
coordinator confirms or declines; crew changes; 404 outside the caller's scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from genba.orders.models import Visit, VisitChange
from tests.api.helpers import error_fields, problem
from tests.dispatch.helpers import engineer
from tests.orders.helpers import VISIT_START, approved

pytestmark = pytest.mark.django_db

LATER = (VISIT_START + timedelta(days=1)).isoformat()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _ask(api, request, visit, **body):
    return api.post(
        f"requests/{request.public_id}/visits/{visit.public_id}/changes",
        {"scheduled_start": LATER, "reason": "Our slot moved."} | body,
    )


def test_the_customer_asks_and_the_coordinator_confirms(alice_api, carol_api, alice, carol, ken):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    response = _ask(alice_api, request, visit)
    assert response.status_code == 201, response.content
    change = response.json()
    assert (change["status"], change["actions"], change["late"]) == ("requested", [], False)
    (listed,) = carol_api.get(f"requests/{request.public_id}/changes").json()
    assert listed["actions"] == ["confirm", "decline"]
    response = carol_api.post(f"requests/{request.public_id}/changes/{change['id']}/confirm")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"
    assert Visit.objects.get(pk=visit.pk).scheduled_start == VISIT_START + timedelta(days=1)


def test_decline_needs_a_reason_and_leaves_the_visit(alice_api, carol_api, alice, carol, ken):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    change = _ask(alice_api, request, visit).json()
    path = f"requests/{request.public_id}/changes/{change['id']}/decline"
    assert error_fields(problem(carol_api.post(path, {"reason": " "}), 422)) == ["reason"]
    response = carol_api.post(path, {"reason": "No engineer that day."})
    assert response.json()["status"] == "declined"
    assert Visit.objects.get(pk=visit.pk).scheduled_start == VISIT_START


def test_bad_input_names_the_field(alice_api, alice, carol, ken):
    request = approved(alice, carol, ken)
    response = _ask(alice_api, request, request.visits.get(), reason="")
    assert error_fields(problem(response, 422)) == ["reason"]
    assert not VisitChange.objects.exists()


def test_the_customer_cannot_confirm(alice_api, alice, carol, ken):
    request = approved(alice, carol, ken)
    change = _ask(alice_api, request, request.visits.get()).json()
    response = alice_api.post(f"requests/{request.public_id}/changes/{change['id']}/confirm")
    assert response.status_code == 403


def test_another_organization_gets_404_everywhere(
    alice_api, bob_api, carol_api, alice, carol, ken, provider
):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    change = _ask(alice_api, request, visit).json()
    r, v, c = request.public_id, visit.public_id, change["id"]
    assert bob_api.get(f"requests/{r}/changes").status_code == 404
    assert _ask(bob_api, request, visit).status_code == 404
    # A change id under another request is 404 too, even for a coordinator.
    other = approved(alice, carol, engineer(provider).user)
    assert carol_api.post(f"requests/{other.public_id}/changes/{c}/confirm").status_code == 404
    assert carol_api.post(f"requests/{r}/changes/chg_none000000000/confirm").status_code == 404
    assert bob_api.post(f"requests/{r}/changes/{c}/decline", {"reason": "x"}).status_code in (
        403,
        404,
    )
    assert VisitChange.objects.get(public_id=c).status == "requested"
    # The crew operations: another organization's request is not the customer's to touch.
    assert bob_api.post(f"requests/{r}/visits/{v}/engineers", {"engineer_id": "x"}).status_code in (
        403,
        404,
    )


def test_add_and_remove_an_engineer(carol_api, alice, carol, ken, provider):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    other = engineer(provider)
    base = f"requests/{request.public_id}/visits/{visit.public_id}/engineers"
    response = carol_api.post(base, {"engineer_id": "eng_none000000000"})
    assert error_fields(problem(response, 422)) == ["engineer_id"]
    response = carol_api.post(base, {"engineer_id": other.public_id, "reason": "Two racks"})
    assert response.status_code == 200, response.content
    (doc_visit,) = response.json()["visits"]
    assert "remove_engineer" in doc_visit["actions"]
    response = carol_api.post(f"{base}/{other.public_id}/remove", {"reason": "One is enough"})
    assert response.status_code == 200, response.content
    assert list(Visit.objects.get(pk=visit.pk).assigned_engineers.all()) == [ken]
