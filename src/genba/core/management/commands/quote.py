"""`genba quote`: price a §9 quote document (standard input or --file) without touching the database.

A bad document (invalid JSON, an unreadable file, any problem in the document) prints one line per
problem on standard error, nothing on standard output, and exits with status 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from genba.pricing.document import dumps, format_table, parse_text, quote_to_dict
from genba.pricing.engine import PricingError, price

BAD_DOCUMENT = 2


class Command(BaseCommand):
    help = (
        "Price a quote document (rulebook §9) read from standard input or --file; print the "
        "priced lines as JSON or, with --format table, as a table. Exit status 2 on a bad document."
    )
    # A pure computation: no system checks (they would import every app's checks) and no look at
    # the migration table (which would open the database).
    requires_system_checks: list[str] = []
    requires_migrations_checks = False
    # call_command(..., stdin=io.StringIO(...)) in tests; not a command-line option.
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file", metavar="PATH", help="read the document from PATH instead of standard input"
        )
        parser.add_argument(
            "--format",
            choices=("json", "table"),
            default="json",
            help="json (default, the §9 output) or table (for people)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text, problem = _read(options.get("file"), options.get("stdin"))
        if problem:
            self._fail([problem])
        request, problems = parse_text(text)
        if problems or request is None:
            self._fail(problems or ["document: could not be read"])
        try:
            quote = price(request.policy, request.rates, request.visits, request.tax_treatment)
        except PricingError as error:  # the parser checks first; this is the engine's last word
            self._fail([f"{error.field}: {error}"])
        if options["format"] == "table":
            self.stdout.write(format_table(quote))
        else:
            self.stdout.write(dumps(quote_to_dict(quote), indent=2))

    def _fail(self, problems: list[str]) -> None:
        for line in problems:
            self.stderr.write(line)
        self.stderr.flush()
        # SystemExit passes through BaseCommand.run_from_argv untouched (only CommandError is
        # turned into status 1), so the caller sees 2: "your document is wrong", not "we failed".
        sys.exit(BAD_DOCUMENT)


def _read(path: str | None, stdin: Any) -> tuple[bytes | str, str | None]:
    """The document's text, or a problem line saying why it could not be read."""
    if path:
        try:
            return Path(path).read_bytes(), None
        except OSError as exc:
            return b"", f"--file: cannot read {path} ({exc.strerror or exc})"
    stream = stdin if stdin is not None else sys.stdin
    try:
        # Bytes when we can: json decodes UTF-8 itself, whatever the locale says.
        buffer = getattr(stream, "buffer", None)
        return (buffer.read() if buffer is not None else stream.read()), None
    except OSError as exc:
        return b"", f"stdin: cannot read ({exc})"
