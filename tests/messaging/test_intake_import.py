"""`genba import-mail` (.eml, mbox, Maildir, stdin) and `genba fetchmail` (IMAP) feed the same intake."""

from __future__ import annotations

import io
import mailbox
import sys

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from genba.cli import main
from genba.messaging.intake.management.commands import fetchmail
from genba.messaging.intake.models import InboundMessage
from genba.orders.models import RequestStatus, ServiceRequest
from tests.messaging.test_intake_smtp import PDF, make_mail, order

# The replies are sent after the commit: these tests commit, like the commands do.
pytestmark = pytest.mark.django_db(transaction=True)


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_mail", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_import_an_eml_file(tmp_path, alice):
    message = make_mail(
        "alice@acme.example", order(), attachments=(("runbook.pdf", PDF, "application/pdf"),)
    )
    path = tmp_path / "order.eml"
    path.write_bytes(message.as_bytes())

    out = run(str(path))

    request = ServiceRequest.objects.get()
    assert request.organization == alice.organization
    assert request.attachments.get().original_name == "runbook.pdf"
    assert out.strip() == f"{path}: created {request.public_id} alice@acme.example"
    [reply] = mail.outbox
    assert reply.to == ["alice@acme.example"]
    assert reply.subject.startswith(f"[{request.public_id}]")


def _mbox(path, *messages):
    box = mailbox.mbox(path)
    for message in messages:
        box.add(mailbox.mboxMessage(message.as_bytes()))
    box.flush()
    box.close()


def test_import_an_mbox_of_two_messages(tmp_path, alice, bob):
    path = tmp_path / "orders.mbox"
    _mbox(
        path,
        make_mail("alice@acme.example", order(), subject="first"),
        make_mail("bob@globex.example", order(submit="yes"), subject="second"),
    )

    out = run(str(path)).splitlines()

    alices = ServiceRequest.objects.get(organization=alice.organization)
    bobs = ServiceRequest.objects.get(organization=bob.organization)
    assert alices.status == RequestStatus.DRAFT
    assert bobs.status == RequestStatus.SUBMITTED
    assert out == [
        f"{path}[1]: created {alices.public_id} alice@acme.example",
        f"{path}[2]: created {bobs.public_id} bob@globex.example",
    ]
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@acme.example", "bob@globex.example"]


def test_importing_the_same_mbox_twice_creates_nothing_new(tmp_path, alice):
    path = tmp_path / "orders.mbox"
    _mbox(
        path,
        make_mail("alice@acme.example", order(), subject="first"),
        make_mail("alice@acme.example", order(), subject="second"),
    )
    run(str(path))
    out = run(str(path)).splitlines()

    assert ServiceRequest.objects.count() == 2
    assert InboundMessage.objects.count() == 2
    assert [line.split()[1] for line in out] == ["duplicate", "duplicate"]
    assert len(mail.outbox) == 2


def test_a_thread_in_an_mbox_updates_one_request(tmp_path, alice):
    first = make_mail("alice@acme.example", order(without=("PO number",)))
    reply = make_mail(
        "alice@acme.example",
        "PO number / 発注番号: PO-55\nSubmit / 送信: yes\n",
        subject="Re: Order",
        in_reply_to=first["Message-ID"],
    )
    path = tmp_path / "thread.mbox"
    _mbox(path, first, reply)

    out = run(str(path)).splitlines()

    request = ServiceRequest.objects.get()
    assert request.reference == "PO-55"
    assert request.status == RequestStatus.SUBMITTED
    assert [line.split()[1] for line in out] == ["created", "updated"]


def test_the_cli_spells_it_import_mail(tmp_path, alice, capsys):
    path = tmp_path / "order.eml"
    path.write_bytes(make_mail("alice@acme.example", order()).as_bytes())

    main(["genba", "import-mail", str(path)])

    assert "created" in capsys.readouterr().out
    assert ServiceRequest.objects.count() == 1


def test_import_from_standard_input(monkeypatch, alice):
    raw = make_mail("alice@acme.example", order()).as_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))

    out = run("-")

    assert out.startswith("-: created req_")


def test_import_a_maildir(tmp_path, alice):
    box = mailbox.Maildir(tmp_path / "Maildir")
    box.add(mailbox.MaildirMessage(make_mail("alice@acme.example", order()).as_bytes()))
    box.close()

    out = run(str(tmp_path / "Maildir"))

    assert " created req_" in out
    assert ServiceRequest.objects.count() == 1


def test_a_missing_file_is_an_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "nope.eml"))


def test_an_unknown_sender_in_an_import_is_refused(tmp_path, alice):
    path = tmp_path / "spam.eml"
    path.write_bytes(make_mail("someone@else.example", order()).as_bytes())

    out = run(str(path))

    assert f"{path}: refused - someone@else.example" in out
    assert ServiceRequest.objects.count() == 0


# --- fetchmail, with a stand-in for the IMAP server ------------------------------------------------


class FakeMailbox:
    """What fetchmail uses of imap-tools' MailBox: fetch unseen, flag, log out on exit."""

    def __init__(self, messages: dict[str, bytes]):
        self.messages = messages
        self.seen: set[str] = set()
        self.fetch_calls: list[dict] = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def fetch(self, criteria, **options):
        self.fetch_calls.append(options)
        for uid, raw in self.messages.items():
            if uid not in self.seen:
                yield fetchmail.RawMailMessage([(f"1 (UID {uid} FLAGS ())".encode(), raw)])

    def flag(self, uid, flag, value):
        assert flag == "\\Seen" and value is True
        self.seen.add(uid)


@pytest.fixture
def imap_env(monkeypatch):
    monkeypatch.setenv("GENBA_IMAP_HOST", "imap.example")
    monkeypatch.setenv("GENBA_IMAP_USER", "support")
    monkeypatch.setenv("GENBA_IMAP_PASSWORD", "secret")


def test_fetchmail_processes_unseen_messages_and_marks_them_seen(imap_env, monkeypatch, alice):
    box = FakeMailbox(
        {
            "7": make_mail("alice@acme.example", order(), subject="one").as_bytes(),
            "8": make_mail("alice@acme.example", order(), subject="two").as_bytes(),
        }
    )
    configs = []
    monkeypatch.setattr(fetchmail, "open_mailbox", lambda config: configs.append(config) or box)
    out = io.StringIO()

    call_command("fetchmail", "--once", stdout=out)

    assert ServiceRequest.objects.count() == 2
    assert box.seen == {"7", "8"}
    assert box.fetch_calls[0]["mark_seen"] is False  # seen only once processed
    assert configs[0].host == "imap.example" and configs[0].port == 993
    assert configs[0].folder == "INBOX" and configs[0].security == "ssl"
    assert "2 processed, 0 failed" in out.getvalue()

    call_command("fetchmail", "--once", stdout=io.StringIO())  # nothing unseen is left
    assert ServiceRequest.objects.count() == 2


def test_fetchmail_leaves_a_failed_message_unseen(imap_env, monkeypatch, alice):
    box = FakeMailbox({"1": b"broken", "2": make_mail("alice@acme.example", order()).as_bytes()})
    monkeypatch.setattr(fetchmail, "open_mailbox", lambda config: box)
    real = fetchmail.process_message

    def flaky(raw):
        if raw == b"broken":
            raise RuntimeError("database is down")
        return real(raw)

    monkeypatch.setattr(fetchmail, "process_message", flaky)

    with pytest.raises(CommandError, match="1 message"):
        call_command("fetchmail", "--once", stdout=io.StringIO())

    assert box.seen == {"2"}
    assert ServiceRequest.objects.count() == 1


def test_fetchmail_needs_its_settings(monkeypatch):
    monkeypatch.delenv("GENBA_IMAP_HOST", raising=False)
    with pytest.raises(CommandError, match="GENBA_IMAP_HOST"):
        call_command("fetchmail", "--once")


def test_the_imap_message_keeps_its_bytes():
    raw = make_mail("alice@acme.example", "PO number: 1\n").as_bytes()
    message = fetchmail.RawMailMessage([(b"3 (UID 42 FLAGS (\\Recent))", raw)])
    assert message.raw == raw
    assert message.uid == "42"
