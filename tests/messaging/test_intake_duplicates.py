"""A mail is known by its Message-ID, its sender and its content (issue 12): a Message-ID reused by
another sender or for other content is a new mail, logged, never dropped; the same mail delivered
twice changes nothing. And what a mail carries that no stored text may hold (NUL) is left out."""

from __future__ import annotations

import logging

import pytest
from django.core import mail

from genba.messaging.intake.models import InboundMessage, Outcome
from genba.messaging.intake.process import process_message
from genba.orders.models import ServiceRequest
from tests.messaging.test_intake_smtp import make_mail, order

pytestmark = pytest.mark.django_db(transaction=True)

REUSED = "<order-1@mail.example>"


def test_a_message_id_reused_by_another_organization_is_a_new_mail(alice, bob, caplog):
    first = process_message(bytes(make_mail("alice@acme.example", order(), message_id=REUSED)))
    with caplog.at_level(logging.WARNING, logger="genba.messaging.intake.process"):
        second = process_message(
            bytes(make_mail("bob@globex.example", order(), message_id=REUSED, subject="Globex"))
        )

    assert first.outcome == second.outcome == Outcome.CREATED
    assert first.request.organization == alice.organization
    assert second.request.organization == bob.organization
    assert ServiceRequest.objects.count() == 2
    assert "was seen before from another sender or with other content" in caplog.text
    assert InboundMessage.objects.filter(message_id=REUSED).count() == 2


def test_a_message_id_reused_by_the_same_sender_for_other_content_is_a_new_mail(alice):
    process_message(bytes(make_mail("alice@acme.example", order(), message_id=REUSED)))
    again = process_message(
        bytes(make_mail("alice@acme.example", order(), message_id=REUSED, subject="Another"))
    )
    assert again.outcome == Outcome.CREATED
    assert ServiceRequest.objects.count() == 2


def test_the_same_mail_delivered_twice_changes_nothing(alice):
    raw = bytes(make_mail("alice@acme.example", order(), message_id=REUSED))
    process_message(raw)
    # A relay on the way added a header: still the same mail.
    again = process_message(b"Received: from relay.example by mx.genba.example\r\n" + raw)
    assert again.outcome == Outcome.DUPLICATE
    assert again.pk is None
    assert ServiceRequest.objects.count() == 1
    assert len(mail.outbox) == 1


def test_nul_and_control_characters_are_not_stored_or_echoed(alice):
    message = make_mail(
        "alice@acme.example", order(without=("Title",)), subject="Disk swap\x00 now\x07"
    )
    inbound = process_message(bytes(message))
    request = inbound.request
    assert request.title == "Disk swap now"
    assert "\x00" not in inbound.subject
    [reply] = mail.outbox
    assert "\x00" not in reply.subject and "\x07" not in reply.subject
    assert reply.subject.endswith("Disk swap now")


def test_the_answer_says_which_year_a_date_without_one_was_read_as(alice):
    body = order().replace("2026-12-08 10:00 JST", "12/8 10:00")
    process_message(bytes(make_mail("alice@acme.example", body)))
    [reply] = mail.outbox
    assert "Please check how we read these lines:" in reply.body
    assert "Tuesday 8 December 2026, 10:00 (Japan time)" in reply.body
