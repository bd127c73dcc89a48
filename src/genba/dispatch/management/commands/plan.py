"""`genba plan`: assign engineers to requests (rulebook §10) and print the plan as JSON.

`--instance FILE` plans a §10 instance without a database (no system checks, no migration check, no
query). `--date YYYY-MM-DD` plans the day's open requests from the database; it stores nothing (a
coordinator accepts a plan elsewhere). A bad instance, or bad options, print one line per problem on
standard error, nothing on standard output, and exit with status 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from genba.dispatch.planning.instance import (
    MAX_TIME_LIMIT_S,
    Instance,
    parse_instance,
    parse_text,
)

BAD_INPUT = 2


class Command(BaseCommand):
    help = (
        "Assign engineers to requests (rulebook §10) from a JSON instance (--instance FILE) or the "
        "open requests of a day (--date YYYY-MM-DD), and print the plan as JSON. Exit status 2 on "
        "a bad instance."
    )
    # --instance is a pure computation: no system checks (they import every app's checks) and no
    # look at the migration table (which would open the database).
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--instance", metavar="FILE", help="plan the §10 instance in FILE")
        parser.add_argument(
            "--date", metavar="YYYY-MM-DD", help="plan the open requests of that day (database)"
        )
        parser.add_argument(
            "--accept",
            action="store_true",
            help="with --date: the coordinator accepts the plan; each assignment becomes a proposal",
        )
        parser.add_argument(
            "--as", dest="as_user", metavar="EMAIL", help="with --accept: the coordinator"
        )
        parser.add_argument(
            "--time-limit",
            metavar="S",
            help=f"seconds the solver may take (overrides time_limit_s; above 0, at most {MAX_TIME_LIMIT_S})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems: list[str] = []
        limit = _time_limit(options.get("time_limit"), problems)
        path, day = options.get("instance"), options.get("date")
        if bool(path) == bool(day):
            problems.append("--instance or --date: give exactly one")
        if options.get("accept") and not (day and options.get("as_user")):
            problems.append("--accept: needs --date and --as EMAIL (a coordinator)")
        if problems:
            self._fail(problems)
        instance = self._from_file(path) if path else self._from_date(day)
        # Imported here: OR-Tools is loaded only when there is something to solve.
        from genba.dispatch.planning.solver import solve

        plan = solve(instance, limit)
        if options.get("accept"):
            plan["accepted"] = self._accept(plan, options["as_user"])
        self.stdout.write(json.dumps(plan, indent=2, ensure_ascii=False))

    def _accept(self, plan: dict, email: str) -> list[dict]:
        """Nothing is stored until here: each assignment becomes a proposal (plan_from_db)."""
        from genba.accounts.models import Role, User
        from genba.dispatch.plan_from_db import accept_plan

        user = User.objects.filter(
            email__iexact=email, role__in=[Role.COORDINATOR, Role.ADMIN], is_active=True
        ).first()
        if user is None:
            self._fail([f"--as: {email} is not an active coordinator"])
        return [
            {"request": request_id, "result": result}
            for request_id, result in accept_plan(plan, by=user)
        ]

    def _from_file(self, path: str) -> Instance:
        try:
            text = Path(path).read_bytes()
        except OSError as exc:
            self._fail([f"--instance: cannot read {path} ({exc.strerror or exc})"])
        instance, problems = parse_text(text)
        if problems or instance is None:
            self._fail(problems or ["instance: could not be read"])
        return instance

    def _from_date(self, text: str) -> Instance:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            self._fail([f"--date: {text!r} is not a date, e.g. 2026-12-07"])
        try:
            # The database side (open requests, engineers' shifts) lives apart from the optimizer.
            from genba.dispatch.plan_from_db import instance_for_date
        except ImportError:
            self._fail(["genba plan --date: not available yet"])
        found = instance_for_date(day)
        if isinstance(found, Instance):
            return found
        if isinstance(found, Mapping):  # a §10 document built from the database
            instance, problems = parse_instance(found)
            if problems or instance is None:
                self._fail(problems or ["instance: could not be built"])
            return instance
        self._fail([f"--date: no instance for {day.isoformat()}"])
        raise AssertionError  # _fail exits

    def _fail(self, problems: list[str]) -> Any:
        for line in problems:
            self.stderr.write(line)
        self.stderr.flush()
        # SystemExit passes through BaseCommand.run_from_argv untouched (only CommandError becomes
        # status 1): 2 says "your input is wrong", not "we failed".
        sys.exit(BAD_INPUT)


def _time_limit(raw: str | None, problems: list[str]) -> float | None:
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= MAX_TIME_LIMIT_S:  # NaN fails this too
        problems.append(f"--time-limit: must be seconds above 0, at most {MAX_TIME_LIMIT_S}")
        return None
    return value
