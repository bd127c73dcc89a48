"""`genba smtpd --host 127.0.0.1 --port 8025`: an SMTP listener that turns orders into requests.

It accepts mail for the support address only (GENBA_SUPPORT_ADDRESS; any other recipient is
refused with 550) and up to a size limit (552 above it), and answers 250 once the message is
processed, or 451 (try again later) when processing failed, so the sending server retries.

Meant to sit behind the organization's mail server (a Postfix transport or relay to
127.0.0.1:8025): it speaks plain SMTP without TLS or authentication, so do not expose it to the
internet directly. Settings: GENBA_SMTPD_HOST, GENBA_SMTPD_PORT, GENBA_SMTPD_MAX_BYTES.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading

from aiosmtpd.controller import Controller
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection

from genba.messaging.intake.process import process_message

logger = logging.getLogger(__name__)


def default_max_bytes() -> int:
    """Room for one attachment at the attachment limit, base64-encoded (4/3), plus the text."""
    return settings.GENBA_ATTACHMENT_MAX_BYTES * 4 // 3 + 1024 * 1024


def _process_in_thread(raw: bytes):
    # Django's database connections belong to a thread: open and close this thread's own.
    close_old_connections()
    try:
        return process_message(raw)
    finally:
        connection.close()


class IntakeHandler:
    """aiosmtpd handler: RCPT is checked against the support address, DATA is processed in a
    worker thread (the Django code is synchronous) before the answer, so 250 means "recorded"."""

    def __init__(self, address: str | None = None) -> None:
        self.address = (address or settings.GENBA_SUPPORT_ADDRESS).strip().casefold()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.strip().strip("<>").casefold() != self.address:
            return "550 5.1.1 Mailbox unavailable: this server accepts mail for one address only"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", errors="surrogateescape")
        loop = asyncio.get_running_loop()
        try:
            inbound = await loop.run_in_executor(None, _process_in_thread, raw)
        except Exception:
            logger.exception("intake: processing a message from %s failed", envelope.mail_from)
            return "451 4.3.0 The message could not be processed now; please try again later"
        return f"250 2.0.0 Message accepted ({inbound.outcome})"


def make_controller(host: str, port: int, *, max_bytes: int | None = None) -> Controller:
    return Controller(
        IntakeHandler(),
        hostname=host,
        port=port,
        data_size_limit=max_bytes or default_max_bytes(),
        enable_SMTPUTF8=True,
        ident="Genba intake",
    )


class Command(BaseCommand):
    help = "Receive orders by SMTP for GENBA_SUPPORT_ADDRESS (see docs/email-intake.md)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("GENBA_SMTPD_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("GENBA_SMTPD_PORT", "8025"))
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=int(os.environ.get("GENBA_SMTPD_MAX_BYTES", "0")) or None,
            help="largest message accepted (default: room for one attachment at the limit)",
        )

    def handle(self, *args, host, port, max_bytes, verbosity, **options):
        if verbosity < 2:
            # aiosmtpd narrates every SMTP command at INFO; -v 2 shows it.
            logging.getLogger("mail.log").setLevel(logging.WARNING)
        controller = make_controller(host, port, max_bytes=max_bytes)
        try:
            controller.start()
        except Exception as exc:
            raise CommandError(f"cannot listen on {host}:{port}: {exc}") from exc
        stop = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write(
            f"genba smtpd: listening on {host}:{port} for <{settings.GENBA_SUPPORT_ADDRESS}>, "
            f"messages up to {controller.SMTP_kwargs.get('data_size_limit')} bytes"
        )
        self.stdout.flush()
        try:
            stop.wait()
        finally:
            controller.stop()
            self.stdout.write("genba smtpd: stopped")
