"""What a calendar feed holds: a visit is CONFIRMED only once the customer approved; TENTATIVE while
a proposal is open (for the customer and the engineers on it); nothing before or after that, and
nothing once the visit is cancelled."""

from __future__ import annotations

import pytest
from django.test import Client
from icalendar import Calendar

from genba.api.messaging import visits_for_feed
from genba.dispatch import services as dispatch
from genba.messaging.calendar import APPROVED_STATUSES, feed
from genba.orders import services, visit_services
from genba.orders.models import RequestStatus, ServiceRequest
from tests.factories import UserFactory
from tests.messaging.visit_changes import dispatchable
from tests.orders.helpers import approved, new_request, proposed, released, submitted

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def engineers_on_call(ken):
    dispatchable(ken)


@pytest.fixture
def mei(provider):
    user = UserFactory(
        email="mei@genba.example", first_name="Mei", organization=provider, role="engineer"
    )
    dispatchable(user)
    return user


def events(user) -> dict[str, str]:
    """The user's feed as it is served: {request id in the summary: STATUS}."""
    cal = Calendar.from_ical(feed(visits_for_feed(user)))
    return {
        str(e["SUMMARY"]).split("]")[0].lstrip("["): str(e["STATUS"]) for e in cal.walk("VEVENT")
    }


def test_a_draft_and_a_submitted_request_are_in_no_feed(alice, carol, ken):
    draft = new_request(alice)
    waiting = submitted(alice)
    for user in (alice, carol, ken):
        assert draft.public_id not in events(user)
        assert waiting.public_id not in events(user)


def test_a_proposal_is_tentative_for_the_customer_and_the_engineer_on_it(alice, carol, ken, mei):
    request, _ = proposed(alice, carol, ken)
    assert events(alice)[request.public_id] == "TENTATIVE"
    assert events(ken)[request.public_id] == "TENTATIVE"
    assert events(carol)[request.public_id] == "TENTATIVE"
    assert request.public_id not in events(mei)  # not on the proposal


def test_a_declined_proposal_leaves_the_feeds(alice, carol, ken):
    request, proposal = proposed(alice, carol, ken)
    dispatch.proposal_decline(proposal=proposal, by=alice, reason="Too late in the day")
    assert request.public_id not in events(alice)
    assert request.public_id not in events(ken)


def test_approval_confirms(alice, carol, ken, mei):
    request = approved(alice, carol, ken)
    assert events(alice)[request.public_id] == "CONFIRMED"
    assert events(ken)[request.public_id] == "CONFIRMED"
    assert request.public_id not in events(mei)


def test_a_cancelled_visit_and_a_cancelled_request_leave_the_feeds(alice, carol, ken):
    one = released(alice, carol, ken)
    visit_services.visit_cancel(visit=one.visits.get(), by=carol, reason="Not needed")
    other = approved(alice, carol, ken)
    services.request_cancel(request=other, by=alice, reason="Budget")
    for user in (alice, carol, ken):
        assert one.public_id not in events(user)
        assert other.public_id not in events(user)


@pytest.mark.parametrize("status", list(RequestStatus))
def test_confirmed_only_for_an_approved_request(alice, carol, ken, status):
    """Whatever a feed's query lets through, the event says CONFIRMED only of an approved one."""
    request = approved(alice, carol, ken)
    ServiceRequest.objects.filter(pk=request.pk).update(status=status)
    visits = request.visits.select_related("request__site", "request__policy")
    found = [str(e["STATUS"]) for e in Calendar.from_ical(feed(visits)).walk("VEVENT")]
    if status in APPROVED_STATUSES:
        assert found == ["CONFIRMED"]
    elif status == RequestStatus.PROPOSED:
        assert found == ["TENTATIVE"]
    else:
        assert found == []


def test_the_served_feed_carries_the_sequence(api_as, alice, carol, ken):
    from genba.orders.models import Visit

    request = approved(alice, carol, ken)
    Visit.objects.filter(request=request).update(calendar_sequence=3)
    url = api_as(ken).post("calendar-feeds").json()["url"]
    response = Client().get(url.split("127.0.0.1:8000", 1)[1])
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert (int(event["SEQUENCE"]), str(event["STATUS"])) == (3, "CONFIRMED")
    assert "ORGANIZER" not in event  # a feed publishes; it invites no one
