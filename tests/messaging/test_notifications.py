"""Every lifecycle step sends its message, in the recipient's language, once; through the worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command

from genba.core import clock
from genba.core.models import AuditEvent
from genba.messaging.models import Notification
from genba.messaging.notify import notify_event
from genba.orders import visit_services
from tests.orders.helpers import VISIT_START, approved, new_request, proposed, released

pytestmark = pytest.mark.django_db


def run_worker():
    call_command("worker", batch=True, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_transition_queues_a_job_that_the_worker_runs(alice):
    """Committed for real: the job is a row in the database until `genba worker` runs it."""
    from django_tasks_db.models import DBTaskResult

    from genba.orders import services

    request = new_request(alice)
    services.request_submit(request=request, by=alice)
    assert DBTaskResult.objects.filter(status="READY").count() >= 1
    assert mail.outbox == []  # nothing is sent in the request: the worker sends
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["alice@acme.example"]
    assert message.subject.startswith(f"[{request.public_id}] We received your request")


def test_the_same_job_twice_sends_once(alice):
    from genba.orders import services

    request = new_request(alice)
    services.request_submit(request=request, by=alice)
    event = AuditEvent.objects.get(object_id=request.public_id, action="submitted")
    assert notify_event(event.pk) == 1
    assert notify_event(event.pk) == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_messages_are_in_the_recipients_language(alice):
    from genba.orders import services

    alice.language = "ja"
    alice.save()
    request = new_request(alice, reference="")
    services.request_submit(request=request, by=alice)
    notify_event(AuditEvent.objects.get(object_id=request.public_id, action="submitted").pk)
    (message,) = mail.outbox
    assert "ご依頼を受け付けました" in message.subject
    assert "発注番号" in message.body  # the missing PO number, in Japanese


def _notify(obj, action):
    return notify_event(
        AuditEvent.objects.filter(object_id=obj.public_id, action=action).latest("id").pk
    )


def test_information_request_lists_what_is_missing(alice, carol):
    from genba.orders import services
    from tests.orders.helpers import submitted

    request = submitted(alice, reference="")
    services.request_ask_info(request=request, by=carol, message="Please add the PO")
    _notify(request, "info_requested")
    (message,) = mail.outbox
    assert "Please add the PO" in message.body and "purchase order" in message.body


def test_proposal_names_the_engineers_and_the_estimate(alice, carol, ken):
    request, _ = proposed(alice, carol, ken)
    _notify(request, "proposed")
    (message,) = mail.outbox
    assert "Ken Sato" in message.body and "+819012345678" in message.body
    assert "¥39,600" in message.body


def test_approval_confirms_with_the_sla_target_and_an_invitation(alice, carol, ken):
    request = approved(alice, carol, ken)
    _notify(request, "approved")
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["alice@acme.example", "jane@acme.example", "ken@genba.example"]
    customer = next(m for m in mail.outbox if m.to == ["alice@acme.example"])
    assert "2026-12-08 10:15 JST" in customer.body  # scheduled start + 15 min tolerance
    name, ics, mimetype = customer.attachments[0]
    assert mimetype.startswith("text/calendar")
    text = ics if isinstance(ics, str) else ics.decode()
    assert "BEGIN:VEVENT" in text and "DTSTART" in text and "Otemachi" in text


def test_arrival_notifies_the_customer_the_remote_engineer_and_the_local_contact(alice, carol, ken):
    request = released(alice, carol, ken)
    visit = request.visits.get()
    clock.set_now(VISIT_START - timedelta(minutes=40))
    visit_services.visit_en_route(visit=visit, by=ken)
    clock.set_now(VISIT_START - timedelta(minutes=5))
    visit_services.visit_arrive(visit=visit, by=ken)
    _notify(visit, "arrived")
    assert sorted(m.to[0] for m in mail.outbox) == [
        "alice@acme.example",
        "jane@acme.example",
        "yamada@acme.example",
    ]
    assert all("arrived" in m.subject for m in mail.outbox)


def test_en_route_and_sign_off_are_told(alice, carol, ken):
    request = released(alice, carol, ken)
    visit = request.visits.get()
    clock.set_now(VISIT_START - timedelta(minutes=40))
    visit_services.visit_en_route(visit=visit, by=ken)
    visit_services.visit_arrive(visit=visit, by=ken)
    clock.set_now(VISIT_START + timedelta(hours=2))
    visit_services.visit_sign_off(visit=visit, by=alice, signer_name="Site manager")
    assert _notify(visit, "en_route") == 2
    assert _notify(visit, "signed_off") == 2  # the customer and the engineer
    assert any("Site manager" in m.body for m in mail.outbox)


def test_invoice_issued_mails_the_pdf(alice, carol, ken, bill, ecorpone):
    from genba.billing.services import invoice_issue
    from tests.billing.helpers import completed, issuer

    issuer()
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T12:00:00+09:00"
    )
    invoice = invoice_issue(request=request, by=bill)
    _notify(request, "invoiced")
    (message,) = mail.outbox
    assert invoice.number in message.subject
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == (f"{invoice.number}.pdf", "application/pdf") and content.startswith(
        b"%PDF"
    )


def test_class_4_alerts_the_coordinators_at_once(alice, carol):
    from genba.orders import services

    request = new_request(alice, urgency=4)
    services.request_submit(request=request, by=alice)
    _notify(request, "submitted")
    urgent = [m for m in mail.outbox if m.to == ["carol@genba.example"]]
    assert urgent and "CLASS 4" in urgent[0].subject


def test_messages_reach_the_file_backend_the_demo_uses(alice, tmp_path, settings):
    from genba.orders import services

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    request = new_request(alice)
    services.request_submit(request=request, by=alice)
    _notify(request, "submitted")
    (written,) = list(tmp_path.iterdir())
    text = written.read_text()
    assert (
        "To: alice@acme.example" in text
        and f"[{request.public_id}] We received your request" in text
    )
