"""A visit's changes that keep its status, as the dispatch services make them (engineers swapped or
the time moved, the calendar SEQUENCE raised, `announce` in the same transaction), and the worker
that sends what they announce. The services themselves are tested in tests/dispatch; here only what
the messages and calendars make of the announcement matters."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import F

from genba.core.transitions import announce
from genba.dispatch.models import EngineerProfile


def dispatchable(*engineers) -> None:
    """Engineers that dispatch may send to the demo site (a profile in zone A, weekdays)."""
    for user in engineers:
        EngineerProfile.objects.get_or_create(
            user=user,
            defaults={
                "skill_level": "senior",
                "languages": ["en", "ja"],
                "home_latitude": "35.690921",
                "home_longitude": "139.700258",
                "zones": ["A"],
                "work_days": [0, 1, 2, 3, 4],
            },
        )


def _raise_sequence(visit) -> None:
    type(visit).objects.filter(pk=visit.pk).update(calendar_sequence=F("calendar_sequence") + 1)
    visit.refresh_from_db()


def reassign(capture, visit, *, by, old, new) -> None:
    with capture(execute=True), transaction.atomic():
        visit.assigned_engineers.remove(old)
        visit.assigned_engineers.add(new)
        _raise_sequence(visit)
        announce(visit, by=by, action="reassigned", data={"from": old.email, "to": new.email})


def reschedule(capture, visit, *, by, start) -> None:
    previous = visit.scheduled_start
    with capture(execute=True), transaction.atomic():
        type(visit).objects.filter(pk=visit.pk).update(scheduled_start=start)
        _raise_sequence(visit)
        announce(
            visit,
            by=by,
            action="rescheduled",
            data={
                "from": previous.isoformat(),
                "to": start.isoformat(),
                "reserved_hours": str(Decimal(visit.reserved_hours)),
            },
        )


def run_queued() -> int:
    """Run the queued jobs as `genba worker` would, inside the test's transaction (the worker
    command closes its database connection, which a transactional test case cannot lose)."""
    from django_tasks_db.models import DBTaskResult

    ran = 0
    for row in DBTaskResult.objects.ready().order_by("enqueued_at"):
        row.set_successful(row.task.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"]))
        ran += 1
    return ran
