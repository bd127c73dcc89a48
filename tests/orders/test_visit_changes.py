"""The customer asks to move an approved visit; a coordinator confirms (the reschedule runs) or
declines; a move confirmed within `late_change_hours` of the original start charges the original
slot as a cancellation after approval (issue 13 item 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import translation

from genba.core import clock
from genba.core.errors import NotAllowed, TransitionRefused, ValidationFailed
from genba.core.models import AuditEvent
from genba.dispatch.bookings import BookingConflict
from genba.dispatch.models import Booking, BookingStatus
from genba.orders.models import ChangeStatus, Visit, VisitChange
from genba.orders.pricing_bridge import quote_for
from genba.orders.visit_changes import (
    visit_change_confirm,
    visit_change_decline,
    visit_change_request,
)
from tests.orders.helpers import VISIT_START, approved, reload, submitted

pytestmark = pytest.mark.django_db

LATER = VISIT_START + timedelta(days=1)
REASON = "The data center moved our slot."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _visit_state(visit):
    visit = Visit.objects.get(pk=visit.pk)
    bookings = list(
        Booking.objects.filter(visit=visit).values_list("status", "starts_at", "ends_at")
    )
    return (visit.scheduled_start, visit.reserved_hours, visit.calendar_sequence, bookings)


def _ask(alice, visit, **overrides):
    fields = {"scheduled_start": LATER, "reason": REASON} | overrides
    return visit_change_request(visit=visit, by=alice, **fields)


def test_the_customer_asks_and_the_coordinator_confirms(alice, carol, ken):
    visit = approved(alice, carol, ken).visits.get()
    before = _visit_state(visit)
    change = _ask(alice, visit)
    assert change.status == ChangeStatus.REQUESTED
    assert _visit_state(visit) == before  # nothing moves until confirmed
    assert AuditEvent.objects.filter(object_id=change.public_id, action="change_requested")
    visit_change_confirm(change=change, by=carol)
    change = reload(change)
    assert change.status == ChangeStatus.CONFIRMED and not change.late
    assert change.original_start == VISIT_START
    start, _hours, sequence, bookings = _visit_state(visit)
    assert start == LATER and sequence == 1
    assert [(s, b) for s, b, _e in bookings] == [(BookingStatus.CONFIRMED, LATER)]
    event = AuditEvent.objects.get(object_id=change.public_id, action="change_confirmed")
    assert (event.from_state, event.to_state) == ("requested", "confirmed")
    assert AuditEvent.objects.filter(object_id=visit.public_id, action="rescheduled").exists()


def test_the_coordinator_declines_with_a_reason(alice, carol, ken):
    visit = approved(alice, carol, ken).visits.get()
    change = _ask(alice, visit)
    before = _visit_state(visit)
    with pytest.raises(ValidationFailed) as refused:
        visit_change_decline(change=change, by=carol, reason=" ")
    assert refused.value.problems[0].field == "reason"
    visit_change_decline(change=change, by=carol, reason="No engineer that day.")
    change = reload(change)
    assert change.status == ChangeStatus.DECLINED
    assert change.decline_reason == "No engineer that day."
    assert _visit_state(visit) == before
    with pytest.raises(TransitionRefused):
        visit_change_confirm(change=change, by=carol)


def test_bad_input_names_the_field_and_changes_nothing(alice, carol, ken):
    visit = approved(alice, carol, ken).visits.get()
    for overrides, field in (
        ({"scheduled_start": clock.now() - timedelta(hours=1)}, "scheduled_start"),
        ({"scheduled_start": None}, "scheduled_start"),
        ({"reason": ""}, "reason"),
        ({"reserved_hours": 25}, "reserved_hours"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            _ask(alice, visit, **overrides)
        assert [p.field for p in refused.value.problems] == [field]
    assert not VisitChange.objects.exists()


def test_roles_and_states(alice, bob, carol, ken, bill):
    visit = approved(alice, carol, ken).visits.get()
    for who in (bob, carol, ken, bill):
        with pytest.raises(NotAllowed):
            _ask(who, visit)
    first = _ask(alice, visit)
    change = _ask(alice, visit, scheduled_start=LATER + timedelta(hours=2))
    # The latest ask replaces the one still requested: one open change per visit.
    assert reload(first).status == ChangeStatus.DECLINED
    assert AuditEvent.objects.filter(object_id=first.public_id, action="change_superseded")
    for who in (alice, ken, bill):
        with pytest.raises(NotAllowed):
            visit_change_confirm(change=change, by=who)
        with pytest.raises(NotAllowed):
            visit_change_decline(change=change, by=who, reason="no")
    draft = submitted(alice).visits.get()
    with pytest.raises(TransitionRefused):
        _ask(alice, draft)  # before approval the customer edits the order


def test_a_refused_move_leaves_the_change_the_visit_and_the_booking(
    alice, bob, carol, ken, provider
):
    visit = approved(alice, carol, ken).visits.get()
    # Ken is confirmed elsewhere on the Wednesday morning.
    other = approved(bob, carol, ken, visits=[{"scheduled_start": LATER.isoformat()}])
    assert reload(other).status == "approved"
    change = _ask(alice, visit)
    before = _visit_state(visit)
    audit_rows = AuditEvent.objects.count()
    with pytest.raises(BookingConflict):
        visit_change_confirm(change=change, by=carol)
    assert reload(change).status == ChangeStatus.REQUESTED
    assert _visit_state(visit) == before
    assert AuditEvent.objects.count() == audit_rows


def test_a_late_change_charges_the_original_slot_as_a_cancellation(alice, carol, ken):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    estimate = quote_for(request, estimate=True)
    clock.set_now(VISIT_START - timedelta(hours=23))  # inside the 24 hours of the preset
    assert request.policy.late_change_hours == 24
    change = _ask(alice, visit)
    visit_change_confirm(change=change, by=carol)
    change = reload(change)
    assert change.late and change.original_start == VISIT_START
    quote = quote_for(reload(request), estimate=False)
    late = [line for line in quote.lines if line.visit == 2]
    assert late and all(line.kind == "reservation" for line in late)
    assert late[0].start == VISIT_START
    # The moved visit costs what the original did (same weekday hours), plus the late charge.
    assert quote.subtotal == 2 * estimate.subtotal


def test_a_change_confirmed_in_time_is_not_charged(alice, carol, ken):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    estimate = quote_for(request, estimate=True)
    clock.set_now(VISIT_START - timedelta(hours=24))  # exactly the limit: not late
    visit_change_confirm(change=_ask(alice, visit), by=carol)
    assert quote_for(reload(request), estimate=True).subtotal == estimate.subtotal


def test_a_confirmed_change_moves_everyones_calendar_entry(
    alice, carol, ken, django_capture_on_commit_callbacks
):
    from django.core import mail
    from icalendar import Calendar

    from genba.orders import services
    from tests.messaging.visit_changes import run_queued

    request = approved(alice, carol, ken)
    services.request_release(request=reload(request), by=carol)
    visit = request.visits.get()
    change = _ask(alice, visit)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        visit_change_confirm(change=change, by=carol)
    run_queued()
    told = {m.to[0]: m for m in mail.outbox}
    assert {"alice@acme.example", ken.email} <= set(told)
    for address in ("alice@acme.example", ken.email):
        (ics,) = [a for a in told[address].attachments if a[2].startswith("text/calendar")]
        content = ics[1] if isinstance(ics[1], bytes) else ics[1].encode()
        (event,) = Calendar.from_ical(content).walk("VEVENT")
        assert str(event["UID"]) == f"{visit.public_id}@genba"
        assert int(event["SEQUENCE"]) == 1
        assert event.decoded("DTSTART") == LATER
