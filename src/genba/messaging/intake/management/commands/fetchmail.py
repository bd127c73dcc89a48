"""`genba fetchmail`: read orders from an IMAP mailbox (imap-tools), then mark them seen.

Settings (environment): GENBA_IMAP_HOST, GENBA_IMAP_USER, GENBA_IMAP_PASSWORD (required);
GENBA_IMAP_PORT (993 with TLS, else 143), GENBA_IMAP_FOLDER (INBOX), GENBA_IMAP_SECURITY
(`ssl` the default, `starttls`, or `plain` for a local test server), GENBA_IMAP_INTERVAL (seconds
between polls, 60).

Unseen messages are fetched without marking them (BODY.PEEK), processed one by one, and marked
seen only once processed: a message whose processing failed stays unseen and is tried again at
the next poll. A message fetched twice (two pollers, a crash before the flag) is recognised by its
Message-ID and changes nothing.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from imap_tools import (
    AND,
    MailBox,
    MailBoxStartTls,
    MailBoxUnencrypted,
    MailMessage,
    MailMessageFlags,
)

from genba.messaging.intake.process import process_message

logger = logging.getLogger(__name__)


class RawMailMessage(MailMessage):
    """imap-tools' message, keeping the bytes as fetched (re-serialising could change them)."""

    def __init__(self, fetch_data: list) -> None:
        super().__init__(fetch_data)
        self.raw: bytes = self._get_message_data_parts(fetch_data)[0]


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int
    user: str
    password: str
    folder: str
    security: str

    @classmethod
    def from_env(cls) -> ImapConfig:
        env = os.environ
        security = env.get("GENBA_IMAP_SECURITY", "ssl").strip().lower() or "ssl"
        if security not in ("ssl", "starttls", "plain"):
            raise CommandError("GENBA_IMAP_SECURITY must be ssl, starttls or plain")
        missing = [
            name
            for name in ("GENBA_IMAP_HOST", "GENBA_IMAP_USER", "GENBA_IMAP_PASSWORD")
            if not env.get(name)
        ]
        if missing:
            raise CommandError("set " + ", ".join(missing) + " (see docs/email-intake.md)")
        default_port = "993" if security == "ssl" else "143"
        try:
            port = int(env.get("GENBA_IMAP_PORT") or default_port)
        except ValueError as exc:
            raise CommandError("GENBA_IMAP_PORT must be a number") from exc
        return cls(
            host=env["GENBA_IMAP_HOST"],
            port=port,
            user=env["GENBA_IMAP_USER"],
            password=env["GENBA_IMAP_PASSWORD"],
            folder=env.get("GENBA_IMAP_FOLDER") or "INBOX",
            security=security,
        )


def open_mailbox(config: ImapConfig):
    """A logged-in imap-tools mailbox (a context manager that logs out)."""
    kind = {"ssl": MailBox, "starttls": MailBoxStartTls, "plain": MailBoxUnencrypted}
    mailbox = kind[config.security](config.host, config.port, timeout=60)
    mailbox.email_message_class = RawMailMessage
    return mailbox.login(config.user, config.password, initial_folder=config.folder)


def fetch_once(mailbox, write=lambda line: None) -> tuple[int, int]:
    """Process every unseen message; returns (processed, failed)."""
    processed = failed = 0
    for message in mailbox.fetch(AND(seen=False), mark_seen=False, bulk=False):
        raw = getattr(message, "raw", None) or message.obj.as_bytes()
        try:
            inbound = process_message(raw)
        except Exception:
            failed += 1
            logger.exception("intake: message uid %s failed; it stays unseen", message.uid)
            continue
        mailbox.flag(message.uid, MailMessageFlags.SEEN, True)
        processed += 1
        request = inbound.request.public_id if inbound.request_id else "-"
        write(f"{message.uid}: {inbound.outcome} {request} {inbound.sender}")
    return processed, failed


class Command(BaseCommand):
    help = "Fetch unseen orders from the IMAP mailbox in GENBA_IMAP_* (see docs/email-intake.md)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one poll, then exit")
        parser.add_argument(
            "--interval",
            type=int,
            default=int(os.environ.get("GENBA_IMAP_INTERVAL", "60")),
            help="seconds between polls",
        )

    def handle(self, *args, once, interval, **options):
        config = ImapConfig.from_env()
        stop = threading.Event()
        if not once:
            for signum in (signal.SIGINT, signal.SIGTERM):
                signal.signal(signum, lambda *_: stop.set())
        while True:
            try:
                with open_mailbox(config) as mailbox:
                    processed, failed = fetch_once(mailbox, self.stdout.write)
            except CommandError:
                raise
            except Exception as exc:
                if once:
                    raise CommandError(f"IMAP {config.host}:{config.port}: {exc}") from exc
                logger.exception("intake: polling %s failed", config.host)
            else:
                self.stdout.write(f"genba fetchmail: {processed} processed, {failed} failed")
                if once and failed:
                    raise CommandError(f"{failed} message(s) failed; they stay unseen")
            if once or stop.wait(max(1, interval)):
                return
