"""Calendar invitations are iTIP messages (RFC 5546): METHOD:REQUEST from the provider's sending
address (ORGANIZER) to named ATTENDEEs, one stable UID per visit and the visit's SEQUENCE; a
cancelled visit, or an engineer taken off one, gets METHOD:CANCEL. A visit given to another
engineer or moved in time tells the customer who comes and when, and the engineers' calendars
follow."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core import mail
from icalendar import Calendar

from genba.core.models import AuditEvent
from genba.messaging.models import Notification
from genba.messaging.notify import notify_event
from genba.orders import services, visit_services
from genba.orders.models import Visit
from tests.factories import UserFactory
from tests.messaging.visit_changes import dispatchable, reassign, reschedule, run_queued
from tests.orders.helpers import approved, proposed, released

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def engineers_on_call(ken):
    dispatchable(ken)


@pytest.fixture
def mei(provider):
    user = UserFactory(
        email="mei@genba.example",
        first_name="Mei",
        last_name="Tanaka",
        organization=provider,
        role="engineer",
        language="ja",
    )
    dispatchable(user)
    return user


def _notify(obj, action):
    return notify_event(
        AuditEvent.objects.filter(object_id=obj.public_id, action=action).latest("id").pk
    )


def to(address):
    return [m for m in mail.outbox if m.to == [address]]


def only(address):
    (message,) = to(address)
    return message


def event_of(message, method):
    """The one calendar attachment of a message, parsed back: (its METHOD, its VEVENT)."""
    (ics,) = [a for a in message.attachments if a[2].startswith("text/calendar")]
    name, content, mimetype = ics
    assert mimetype == f"text/calendar; method={method}"
    cal = Calendar.from_ical(content if isinstance(content, bytes) else content.encode())
    (event,) = cal.walk("VEVENT")
    return str(cal["METHOD"]), event


def attendees(event) -> dict[str, dict]:
    found = event.get("ATTENDEE")
    found = found if isinstance(found, list) else [found]
    return {str(a).removeprefix("mailto:"): dict(a.params) for a in found}


def test_the_invitation_names_organizer_attendees_and_sequence(alice, carol, ken):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    _notify(request, "approved")
    method, event = event_of(only("alice@acme.example"), "REQUEST")
    assert method == "REQUEST"
    assert str(event["ORGANIZER"]) == "mailto:support@genba.example"
    assert str(event["ORGANIZER"].params["CN"]) == "Genba"
    assert str(event["UID"]) == f"{visit.public_id}@genba"
    assert (int(event["SEQUENCE"]), str(event["STATUS"])) == (0, "CONFIRMED")
    assert "DTSTAMP" in event
    people = attendees(event)
    assert people["ken@genba.example"]["ROLE"] == "REQ-PARTICIPANT"  # the one who goes
    assert people["alice@acme.example"]["ROLE"] == "NON-PARTICIPANT"  # kept informed
    assert all(p["RSVP"] == "FALSE" and p["PARTSTAT"] == "ACCEPTED" for p in people.values())


def test_the_engineer_finds_himself_among_the_attendees(alice, carol, ken):
    request = approved(alice, carol, ken)
    _notify(request, "approved")
    _, event = event_of(only("ken@genba.example"), "REQUEST")
    assert list(attendees(event)) == ["ken@genba.example"]


def test_each_visit_has_its_own_invitation(alice, carol, ken):
    from tests.factories import complete_order

    second = {**complete_order()["visits"][0], "scheduled_start": "2026-12-09T10:00:00+09:00"}
    visits = [complete_order()["visits"][0], second]
    request = approved(alice, carol, ken, visits=visits)
    _notify(request, "approved")
    customer = only("alice@acme.example")
    uids = set()
    for _name, content, _mimetype in customer.attachments:
        (event,) = Calendar.from_ical(content.encode()).walk("VEVENT")
        uids.add(str(event["UID"]))
    assert uids == {f"{v.public_id}@genba" for v in request.visits.all()}


def test_a_cancelled_visit_sends_cancel_to_everyone_invited(alice, carol, ken):
    request = released(alice, carol, ken)
    visit = request.visits.get()
    visit_services.visit_cancel(visit=visit, by=carol, reason="Fixed remotely")
    visit = Visit.objects.get(pk=visit.pk)
    assert _notify(visit, "cancelled") == 3
    for address in ("alice@acme.example", "jane@acme.example", "ken@genba.example"):
        message = only(address)
        assert "cancelled" in message.subject and "Fixed remotely" in message.body
        method, event = event_of(message, "CANCEL")
        assert str(event["STATUS"]) == "CANCELLED"
        assert str(event["UID"]) == f"{visit.public_id}@genba"
        assert int(event["SEQUENCE"]) == visit.calendar_sequence
        assert str(event["ORGANIZER"]) == "mailto:support@genba.example"


def test_a_cancelled_request_cancels_each_visit_once(alice, carol, ken):
    request = approved(alice, carol, ken)
    services.request_cancel(request=request, by=alice, reason="Budget")
    for event in AuditEvent.objects.filter(action="cancelled").order_by("id"):
        notify_event(event.pk)
    assert len(to("ken@genba.example")) == 1
    assert len(to("alice@acme.example")) == 1
    event_of(only("ken@genba.example"), "CANCEL")


def test_a_request_cancelled_before_approval_sends_no_cancel(alice, carol, ken):
    request, _ = proposed(alice, carol, ken)
    services.request_cancel(request=request, by=alice)
    for event in AuditEvent.objects.filter(action="cancelled"):
        notify_event(event.pk)
    assert not [m for m in mail.outbox if m.attachments]


def test_a_reassigned_visit(alice, carol, ken, mei, django_capture_on_commit_callbacks):
    request = released(alice, carol, ken)
    visit = request.visits.get()
    _notify(request, "approved")  # Ken holds the invitation
    mail.outbox.clear()
    reassign(django_capture_on_commit_callbacks, visit, by=carol, old=ken, new=mei)
    run_queued()
    # The customer hears who comes now and when, with the updated invitation.
    customer = only("alice@acme.example")
    assert "Engineer changed" in customer.subject
    assert "Who comes: Mei Tanaka" in customer.body and "Ken" not in customer.body
    assert "When: 2026-12-08 10:00 JST" in customer.body
    _, event = event_of(customer, "REQUEST")
    assert int(event["SEQUENCE"]) == 1
    assert set(attendees(event)) == {"mei@genba.example", "alice@acme.example"}
    # The newcomer is assigned, in Japanese, with the invitation.
    newcomer = only("mei@genba.example")
    assert "訪問のアサイン" in newcomer.subject
    method, event = event_of(newcomer, "REQUEST")
    assert (int(event["SEQUENCE"]), str(event["STATUS"])) == (1, "CONFIRMED")
    # The engineer taken off gets the cancellation of his calendar entry, and only his.
    gone = only("ken@genba.example")
    assert "no longer on this visit" in gone.subject
    method, event = event_of(gone, "CANCEL")
    assert (int(event["SEQUENCE"]), str(event["STATUS"])) == (1, "CANCELLED")
    assert str(event["UID"]) == f"{visit.public_id}@genba"
    assert list(attendees(event)) == ["ken@genba.example"]


def test_a_reassign_told_by_a_late_job_invites_only_who_is_on_the_visit(
    alice, carol, ken, mei, django_capture_on_commit_callbacks
):
    """Handed from Ken to Mei and back before the worker ran: Ken is not cancelled, Mei not
    invited; the customer is told once, of the crew as it is."""
    request = released(alice, carol, ken)
    visit = request.visits.get()
    _notify(request, "approved")
    mail.outbox.clear()
    reassign(django_capture_on_commit_callbacks, visit, by=carol, old=ken, new=mei)
    reassign(django_capture_on_commit_callbacks, visit, by=carol, old=mei, new=ken)
    run_queued()
    assert len(to("alice@acme.example")) == 1
    assert "Who comes: Ken Sato" in only("alice@acme.example").body
    assert to("mei@genba.example") == []
    # Ken's calendar gets the current version (raised SEQUENCE); nothing tells him he left.
    _, event = event_of(only("ken@genba.example"), "REQUEST")
    assert int(event["SEQUENCE"]) == 2


def test_a_rescheduled_visit(alice, carol, ken, django_capture_on_commit_callbacks):
    alice.time_zone = "Europe/London"
    alice.save()
    request = released(alice, carol, ken)
    visit = request.visits.get()
    later = datetime.fromisoformat("2026-12-09T14:00:00+09:00")
    reschedule(django_capture_on_commit_callbacks, visit, by=carol, start=later)
    run_queued()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "alice@acme.example",
        "jane@acme.example",
        "ken@genba.example",
    ]
    customer = only("alice@acme.example")
    assert "Now: 2026-12-09 14:00 JST (2026-12-09 05:00 Europe/London)" in customer.body
    assert "Was: 2026-12-08 10:00 JST" in customer.body
    for message in mail.outbox:
        _, event = event_of(message, "REQUEST")
        assert int(event["SEQUENCE"]) == 1
        assert event.decoded("DTSTART") == later
    assert "Now: 2026-12-09 14:00 JST\n" in only("ken@genba.example").body


def test_a_change_told_twice_is_sent_once(alice, carol, ken, django_capture_on_commit_callbacks):
    visit = released(alice, carol, ken).visits.get()
    later = datetime.fromisoformat("2026-12-09T14:00:00+09:00")
    reschedule(django_capture_on_commit_callbacks, visit, by=carol, start=later)
    event = AuditEvent.objects.get(action="rescheduled")
    assert notify_event(event.pk) == 3
    assert notify_event(event.pk) == 0
    assert Notification.objects.filter(kind="rescheduled").count() == 3


def test_the_dispatch_services_are_told_end_to_end(
    alice, carol, ken, mei, django_capture_on_commit_callbacks
):
    """The coordinator's own reassign and reschedule (genba.dispatch.reassign), through the
    signal and the queued job, reach the same messages."""
    from genba.dispatch.reassign import visit_reassign, visit_reschedule

    request = released(alice, carol, ken)
    visit = request.visits.get()
    _notify(request, "approved")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        visit_reassign(visit=visit, engineers=[mei], by=carol, reason="Ken is ill")
    run_queued()
    assert "Who comes: Mei Tanaka" in only("alice@acme.example").body
    assert event_of(only("mei@genba.example"), "REQUEST")[1]["SEQUENCE"] == 1
    assert event_of(only("ken@genba.example"), "CANCEL")[1]["SEQUENCE"] == 1
    mail.outbox.clear()
    later = datetime.fromisoformat("2026-12-08T14:00:00+09:00")
    with django_capture_on_commit_callbacks(execute=True):
        visit_reschedule(visit=Visit.objects.get(pk=visit.pk), scheduled_start=later, by=carol)
    run_queued()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "alice@acme.example",
        "jane@acme.example",
        "mei@genba.example",
    ]
    _, event = event_of(only("mei@genba.example"), "REQUEST")
    assert (int(event["SEQUENCE"]), event.decoded("DTSTART")) == (2, later)
