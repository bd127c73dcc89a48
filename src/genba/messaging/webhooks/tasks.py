"""The background task that sends a delivery (run by `genba db_worker`, django-tasks-db)."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.db import transaction
from django_tasks import task


@task()
def deliver_webhook(delivery_id: str) -> str:
    """One attempt of the delivery with this public id. Safe to run twice: a delivery already
    sent, exhausted, or not yet due is left alone."""
    from genba.messaging.webhooks.delivery import attempt

    return attempt(delivery_id)


def _enqueue(delivery_id: str, run_after: datetime | None) -> None:
    queued = deliver_webhook.using(run_after=run_after) if run_after else deliver_webhook
    queued.enqueue(delivery_id)


def enqueue_delivery(delivery, *, run_after: datetime | None = None) -> None:
    """Queue an attempt once the delivery row is committed (a worker must find it)."""
    transaction.on_commit(partial(_enqueue, delivery.public_id, run_after))
