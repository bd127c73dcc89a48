"""The dispatch board's reassignment: a confirmed visit moves to another engineer, or nothing moves."""

from __future__ import annotations

import pytest
from django.utils import translation

from genba.core.errors import NotAllowed, TransitionRefused, ValidationFailed
from genba.core.models import AuditEvent
from genba.dispatch.bookings import BookingConflict
from genba.dispatch.models import Booking, BookingStatus, Leave
from genba.dispatch.reassign import booking_reassign
from tests.dispatch.helpers import engineer
from tests.orders.helpers import approved, reload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # A page test before this one may leave Japanese active (middleware activates per request).
    with translation.override("en"):
        yield


def _confirmed(request):
    return Booking.objects.get(visit__request=request, status=BookingStatus.CONFIRMED)


def test_a_confirmed_visit_moves_to_a_free_engineer(alice, carol, ken, provider):
    request = approved(alice, carol, ken)
    other = engineer(provider).user
    old = _confirmed(request)
    new = booking_reassign(booking=old, engineer=other, by=carol, reason="Ken is ill")
    assert reload(old).status == BookingStatus.CANCELLED
    assert new.status == BookingStatus.CONFIRMED and new.engineer == other
    assert (new.starts_at, new.ends_at) == (old.starts_at, old.ends_at)
    visit = request.visits.get()
    assert list(visit.assigned_engineers.all()) == [other]
    event = AuditEvent.objects.get(action="reassigned", object_id=visit.public_id)
    assert event.data["from"] == ken.email and event.data["to"] == other.email
    assert event.reason == "Ken is ill"


def test_an_engineer_booked_at_that_time_is_refused_and_nothing_changes(
    alice, bob, carol, ken, provider
):
    other = engineer(provider).user
    first = approved(alice, carol, ken)
    approved(bob, carol, other)  # the same Tuesday morning
    old = _confirmed(first)
    with pytest.raises(BookingConflict) as refused:
        booking_reassign(booking=old, engineer=other, by=carol)
    assert "already booked" in refused.value.message
    assert reload(old).status == BookingStatus.CONFIRMED
    assert list(first.visits.get().assigned_engineers.all()) == [ken]
    assert not AuditEvent.objects.filter(action="reassigned").exists()


def test_an_engineer_on_leave_is_refused(alice, carol, ken, provider):
    request = approved(alice, carol, ken)
    other = engineer(provider).user
    Leave.objects.create(
        engineer=other, starts_at="2026-12-08T00:00:00+09:00", ends_at="2026-12-09T00:00:00+09:00"
    )
    with pytest.raises(BookingConflict):
        booking_reassign(booking=_confirmed(request), engineer=other, by=carol)
    assert _confirmed(request).engineer == ken


def test_only_coordinators_reassign_and_only_to_engineers(alice, carol, ken, bill, provider):
    request = approved(alice, carol, ken)
    other = engineer(provider).user
    with pytest.raises(NotAllowed):
        booking_reassign(booking=_confirmed(request), engineer=other, by=bill)
    with pytest.raises(ValidationFailed):
        booking_reassign(booking=_confirmed(request), engineer=bill, by=carol)
    with pytest.raises(TransitionRefused):
        booking_reassign(booking=_confirmed(request), engineer=ken, by=carol)
    assert _confirmed(request).engineer == ken
