"""E-mail intake end to end: real messages over SMTP to the aiosmtpd listener that `genba smtpd` runs.

The listener processes each message in a worker thread, so these tests commit (transaction=True);
the SQLite test database is a file, which the second thread can open.
"""

from __future__ import annotations

import logging
import smtplib
import socket
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core import mail

from genba.messaging.intake.management.commands.smtpd import make_controller
from genba.messaging.intake.models import InboundMessage, Outcome
from genba.orders.models import Attachment, AttachmentKind, RequestStatus, ServiceRequest
from tests.factories import JST
from tests.orders.helpers import approved, new_request, submitted

pytestmark = pytest.mark.django_db(transaction=True)

SUPPORT = "support@genba.example"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# The order of tests.factories.complete_order(), written in the template: nothing is missing.
ORDER = """\
Hello team, please arrange the visit below.

Title / 件名: Replace failed disk in storage array
PO number / 発注番号: PO-4711
Planned start / 訪問日時: 2026-12-08 10:00 JST
Reserved hours / 予約時間: 3 hours
Site address / 住所:
  Site name / 拠点名: Otemachi DC
  Company / 会社名: Acme KK
  Postal code / 郵便番号: 100-0004
  Prefecture / 都道府県: Tokyo
  City / 市区町村: Chiyoda-ku
  Street / 番地: 1-2-3 Otemachi
  Building / 建物: Otemachi Tower
  Floor / 階: 5F
  Room / 部屋: Cage 12
Entry procedure / 入館手順: Show photo ID at the security desk; escort to the 5th floor.
Maps URL / 地図: https://maps.app.goo.gl/abc123
Data center reference / データセンター受付番号: DC-REF-889
Local contact / 現地担当者:
  Name / 氏名: Taro Yamada
  Phone / 電話: 03 1234 5678
  Email / メール: yamada@acme.example
Remote engineer / リモートエンジニア:
  Name / 氏名: Jane Doe
  Phone / 電話: +1 415 555 0132
  Email / メール: jane@acme.example
Language / 言語: English
Skill level / スキル: Senior
Engineers / 人数: 1
Urgency / 緊急度: Class 1
SLA: no
Work description / 作業内容:
  Replace the failed disk in slot 3 of the array, then confirm the rebuild
  with the remote engineer before leaving.
Equipment / 機器:
  - NetApp FAS2750 SN-001
Items to bring / 持参品: laptop
Submit / 送信: no

Best regards,
Alice
"""


def order(*, without: tuple[str, ...] = (), submit: str | None = None, extra: str = "") -> str:
    """ORDER without the lines that start with any of `without` (after indentation)."""
    lines = [
        line
        for line in ORDER.splitlines()
        if not any(line.strip().startswith(prefix) for prefix in without)
    ]
    text = "\n".join(lines) + "\n"
    if submit is not None:
        text = text.replace("Submit / 送信: no", f"Submit / 送信: {submit}")
    return text.replace("Submit / 送信:", extra + "Submit / 送信:") if extra else text


def make_mail(
    sender: str,
    body: str,
    *,
    subject: str = "Order: disk replacement",
    attachments: tuple[tuple[str, bytes, str], ...] = (),
    message_id: str | None = None,
    in_reply_to: str | None = None,
    to: str = SUPPORT,
    headers: dict[str, str] | None = None,
    charset: str = "utf-8",
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="acme.example")
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body, charset=charset)
    for filename, content, mimetype in attachments:
        maintype, subtype = mimetype.split("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_port():
    """The listener `genba smtpd` runs, on a free port, with a 512 KiB message limit."""
    smtp_log = logging.getLogger("mail.log")  # aiosmtpd narrates every command at INFO
    level = smtp_log.level
    smtp_log.setLevel(logging.WARNING)
    port = _free_port()
    controller = make_controller("127.0.0.1", port, max_bytes=512 * 1024)
    controller.start()
    yield port
    controller.stop()
    smtp_log.setLevel(level)


def send(port: int, message: EmailMessage, *, to: str = SUPPORT) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        client.send_message(message, to_addrs=[to])


def replies_to(address: str):
    return [m for m in mail.outbox if m.to == [address]]


def test_an_order_over_smtp_becomes_a_request_the_customer_sees(smtp_port, alice, api_as):
    message = make_mail(
        "Alice <Alice@Acme.example>",
        order(without=("PO number",)),
        attachments=(("work instructions.pdf", PDF, "application/pdf"),),
    )
    send(smtp_port, message)

    request = ServiceRequest.objects.get()
    assert request.organization == alice.organization
    assert request.status == RequestStatus.DRAFT
    assert request.created_by == alice
    assert request.title == "Replace failed disk in storage array"
    assert request.reference == ""
    assert request.skill_level == "senior"
    assert request.languages == ["en"]
    assert request.site.prefecture == "Tokyo"
    assert request.site.floor == "5"
    assert request.site.is_datacenter is True
    assert request.local_contact.phone == "+81312345678"
    assert request.remote_engineer.email == "jane@acme.example"
    visit = request.visits.get()
    assert visit.scheduled_start == datetime(2026, 12, 8, 10, 0, tzinfo=JST)
    assert str(visit.reserved_hours) == "3.00"
    assert [(e.make, e.model, e.serial) for e in request.equipment.all()] == [
        ("NetApp", "FAS2750", "SN-001")
    ]

    attachment = Attachment.objects.get(request=request)
    assert attachment.original_name == "work instructions.pdf"
    assert attachment.kind == AttachmentKind.WORK_INSTRUCTIONS
    with attachment.file.open("rb") as handle:
        assert handle.read() == PDF

    inbound = InboundMessage.objects.get()
    assert inbound.outcome == Outcome.CREATED
    assert inbound.request == request
    assert inbound.message_id == message["Message-ID"]
    assert inbound.raw_size > 0 and inbound.raw

    # The customer sees it through the API, with the same findings the reply lists.
    api = api_as(alice)
    listed = api.get("requests").json()["items"]
    assert [item["id"] for item in listed] == [request.public_id]
    detail = api.get(f"requests/{request.public_id}").json()
    codes = {f["code"] for f in detail["findings"]}
    assert codes == {"request.reference.missing"}
    assert [a["name"] for a in detail["attachments"]] == ["work instructions.pdf"]

    [reply] = replies_to("alice@acme.example")
    assert reply.subject == f"[{request.public_id}] Order: disk replacement"
    assert reply.from_email == SUPPORT
    assert reply.extra_headers["In-Reply-To"] == message["Message-ID"]
    assert reply.extra_headers["Message-ID"] == inbound.reply_message_id
    assert "request.reference.missing" in reply.body
    assert "No purchase order, case or ticket number is given" in reply.body
    assert "work instructions.pdf" in reply.body
    assert "Submit / 送信" in reply.body  # how to send it when complete


def test_a_mail_in_the_template_alone_is_answered_in_the_senders_language(smtp_port, alice):
    """Bilingual labels and values say nothing of the writer's language: the profile decides."""
    alice.language = "ja"
    alice.save()
    body = order(
        without=("PO number", "Hello team", "Best regards", "Alice", "SLA", "Work description")
        + ("Replace the failed", "with the remote")
    )
    send(smtp_port, make_mail("alice@acme.example", body))

    [reply] = replies_to("alice@acme.example")
    assert "発注番号（PO・ケース・チケット番号）が入力されていません" in reply.body
    assert "No purchase order" not in reply.body
    assert "下書き" in reply.body


def test_the_reply_is_in_the_language_the_mail_was_written_in(smtp_port, alice):
    alice.language = "ja"  # her profile says Japanese; she writes in English
    alice.save()
    send(smtp_port, make_mail("alice@acme.example", order(without=("PO number",))))
    [reply] = replies_to("alice@acme.example")
    assert "No purchase order" in reply.body

    alice.language = "en"
    alice.save()
    japanese = "お世話になっております。下記の作業をお願いいたします。\n\n件名: ディスク交換\n以上、よろしくお願いいたします。\n"
    mail.outbox.clear()
    send(smtp_port, make_mail("alice@acme.example", japanese, subject="ディスク交換"))
    [reply] = replies_to("alice@acme.example")
    assert "ご依頼ありがとうございます" in reply.body


def test_a_complete_order_gets_a_reply_that_nothing_is_missing(smtp_port, alice):
    send(smtp_port, make_mail("alice@acme.example", order()))

    request = ServiceRequest.objects.get()
    [reply] = replies_to("alice@acme.example")
    assert "Nothing is missing" in reply.body
    assert request.public_id in reply.body


def test_submit_yes_submits_the_order(smtp_port, alice):
    send(smtp_port, make_mail("alice@acme.example", order(submit="yes")))

    request = ServiceRequest.objects.get()
    assert request.status == RequestStatus.SUBMITTED
    assert InboundMessage.objects.get().submitted is True
    [reply] = replies_to("alice@acme.example")
    assert "submitted" in reply.body


def test_an_order_with_gaps_can_be_submitted_and_the_reply_lists_them(smtp_port, alice):
    body = order(without=("Planned start", "Language"), submit="はい")
    send(smtp_port, make_mail("alice@acme.example", body))

    request = ServiceRequest.objects.get()
    assert request.status == RequestStatus.SUBMITTED
    [reply] = replies_to("alice@acme.example")
    assert "request.start.missing" in reply.body
    assert "request.language.missing" in reply.body


def test_another_customers_request_stays_invisible(smtp_port, alice, bob, api_as):
    send(smtp_port, make_mail("bob@globex.example", order()))

    request = ServiceRequest.objects.get()
    assert request.organization == bob.organization
    alice_api = api_as(alice)
    assert alice_api.get("requests").json()["items"] == []
    assert alice_api.get(f"requests/{request.public_id}").status_code == 404
    assert api_as(bob).get(f"requests/{request.public_id}").status_code == 200


def test_an_unknown_sender_is_refused_politely_and_nothing_is_created(smtp_port, alice):
    message = make_mail(
        "mallory@evil.example",
        order(),
        attachments=(("plan.pdf", PDF, "application/pdf"),),
    )
    send(smtp_port, message)

    assert ServiceRequest.objects.count() == 0
    assert Attachment.objects.count() == 0
    inbound = InboundMessage.objects.get()
    assert inbound.outcome == Outcome.REFUSED
    assert inbound.request is None
    assert not inbound.raw  # an unknown sender's message is not kept
    [reply] = replies_to("mallory@evil.example")
    assert reply.subject == "Re: Order: disk replacement"
    assert "not registered" in reply.body
    assert "登録" in reply.body  # and in Japanese
    assert reply.extra_headers["In-Reply-To"] == message["Message-ID"]


def test_a_provider_user_is_not_a_customer(smtp_port, carol):
    send(smtp_port, make_mail("carol@genba.example", order()))

    assert ServiceRequest.objects.count() == 0
    assert InboundMessage.objects.get().outcome == Outcome.REFUSED


def test_only_the_support_address_is_accepted(smtp_port, alice):
    message = make_mail("alice@acme.example", order(), to="sales@genba.example")
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(smtp_port, message, to="sales@genba.example")

    assert refused.value.recipients["sales@genba.example"][0] == 550
    assert ServiceRequest.objects.count() == 0
    assert InboundMessage.objects.count() == 0


def test_a_message_over_the_size_limit_is_refused(smtp_port, alice):
    big = b"%PDF-1.4\n" + b"0" * (600 * 1024)
    message = make_mail(
        "alice@acme.example", order(), attachments=(("big.pdf", big, "application/pdf"),)
    )
    with pytest.raises(smtplib.SMTPException):
        send(smtp_port, message)

    assert ServiceRequest.objects.count() == 0


def test_the_same_message_id_twice_creates_one_request(smtp_port, alice):
    message = make_mail("alice@acme.example", order())
    send(smtp_port, message)
    send(smtp_port, message)

    assert ServiceRequest.objects.count() == 1
    assert InboundMessage.objects.count() == 1
    assert len(replies_to("alice@acme.example")) == 1


def test_a_reply_with_in_reply_to_updates_the_same_request(smtp_port, alice):
    first = make_mail("alice@acme.example", order(without=("PO number", "Floor")))
    send(smtp_port, first)
    request = ServiceRequest.objects.get()
    [answer] = replies_to("alice@acme.example")

    follow_up = make_mail(
        "alice@acme.example",
        "Here you are:\n\nPO number / 発注番号: PO-9000\n階: 7\n\n> quoted answer\n",
        subject="Re: " + answer.subject.split("] ", 1)[1],  # the request id taken out
        in_reply_to=answer.extra_headers["Message-ID"],
    )
    send(smtp_port, follow_up)

    assert ServiceRequest.objects.count() == 1
    request.refresh_from_db()
    assert request.reference == "PO-9000"
    assert request.site.floor == "7"
    assert request.site.street == "1-2-3 Otemachi"  # the rest of the site is kept
    assert request.visits.get().scheduled_start is not None
    assert InboundMessage.objects.get(message_id=follow_up["Message-ID"]).outcome == Outcome.UPDATED
    second = replies_to("alice@acme.example")[-1]
    assert second.subject.startswith(f"[{request.public_id}]")
    assert "updated" in second.body
    assert "request.reference.missing" not in second.body


def test_the_request_id_in_the_subject_updates_that_request(smtp_port, alice):
    request = new_request(alice, reference="")
    message = make_mail(
        "alice@acme.example",
        "PO number: PO-1234\nReserved hours: 4h\n",
        subject=f"Re: [{request.public_id}] disk",
        attachments=(("port map.pdf", PDF, "application/pdf"),),
    )
    send(smtp_port, message)

    request.refresh_from_db()
    assert request.reference == "PO-1234"
    visit = request.visits.get()
    assert str(visit.reserved_hours) == "4.00"
    assert visit.scheduled_start == datetime(2026, 12, 8, 10, 0, tzinfo=JST)
    assert Attachment.objects.get(request=request).kind == AttachmentKind.DIAGRAM
    assert ServiceRequest.objects.count() == 1


def test_a_request_id_of_another_organization_changes_nothing(smtp_port, alice, bob):
    theirs = new_request(bob, reference="")
    send(
        smtp_port,
        make_mail("alice@acme.example", "PO number: X-1\n", subject=f"[{theirs.public_id}] hi"),
    )

    theirs.refresh_from_db()
    assert theirs.reference == ""
    assert ServiceRequest.objects.count() == 1
    [reply] = replies_to("alice@acme.example")
    assert "could not find request" in reply.body


def test_a_submitted_request_is_changed_by_mail_until_approval(smtp_port, alice):
    # Rulebook §3: the customer may change the order until approval, by any path.
    request = submitted(alice)
    send(
        smtp_port,
        make_mail("alice@acme.example", "PO number: PO-2\n", subject=f"[{request.public_id}] x"),
    )

    request.refresh_from_db()
    assert request.reference == "PO-2"
    assert request.status == "submitted"
    assert InboundMessage.objects.get().outcome == Outcome.UPDATED


def test_an_approved_request_is_not_changed_by_mail(smtp_port, alice, carol, ken):
    request = approved(alice, carol, ken)
    send(
        smtp_port,
        make_mail("alice@acme.example", "PO number: PO-2\n", subject=f"[{request.public_id}] x"),
    )

    request.refresh_from_db()
    assert request.reference == "PO-4711"
    inbound = InboundMessage.objects.get()
    assert inbound.outcome == Outcome.UNCHANGED
    [reply] = replies_to("alice@acme.example")
    assert "can no longer be changed by e-mail" in reply.body
    assert "Approved" in reply.body


def test_a_refused_attachment_is_listed_and_the_order_still_kept(smtp_port, alice):
    message = make_mail(
        "alice@acme.example",
        order(),
        attachments=(
            ("setup.exe", b"MZ\x90\x00", "application/octet-stream"),
            ("fake.pdf", b"not a pdf", "application/pdf"),
            ("photo id.pdf", PDF, "application/pdf"),
        ),
    )
    send(smtp_port, message)

    request = ServiceRequest.objects.get()
    assert [a.original_name for a in request.attachments.all()] == ["photo id.pdf"]
    assert request.attachments.get().kind == AttachmentKind.PAPERWORK
    [reply] = replies_to("alice@acme.example")
    assert "Files not accepted" in reply.body
    assert "setup.exe" in reply.body and "fake.pdf" in reply.body


def test_a_mail_without_the_template_creates_nothing_and_sends_the_template(smtp_port, alice):
    send(smtp_port, make_mail("alice@acme.example", "Can you send someone tomorrow?\n"))

    assert ServiceRequest.objects.count() == 0
    inbound = InboundMessage.objects.get()
    assert inbound.outcome == Outcome.UNCHANGED
    [reply] = replies_to("alice@acme.example")
    assert "PO number / 発注番号:" in reply.body


def test_lines_that_cannot_be_read_are_named_in_the_reply(smtp_port, alice):
    body = order(without=("Planned start",), extra="Planned start / 訪問日時: next Tuesday\n")
    body = body.replace("Urgency / 緊急度: Class 1", "Urgency / 緊急度: whenever")
    send(smtp_port, make_mail("alice@acme.example", body))

    request = ServiceRequest.objects.get()
    assert request.urgency == 1
    [reply] = replies_to("alice@acme.example")
    assert "next Tuesday" in reply.body
    assert "2027-02-02 10:00 JST" in reply.body  # how to write it
    assert "whenever" in reply.body


def test_automatic_replies_are_not_answered(smtp_port, alice):
    message = make_mail(
        "alice@acme.example", "I am out of office.", headers={"Auto-Submitted": "auto-replied"}
    )
    send(smtp_port, message)

    assert InboundMessage.objects.get().outcome == Outcome.IGNORED
    assert mail.outbox == []
    assert ServiceRequest.objects.count() == 0


def test_a_japanese_mail_in_iso_2022_jp(smtp_port, alice):
    body = (
        "件名: ストレージのディスク交換\n"
        "発注番号： PO-8\n"
        "訪問日時： 2026年12月8日（火）10時〜13時\n"
        "住所： 〒100-0004 東京都千代田区大手町1-2-3 大手町タワー 5階\n"
        "現地担当者： 山田太郎、03-1234-5678\n"
        "言語： 日本語\n"
        "スキル： シニア\n"
        "送信： はい\n"
    )
    send(smtp_port, make_mail("alice@acme.example", body, charset="iso-2022-jp", subject="発注"))

    request = ServiceRequest.objects.get()
    assert request.title == "ストレージのディスク交換"
    assert request.reference == "PO-8"
    assert request.languages == ["ja"]
    assert request.status == RequestStatus.SUBMITTED
    assert request.site.prefecture == "東京都"
    assert request.site.city == "千代田区"
    assert request.site.street == "大手町1-2-3"
    assert request.site.floor == "5"
    assert request.local_contact.name == "山田太郎"
    visit = request.visits.get()
    assert str(visit.reserved_hours) == "3.00"  # from the time range


def test_an_html_only_mail_is_read(smtp_port, alice):
    message = EmailMessage()
    message["From"] = "alice@acme.example"
    message["To"] = SUPPORT
    message["Subject"] = "HTML order"
    message.set_content(
        "<html><body><p>PO number: PO-77</p><p>Language: both</p>"
        "<blockquote>Language: Japanese</blockquote></body></html>",
        subtype="html",
    )
    send(smtp_port, message)

    request = ServiceRequest.objects.get()
    assert request.reference == "PO-77"
    assert request.languages == ["en", "ja"]


def test_a_value_the_request_cannot_hold_is_left_out_and_named(smtp_port, alice):
    body = order(without=("Title",)).replace(
        "PO number / 発注番号: PO-4711", "PO number: " + "9" * 150
    )
    send(smtp_port, make_mail("alice@acme.example", body))

    request = ServiceRequest.objects.get()
    assert request.reference == ""
    [reply] = replies_to("alice@acme.example")
    assert "reference: At most 100 characters." in reply.body  # genba.core.bounds, gettext
    assert request.title == "Order: disk replacement"  # no Title line: the subject


def test_the_back_office_shows_what_arrived(smtp_port, alice, provider):
    from django.test import Client

    from tests.factories import UserFactory

    send(smtp_port, make_mail("alice@acme.example", order(), subject="Back office check"))
    inbound = InboundMessage.objects.get()
    admin = UserFactory(organization=provider, role="admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)

    listing = client.get("/admin/intake/inboundmessage/")
    page = client.get(f"/admin/intake/inboundmessage/{inbound.pk}/change/")

    assert listing.status_code == 200
    assert page.status_code == 200
    assert "Back office check" in page.content.decode()
    assert "Replace the failed disk in slot 3" in page.content.decode()  # the raw message
    assert client.post(f"/admin/intake/inboundmessage/{inbound.pk}/delete/").status_code == 403
