"""Adding or removing an engineer on an approved visit (issue 13 item 5): the checks a proposal
runs, the booking made or cancelled in the same transaction, the request's crew size, the
announcement and the calendar SEQUENCE; a refusal changes nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation
from icalendar import Calendar

from genba.core.errors import NotAllowed, TransitionRefused, ValidationFailed
from genba.core.models import AuditEvent
from genba.dispatch.bookings import BookingConflict
from genba.dispatch.models import Booking, BookingStatus, Leave
from genba.dispatch.reassign import visit_engineer_add, visit_engineer_remove
from genba.orders.actions import visit_actions
from genba.orders.models import ServiceRequest, Visit
from tests.dispatch.helpers import engineer
from tests.messaging.visit_changes import run_queued
from tests.orders.action_calls import fresh_visit
from tests.orders.helpers import approved, new_request, released

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _state(request):
    visit = Visit.objects.get(request=request)
    return (
        ServiceRequest.objects.get(pk=request.pk).engineers,
        sorted(e.pk for e in visit.assigned_engineers.all()),
        sorted(
            Booking.objects.filter(visit=visit, status=BookingStatus.CONFIRMED).values_list(
                "engineer_id", flat=True
            )
        ),
        visit.calendar_sequence,
        AuditEvent.objects.count(),
    )


def test_an_engineer_is_added_with_a_booking_and_the_sequence_raised(alice, carol, ken, provider):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    other = engineer(provider).user
    assert "add_engineer" in visit_actions(fresh_visit(visit.pk), carol)
    assert "remove_engineer" not in visit_actions(fresh_visit(visit.pk), carol)
    visit_engineer_add(visit=visit, engineer=other, by=carol, reason="Two racks")
    engineers, crew, booked, sequence, _ = _state(request)
    assert engineers == 2 and crew == booked == sorted([ken.pk, other.pk]) and sequence == 1
    ken_booking = Booking.objects.get(visit=visit, engineer=ken, status=BookingStatus.CONFIRMED)
    new = Booking.objects.get(visit=visit, engineer=other, status=BookingStatus.CONFIRMED)
    assert (new.starts_at, new.ends_at) == (ken_booking.starts_at, ken_booking.ends_at)
    event = AuditEvent.objects.filter(object_id=visit.public_id, action="reassigned").latest("id")
    assert event.data["change"] == "engineer_added" and event.data["to"] == other.email
    assert event.reason == "Two racks"
    assert "remove_engineer" in visit_actions(fresh_visit(visit.pk), carol)


def test_an_engineer_is_removed_and_the_booking_cancelled(alice, carol, ken, provider):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    other = engineer(provider).user
    visit_engineer_add(visit=visit, engineer=other, by=carol)
    visit_engineer_remove(visit=Visit.objects.get(pk=visit.pk), engineer=ken, by=carol)
    engineers, crew, booked, sequence, _ = _state(request)
    assert engineers == 1 and crew == booked == [other.pk] and sequence == 2
    assert Booking.objects.get(visit=visit, engineer=ken).status == BookingStatus.CANCELLED
    event = AuditEvent.objects.filter(object_id=visit.public_id, action="reassigned").latest("id")
    assert event.data["change"] == "engineer_removed" and event.data["from"] == ken.email


def test_an_unfit_engineer_is_refused_and_nothing_changes(alice, bob, carol, ken, provider):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    busy = engineer(provider).user
    approved(bob, carol, busy)  # the same Tuesday morning
    on_leave = engineer(provider).user
    Leave.objects.create(
        engineer=on_leave,
        starts_at="2026-12-08T00:00:00+09:00",
        ends_at="2026-12-09T00:00:00+09:00",
    )
    before = _state(request)
    for who in (busy, on_leave):
        with pytest.raises(BookingConflict):
            visit_engineer_add(visit=visit, engineer=who, by=carol)
        assert _state(request) == before


def test_bad_input_names_the_field_and_changes_nothing(alice, carol, ken, bill, provider):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    before = _state(request)
    for who, code in ((bill, "role"), (ken, "same")):
        with pytest.raises(ValidationFailed) as refused:
            visit_engineer_add(visit=visit, engineer=who, by=carol)
        assert [(p.field, p.code) for p in refused.value.problems] == [("engineer_id", code)]
    with pytest.raises(ValidationFailed) as refused:
        visit_engineer_remove(visit=visit, engineer=engineer(provider).user, by=carol)
    assert refused.value.problems[0].field == "engineer_id"
    with pytest.raises(TransitionRefused):
        visit_engineer_remove(visit=visit, engineer=ken, by=carol)  # the last one
    assert _state(request) == before


def test_only_coordinators_and_only_after_approval(alice, carol, ken, bill, provider):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    other = engineer(provider).user
    for who in (alice, ken, bill):
        with pytest.raises(NotAllowed):
            visit_engineer_add(visit=visit, engineer=other, by=who)
    draft = new_request(alice).visits.get()
    with pytest.raises(TransitionRefused):
        visit_engineer_add(visit=draft, engineer=other, by=carol)


def test_the_crew_change_is_told_with_the_same_uid_and_a_higher_sequence(
    alice, carol, ken, provider, django_capture_on_commit_callbacks
):
    request = released(alice, carol, ken)
    visit = request.visits.get()
    other = engineer(provider).user
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        visit_engineer_add(visit=visit, engineer=other, by=carol)
    run_queued()

    def event(address, method):
        (message,) = [m for m in mail.outbox if m.to == [address]]
        (ics,) = [a for a in message.attachments if a[2].startswith("text/calendar")]
        assert ics[2] == f"text/calendar; method={method}"
        content = ics[1] if isinstance(ics[1], bytes) else ics[1].encode()
        (found,) = Calendar.from_ical(content).walk("VEVENT")
        return found

    for address in ("alice@acme.example", other.email):
        found = event(address, "REQUEST")
        assert (str(found["UID"]), int(found["SEQUENCE"])) == (f"{visit.public_id}@genba", 1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        visit_engineer_remove(visit=Visit.objects.get(pk=visit.pk), engineer=other, by=carol)
    run_queued()
    found = event(other.email, "CANCEL")
    assert (str(found["UID"]), int(found["SEQUENCE"])) == (f"{visit.public_id}@genba", 2)
    found = event("alice@acme.example", "REQUEST")
    assert int(found["SEQUENCE"]) == 2
