"""Issue 11: a request title with a line break ("x\\r\\nBcc: ...") made the whole notification job
fail, so nobody, coordinators included, heard of that submission. Every header Genba builds from
people's text is one sanitised line (notify.email_message), and each recipient's message is sent on
its own: one that cannot be sent is logged, the others still go."""

from __future__ import annotations

import base64
import email
import email.policy
import logging
import socket
import threading

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.test import override_settings

from genba.accounts.models import Role
from genba.core.models import AuditEvent
from genba.messaging.intake.process import process_message
from genba.messaging.models import Notification
from genba.messaging.notify import UndeliveredMessages, email_message, header_text, notify_event
from genba.orders import services
from genba.orders.models import ServiceRequest
from tests.factories import UserFactory
from tests.orders.helpers import new_request

pytestmark = pytest.mark.django_db

HOSTILE = "x\r\nBcc: evil@example.com"


def submitted_with_title(customer, title: str) -> ServiceRequest:
    """A class-4 request (its submission mails the customer and the coordinators) whose stored
    title is `title`: written to the row directly, as data from before the input bounds (or from
    any path that does not check) would be."""
    request = new_request(customer, urgency=4)
    ServiceRequest.objects.filter(pk=request.pk).update(title=title)
    request.refresh_from_db()
    services.request_submit(request=request, by=customer)
    return request


def submission_event(request) -> int:
    return AuditEvent.objects.get(object_id=request.public_id, action="submitted").pk


def parsed(message):
    """The message as its recipient's mail client reads it: the bytes, parsed again."""
    return email.message_from_bytes(message.message().as_bytes(), policy=email.policy.default)


def test_a_title_with_a_line_break_reaches_the_customer_and_the_coordinators(alice, carol):
    request = submitted_with_title(alice, HOSTILE)

    assert notify_event(submission_event(request)) == 2
    to = sorted(address for message in mail.outbox for address in message.to)
    assert to == ["alice@acme.example", "carol@genba.example"]
    for message in mail.outbox:
        assert "\n" not in message.subject and "\r" not in message.subject
        assert "x Bcc: evil@example.com" in message.subject  # kept, as text, on one line
        assert message.bcc == []
        assert "evil@example.com" not in message.recipients()
        received = parsed(message)
        assert received["Bcc"] is None
        assert "\n" not in str(received["Subject"])
        assert received.get_all("Subject") == [received["Subject"]]
    assert Notification.objects.count() == 2


@pytest.mark.parametrize(
    "title",
    [
        "a\nCc: evil@example.com",
        "a\rTo: evil@example.com",
        "bell\x07 escape\x1b delete\x7f",  # (a NUL cannot be stored on PostgreSQL: see below)
        "line\u2028separator\u2029and\x85next",
        "bidi \u202egnp.exe",
        "長い件名" * 50,  # the column's 200 characters
    ],
)
def test_any_title_gives_a_one_line_subject_of_bounded_length(alice, carol, title):
    request = submitted_with_title(alice, title)
    notify_event(submission_event(request))
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        subject = parsed(message)["Subject"].strip()
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in subject)
        assert "\u2028" not in subject and "\u202e" not in subject
        assert len(subject) <= 300
        assert parsed(message)["Cc"] is None and parsed(message)["To"] == message.to[0]


def test_header_text_is_the_one_sanitiser():
    assert header_text(HOSTILE) == "x Bcc: evil@example.com"
    assert header_text("a\t\tb\x00c\x1bd  \r\n e") == "a b c d e"
    assert header_text("abc" * 200, 10) == "abcabcabc…"
    assert header_text(None) == ""
    assert header_text("nul\x00byte") == "nul byte"
    assert len(header_text("長い件名" * 200)) == 300
    built = email_message(
        "Re: " + HOSTILE,
        "body\nlines\nstay",
        "Genba <support@genba.example>",
        ["Mallory\r\nBcc: evil@example.com <mallory@acme.example>"],
        headers={"In-Reply-To": "<a@b>\r\nBcc: evil@example.com"},
        reply_to=["help\n@genba.example"],
    )
    received = parsed(built)
    assert received["Bcc"] is None
    assert received["Subject"] == "Re: x Bcc: evil@example.com"
    assert received["In-Reply-To"] == "<a@b> Bcc: evil@example.com"
    assert built.body == "body\nlines\nstay"


def test_an_intake_reply_to_a_subject_with_a_line_break_is_one_line(
    alice, django_capture_on_commit_callbacks
):
    # An encoded word is how a line break gets into a Subject over the wire.
    raw = (
        b"From: alice@acme.example\r\n"
        b"To: support@genba.example\r\n"
        b"Subject: =?utf-8?b?" + base64.b64encode(HOSTILE.encode()) + b"?=\r\n"
        b"Message-ID: <hostile-1@acme.example>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
        b"PO number: PO-1\r\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        process_message(raw)
    (reply,) = mail.outbox
    received = parsed(reply)
    assert received["Bcc"] is None
    assert "\n" not in received["Subject"] and "evil@example.com" not in reply.recipients()


# --- through a real SMTP server ------------------------------------------------------------------


class Sink:
    """An SMTP server (aiosmtpd) that keeps what it receives and refuses the recipients named."""

    def __init__(self, refuse: set[str]):
        self.refuse = refuse
        self.received: list[tuple[list[str], bytes]] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


@pytest.fixture
def smtp_sink():
    log = logging.getLogger("mail.log")  # aiosmtpd narrates every command at INFO
    level = log.level
    log.setLevel(logging.WARNING)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink(refuse={"carol@genba.example"})
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_USE_TLS=False,
        EMAIL_USE_SSL=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
    ):
        yield sink
    controller.stop()
    log.setLevel(level)


def test_over_smtp_one_refused_recipient_does_not_silence_the_others(alice, carol, smtp_sink):
    dan = UserFactory(
        email="dan@genba.example", role=Role.COORDINATOR, organization=carol.organization
    )
    request = submitted_with_title(alice, HOSTILE)

    with pytest.raises(UndeliveredMessages, match="carol@genba.example"):
        notify_event(submission_event(request))

    delivered = {tuple(rcpts): raw for rcpts, raw in smtp_sink.received}
    assert set(delivered) == {("alice@acme.example",), (dan.email,)}
    for raw in delivered.values():
        head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
        lines = head.replace("\r\n ", " ").replace("\r\n\t", " ").split("\r\n")  # unfolded
        assert [line for line in lines if line.lower().startswith(("bcc:", "cc:"))] == []
        assert len([line for line in lines if line.startswith("Subject:")]) == 1
        received = email.message_from_bytes(raw, policy=email.policy.default)
        assert received["Bcc"] is None
        assert received["Subject"].endswith("x Bcc: evil@example.com")
    # carol's message is not recorded as sent: the job run again (her mailbox back) sends hers
    # alone, the others are not mailed twice.
    assert not Notification.objects.filter(recipient="carol@genba.example").exists()
    smtp_sink.refuse.clear()
    assert notify_event(submission_event(request)) == 1
    assert [rcpts for rcpts, _raw in smtp_sink.received[2:]] == [["carol@genba.example"]]
