"""Jobs the worker runs (`genba worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_notifications(event_id: int) -> int:
    from genba.messaging.notify import notify_event

    return notify_event(event_id)


def periodic_sweeps(now=None) -> dict:
    """Everything the worker does once a minute, whichever way it is started."""
    from genba.dispatch.photo_id_retention import photo_ids_purge
    from genba.messaging.sla import sweep

    # Rulebook §7: photo IDs past their retention go in the same periodic run as the SLA alerts.
    return {**sweep(now), "photo_ids_deleted": photo_ids_purge(now=now)}


@task()
def run_sweeps() -> dict:
    return periodic_sweeps()
