"""A job for the worker tests: it leaves one audit row per run, so a second run would show."""

from django_tasks import task

from genba.core.models import AuditEvent


@task()
def record_run(n: int) -> int:
    from genba.core import clock

    AuditEvent.objects.create(
        at=clock.now(), object_type="test", object_id=f"job-{n}", action="ran"
    )
    return n
