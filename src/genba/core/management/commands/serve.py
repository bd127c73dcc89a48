"""`genba serve`: the production app server (gunicorn) on Genba's WSGI application."""

import os
import sys

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Genba with gunicorn (see docs/deploy.md). Extra arguments go to gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=os.environ.get("GENBA_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("GENBA_WORKERS", "3"))
        )
        parser.add_argument("gunicorn_args", nargs="*", help="passed to gunicorn after --")

    def handle(self, *args, bind, workers, gunicorn_args, **options):
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "genba.wsgi:application",
            "--bind",
            bind,
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            *gunicorn_args,
        ]
        self.stdout.write("genba serve: " + " ".join(argv[2:]))
        self.stdout.flush()
        os.execv(sys.executable, argv)  # noqa: S606 - replaces this process with gunicorn, fixed argv
