"""Notes on a visit: appended with time and author, by the engineer on it (or a coordinator)."""

from __future__ import annotations

import pytest

from genba.core import clock
from genba.core.errors import NotAllowed, TransitionRefused, ValidationFailed
from genba.core.models import AuditEvent
from genba.orders import visit_services
from genba.orders.visit_notes import NOTE_MAX_CHARS, visit_note_add
from tests.factories import UserFactory
from tests.orders.helpers import released, reload

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(alice, carol, ken):
    return released(alice, carol, ken).visits.get()


def test_notes_are_appended_with_time_and_author(visit, ken, carol):
    visit_note_add(visit=visit, by=ken, text="  Door code changed.  ")
    visit_note_add(visit=visit, by=carol, text="Customer confirmed.")
    notes = reload(visit).notes
    assert notes.startswith("[2026-11-30 09:00 JST] Ken Sato\nDoor code changed.\n\n")
    assert notes.endswith("Carol " + carol.last_name + "\nCustomer confirmed.")
    events = AuditEvent.objects.filter(action="note_added", object_id=visit.public_id)
    assert [e.data["text"] for e in events.order_by("id")] == [
        "Door code changed.",
        "Customer confirmed.",
    ]


def test_an_engineer_not_on_the_visit_and_a_customer_are_refused(visit, alice, provider):
    other = UserFactory(role="engineer", organization=provider)
    for user in (other, alice):
        with pytest.raises(NotAllowed):
            visit_note_add(visit=visit, by=user, text="hello")
    assert reload(visit).notes == ""
    assert not AuditEvent.objects.filter(action="note_added").exists()


@pytest.mark.parametrize("text", ["", "   ", "x" * (NOTE_MAX_CHARS + 1)])
def test_empty_or_too_long_notes_name_the_field(visit, ken, text):
    with pytest.raises(ValidationFailed) as caught:
        visit_note_add(visit=visit, by=ken, text=text)
    assert [p.field for p in caught.value.problems] == ["text"]
    assert reload(visit).notes == ""


def test_no_notes_on_a_cancelled_visit(visit, ken, carol):
    visit_services.visit_cancel(visit=visit, by=carol, reason="Not needed")
    with pytest.raises(TransitionRefused):
        visit_note_add(visit=visit, by=ken, text="Too late")
    assert reload(visit).notes == ""


def test_notes_still_possible_after_sign_off(visit, ken):
    from tests.orders.helpers import VISIT_START

    clock.set_now(VISIT_START)
    visit_services.visit_en_route(visit=visit, by=ken)
    visit_services.visit_arrive(visit=visit, by=ken)
    visit_services.visit_sign_off(visit=visit, by=ken, signer_name="Taro Yamada")
    visit_note_add(visit=visit, by=ken, text="Left the cage locked.")
    assert "Left the cage locked." in reload(visit).notes
