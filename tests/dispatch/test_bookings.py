"""No engineer is ever booked twice: the locked check with travel time (SQLite and PostgreSQL) and
the exclusion constraint (PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from genba.core.errors import TransitionRefused
from genba.dispatch import services as dispatch
from genba.dispatch.bookings import BookingConflict, book_engineer, booking_window
from genba.dispatch.models import Booking, BookingStatus
from genba.dispatch.travel import travel_minutes
from genba.orders.models import RequestStatus
from tests.orders.helpers import approved, proposed, reload, submitted

pytestmark = pytest.mark.django_db


def test_travel_minutes_round_up_and_include_the_fixed_overhead():
    tokyo, shinjuku = (35.681236, 139.767125), (35.690921, 139.700258)
    assert travel_minutes(tokyo, tokyo) == 15
    # About 6.1 km at 30 km/h = 12.3 min, + 15 = 27.3 → 28.
    assert travel_minutes(tokyo, shinjuku) == 28


def test_the_booking_window_is_the_reservation_plus_grace(alice, ecorpone):
    from tests.orders.helpers import new_request

    visit = new_request(
        alice, visits=[{"scheduled_start": "2026-12-08T10:00:00+09:00", "reserved_hours": "1"}]
    ).visits.get()
    start, end = booking_window(visit, ecorpone)
    assert (end - start) == timedelta(hours=2, minutes=30)  # minimum 2 h + 30 min grace


def test_approval_confirms_the_proposed_bookings(alice, carol, ken):
    request = approved(alice, carol, ken)
    booking = Booking.objects.get(visit__request=request)
    assert booking.status == BookingStatus.CONFIRMED
    assert booking.engineer == ken


def test_a_proposal_for_an_engineer_confirmed_elsewhere_is_refused(alice, bob, carol, ken):
    approved(alice, carol, ken)
    other = submitted(bob)
    with pytest.raises(BookingConflict) as refused:
        dispatch.proposal_create(request=other, by=carol, engineers=[ken])
    assert "already booked" in refused.value.message
    assert reload(other).status == RequestStatus.SUBMITTED


def test_a_proposal_cannot_be_approved_once_its_engineer_was_booked_elsewhere(
    alice, bob, carol, ken
):
    first, first_offer = proposed(alice, carol, ken)
    second, second_offer = proposed(bob, carol, ken)  # proposed bookings hold nothing
    dispatch.proposal_approve(proposal=second_offer, by=bob)
    with pytest.raises(BookingConflict):
        dispatch.proposal_approve(proposal=first_offer, by=alice)
    assert reload(first).status == RequestStatus.PROPOSED
    assert not Booking.objects.filter(visit__request=first, status=BookingStatus.CONFIRMED).exists()


def test_travel_time_between_consecutive_visits_is_checked(alice, bob, carol, ken):
    approved(alice, carol, ken)  # Otemachi, 10:00–13:30 (3 h + 30 min grace)
    osaka = {
        "name": "Osaka",
        "postal_code": "530-0001",
        "prefecture": "Osaka",
        "city": "Kita-ku",
        "street": "1-1",
        "floor": "3",
        "entry_instructions": "Front desk",
        "maps_url": "https://maps.app.goo.gl/x",
    }
    later_same_day = [{"scheduled_start": "2026-12-08T14:00:00+09:00", "reserved_hours": "2"}]
    other = submitted(bob, site=osaka, visits=later_same_day, datacenter_reference="")
    with pytest.raises(BookingConflict) as refused:
        dispatch.proposal_create(request=other, by=carol, engineers=[ken])
    assert "cannot travel here in time" in refused.value.message


def test_declining_frees_the_engineer(alice, bob, carol, ken):
    request, offer = proposed(alice, carol, ken)
    dispatch.proposal_decline(proposal=offer, by=alice, reason="Need another day")
    assert Booking.objects.get(visit__request=request).status == BookingStatus.CANCELLED


def test_cancelling_an_approved_request_frees_the_engineer(alice, bob, carol, ken):
    from genba.orders import services

    request = approved(alice, carol, ken)
    services.request_cancel(request=request, by=alice, reason="Stopped")
    assert Booking.objects.get(visit__request=request).status == BookingStatus.CANCELLED
    proposed(bob, carol, ken)  # ken is free again at that time


def test_a_direct_booking_is_refused_on_overlap(alice, bob, carol, ken):
    approved(alice, carol, ken)
    other = submitted(bob)
    with pytest.raises(BookingConflict):
        book_engineer(engineer=ken, visit=other.visits.get(), by=carol)


def test_a_customer_cannot_book(alice, ken):
    from genba.core.errors import NotAllowed

    request = submitted(alice)
    with pytest.raises(NotAllowed):
        book_engineer(engineer=ken, visit=request.visits.get(), by=alice)


def test_the_database_itself_refuses_an_overlap_on_postgres(on_postgres, alice, bob, carol, ken):
    request = approved(alice, carol, ken)
    mine = Booking.objects.get(visit__request=request)
    other = submitted(bob)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            engineer=ken,
            visit=other.visits.get(),
            starts_at=mine.starts_at + timedelta(hours=1),
            ends_at=mine.ends_at + timedelta(hours=1),
            status=BookingStatus.CONFIRMED,
        )


@pytest.mark.django_db(transaction=True)
def test_two_connections_booking_one_engineer_exactly_one_wins(alice, bob, carol, ken):
    """PostgreSQL: row lock plus exclusion constraint; SQLite: the write lock taken at BEGIN."""
    requests = [submitted(alice), submitted(bob)]
    barrier = threading.Barrier(2)
    outcomes: list = []

    def book(request):
        try:
            barrier.wait()
            outcomes.append(
                book_engineer(engineer=ken, visit=request.visits.get(), by=carol).public_id
            )
        except TransitionRefused as refused:
            outcomes.append(refused)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(r,)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    refusals = [o for o in outcomes if isinstance(o, TransitionRefused)]
    assert len(outcomes) == 2 and len(refusals) == 1
    assert refusals[0].code == "booking_conflict"
    assert Booking.objects.filter(engineer=ken, status=BookingStatus.CONFIRMED).count() == 1
