"""The background worker: at-least-once jobs, never run twice by several workers at once."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker

from genba.core.models import AuditEvent
from tests.messaging.jobs import record_run


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_queued_jobs_on_this_database():
    for n in range(5):
        record_run.enqueue(n)
    call_command("worker", batch=True, verbosity=0)
    assert Counter(AuditEvent.objects.filter(action="ran").values_list("object_id", flat=True)) == {
        f"job-{n}": 1 for n in range(5)
    }


@pytest.mark.django_db(transaction=True)
def test_several_workers_never_run_one_job_twice(on_postgres):
    for n in range(60):
        record_run.enqueue(n)
    barrier = threading.Barrier(3)

    def worker(n: int):
        # django-tasks-db's own worker loop (the command only adds signal handling, which needs
        # the main thread); each thread has its own database connection, like a separate process.
        try:
            barrier.wait()
            Worker(
                queue_names=["default"],
                interval=0.01,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=f"test-{n}",
                excluded_queue_names=[],
            ).run()
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    runs = Counter(AuditEvent.objects.filter(action="ran").values_list("object_id", flat=True))
    assert len(runs) == 60
    assert set(runs.values()) == {1}
