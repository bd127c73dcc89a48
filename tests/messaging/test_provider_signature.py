"""E-mails to the customer's side end with the provider's numbers (issue 13 item 6)."""

from __future__ import annotations

from datetime import time

import pytest
from django.core import mail

from genba.core.models import AuditEvent
from genba.messaging.notify import notify_event
from tests.billing.helpers import issuer
from tests.orders.helpers import approved, proposed

pytestmark = pytest.mark.django_db


def numbers():
    profile = issuer()
    profile.phone = "+81312345000"
    profile.urgent_phone = "+81355550199"
    profile.office_days = [0, 1, 2, 3, 4]
    profile.office_opens, profile.office_closes = time(9), time(18)
    profile.save()


def _notify(obj, action):
    return notify_event(
        AuditEvent.objects.filter(object_id=obj.public_id, action=action).latest("id").pk
    )


def test_the_proposal_email_carries_the_numbers_in_both_languages(alice, carol, ken):
    numbers()
    request, _ = proposed(alice, carol, ken)
    _notify(request, "proposed")
    (message,) = mail.outbox
    assert message.body.count("-- \nGenba Field Services KK") == 1
    assert "Phone: +81 3-1234-5000 (Mon–Fri 09:00–18:00 JST)" in message.body
    assert "Urgent line (outside office hours): +81 3-5555-0199" in message.body
    mail.outbox.clear()
    alice.language = "ja"
    alice.save()
    request, _ = proposed(alice, carol, ken)
    _notify(request, "proposed")
    (message,) = mail.outbox
    assert "現場フィールドサービス株式会社" in message.body
    assert "電話：+81 3-1234-5000（受付時間：月〜金 09:00〜18:00（日本時間））" in message.body
    assert "緊急窓口（受付時間外）：+81 3-5555-0199" in message.body


def test_staff_get_no_signature_and_the_customer_side_does(alice, carol, ken):
    numbers()
    request = approved(alice, carol, ken)
    _notify(request, "approved")
    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    assert "+81 3-5555-0199" in by_recipient["alice@acme.example"]
    assert "+81 3-5555-0199" in by_recipient["jane@acme.example"]  # the remote engineer
    assert "+81 3-5555-0199" not in by_recipient["ken@genba.example"]


def test_without_a_profile_there_is_no_signature_and_no_none(alice, carol, ken):
    request, _ = proposed(alice, carol, ken)
    _notify(request, "proposed")
    (message,) = mail.outbox
    assert "-- \n" not in message.body and "None" not in message.body
