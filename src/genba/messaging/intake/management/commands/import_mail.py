"""`genba import-mail FILE...`: process saved e-mails: `.eml` files, mbox files, Maildir folders,
or `-` for one message on standard input (a mail server's pipe delivery:
`| genba import-mail -`).

Each message goes through the same intake as SMTP and IMAP; importing the same file twice changes
nothing (the Message-ID is remembered). One line per message; the exit status is 1 when any
message failed.
"""

from __future__ import annotations

import mailbox
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from genba.messaging.intake.process import process_message


def messages_in(path: str):
    """(label, bytes) of each message in `path`."""
    if path == "-":
        yield "-", sys.stdin.buffer.read()
        return
    source = Path(path)
    if source.is_dir():
        if not (source / "cur").is_dir() and not (source / "new").is_dir():
            raise CommandError(f"{path} is a folder but not a Maildir (no cur/ or new/)")
        box = mailbox.Maildir(source, factory=None, create=False)
        for key in sorted(box.iterkeys()):
            yield f"{path}[{key}]", box.get_bytes(key)
        return
    if not source.is_file():
        raise CommandError(f"no such file: {path}")
    with source.open("rb") as handle:
        head = handle.read(5)
    if head == b"From ":
        box = mailbox.mbox(source, factory=None, create=False)
        try:
            for number, key in enumerate(box.iterkeys(), start=1):
                yield f"{path}[{number}]", box.get_bytes(key)
        finally:
            box.close()
        return
    yield path, source.read_bytes()


class Command(BaseCommand):
    help = "Process saved e-mails (.eml, mbox, Maildir, or - for stdin) as orders."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")

    def handle(self, *args, files, **options):
        failed = 0
        for path in files:
            for label, raw in messages_in(path):
                try:
                    inbound = process_message(raw)
                except Exception as exc:
                    failed += 1
                    self.stderr.write(f"{label}: failed: {exc}")
                    continue
                request = inbound.request.public_id if inbound.request_id else "-"
                self.stdout.write(f"{label}: {inbound.outcome} {request} {inbound.sender}")
        if failed:
            raise CommandError(f"{failed} message(s) failed")
