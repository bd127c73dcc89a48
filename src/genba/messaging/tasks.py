"""Jobs the worker runs (`genba worker`)."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_notifications(event_id: int) -> int:
    from genba.messaging.notify import notify_event

    return notify_event(event_id)


@task()
def run_sweeps() -> dict:
    from genba.messaging.sla import sweep

    return sweep()
