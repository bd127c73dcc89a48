"""Engineers never see money (rulebook §7): no message an engineer receives, and no calendar entry
sent to one, names a rate, an estimate or an amount, in English or Japanese, even for a request
whose proposal carried an estimate."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from django.core import mail

from genba.core import clock
from genba.core.models import AuditEvent
from genba.messaging.models import Notification
from genba.messaging.notify import notify_event
from genba.messaging.texts import ENGINEER_KINDS, TEXTS
from genba.orders import visit_services
from tests.factories import UserFactory
from tests.messaging.visit_changes import dispatchable, reassign, reschedule, run_queued
from tests.orders.helpers import VISIT_START, on_site, released

pytestmark = pytest.mark.django_db

MONEY = re.compile(r"¥|円|JPY|\brates?\b|\bestimates?\b|\bamounts?\b|料金|見積|金額|単価", re.I)


def _notify(obj, action):
    return notify_event(
        AuditEvent.objects.filter(object_id=obj.public_id, action=action).latest("id").pk
    )


def _text(message) -> str:
    parts = [message.subject, message.body]
    for _name, content, _mimetype in message.attachments:
        parts.append(content.decode() if isinstance(content, bytes) else content)
    return "\n".join(parts)


@pytest.mark.parametrize("kind", sorted(ENGINEER_KINDS))
@pytest.mark.parametrize("language", ["en", "ja"])
def test_no_engineer_text_names_money(kind, language):
    subject, body = TEXTS[kind][language]
    assert not MONEY.search(subject + body)
    assert not {"{estimate}", "{total}", "{rate}"} & set(re.findall(r"{\w+}", subject + body))


@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_message_and_invitation_an_engineer_gets_is_free_of_money(
    language, alice, carol, ken, provider, django_capture_on_commit_callbacks
):
    mei = UserFactory(
        email="mei@genba.example", first_name="Mei", organization=provider, role="engineer"
    )
    for engineer in (ken, mei):
        engineer.language = language
        engineer.save()
    dispatchable(ken, mei)
    capture = django_capture_on_commit_callbacks

    # Ken is assigned, the visit moves, goes to Mei, and is cancelled.
    request = released(alice, carol, ken)
    estimate = request.proposals.get().estimate
    assert estimate["total"] > 0  # the request was offered with a price
    visit = request.visits.get()
    _notify(request, "approved")
    reschedule(capture, visit, by=carol, start=datetime.fromisoformat("2026-12-08T13:00:00+09:00"))
    reassign(capture, visit, by=carol, old=ken, new=mei)
    run_queued()
    visit_services.visit_cancel(visit=visit, by=carol, reason="Fixed remotely")
    _notify(visit, "cancelled")
    # Another visit of Mei's is worked and signed off.
    clock.set_now(VISIT_START - timedelta(days=7))
    other, other_visit = on_site(alice, carol, mei)
    clock.set_now(VISIT_START + timedelta(hours=2))
    visit_services.visit_sign_off(visit=other_visit, by=alice, signer_name="Site manager")
    _notify(other_visit, "signed_off")

    engineers = {"ken@genba.example", "mei@genba.example"}
    kinds = set(Notification.objects.filter(recipient__in=engineers).values_list("kind", flat=True))
    assert kinds == ENGINEER_KINDS  # every kind an engineer can get was rendered here
    seen = [m for m in mail.outbox if set(m.to) & engineers]
    assert any(m.attachments for m in seen)
    for message in seen:
        text = _text(message)
        assert not MONEY.search(text), (message.subject, MONEY.search(text))
        assert f"{estimate['total']:,}" not in text
