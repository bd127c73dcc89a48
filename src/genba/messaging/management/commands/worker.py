"""`genba worker`: runs the queued jobs (django-tasks' database worker) and, once a minute, the
SLA sweep. Run as many as you like on as many machines: each job is taken by one worker
(PostgreSQL's SKIP LOCKED), each minute's sweep by one."""

from __future__ import annotations

import logging
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections

logger = logging.getLogger("genba.worker")


class Command(BaseCommand):
    help = "Run background jobs and the periodic SLA sweep."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between polls for jobs"
        )
        parser.add_argument(
            "--sweep-every", type=float, default=60.0, help="seconds between SLA sweeps"
        )
        parser.add_argument(
            "--batch", action="store_true", help="run what is queued, sweep once, and exit"
        )

    def handle(self, *args, interval: float, sweep_every: float, batch: bool, **options):
        from genba.messaging.sla import sweep_once_per_minute

        if batch:
            sweep_once_per_minute()
            call_command(
                "db_worker",
                batch=True,
                interval=interval,
                startup_delay=False,
                verbosity=options["verbosity"],
            )
            return
        stop = threading.Event()

        def sweeper():
            while not stop.wait(sweep_every):
                try:
                    close_old_connections()
                    sweep_once_per_minute()
                except Exception:  # a failed sweep must not stop the worker; the next one retries
                    logger.exception("SLA sweep failed")

        thread = threading.Thread(target=sweeper, name="genba-sla-sweeper", daemon=True)
        thread.start()
        try:
            call_command("db_worker", interval=interval, verbosity=options["verbosity"])
        finally:
            stop.set()
