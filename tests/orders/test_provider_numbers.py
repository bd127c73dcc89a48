"""The provider's numbers in the findings that ask for a call (issue 13 item 6), both languages."""

from __future__ import annotations

from datetime import time

import pytest

from genba.billing.models import IssuerProfile
from genba.billing.selectors import provider_contact
from genba.core.provider import ProviderContact
from genba.orders.completeness import check
from genba.orders.selectors import request_findings
from tests.billing.helpers import issuer
from tests.orders.helpers import new_request
from tests.orders.test_completeness import NOW, R, jst, policy, visit

FULL = ProviderContact(
    name_en="Genba Field Services KK",
    name_ja="現場フィールドサービス株式会社",
    office_phone="+81312345000",
    urgent_phone="+819012345678",
    office_days=(0, 1, 2, 3, 4),
    office_opens=time(9, 0),
    office_closes=time(18, 0),
)
SHORT_NOTICE = R(visits=(visit(jst(2026, 11, 30, 14)),))
URGENT = R(urgency=4)


def one(findings, code):
    [finding] = [f for f in findings if f.code == code]
    return finding


@pytest.mark.parametrize(
    ("facts", "code"),
    [(SHORT_NOTICE, "request.start.short_notice"), (URGENT, "request.urgent.call_required")],
)
def test_the_call_findings_name_both_numbers_and_the_office_hours(facts, code):
    finding = one(check(facts, policy("tokyo-its"), None, now=NOW, provider=FULL), code)
    assert "+81 3-1234-5000" in finding.message_en
    assert "Mon–Fri 09:00–18:00 JST" in finding.message_en
    assert "outside office hours, our urgent line on +81 90-1234-5678" in finding.message_en
    assert "代表電話 +81 3-1234-5000" in finding.message_ja
    assert "月〜金 09:00〜18:00（日本時間）" in finding.message_ja
    assert "受付時間外は緊急窓口 +81 90-1234-5678" in finding.message_ja
    assert "None" not in finding.message_en + finding.message_ja


@pytest.mark.parametrize("provider", [None, ProviderContact()])
def test_without_numbers_the_findings_still_ask_for_a_call(provider):
    findings = check(URGENT, policy("tokyo-its"), None, now=NOW, provider=provider)
    finding = one(findings, "request.urgent.call_required")
    assert "Please call us;" in finding.message_en
    assert "None" not in finding.message_en + finding.message_ja and "()" not in finding.message_en


def test_only_an_urgent_line_is_named_as_such():
    contact = ProviderContact(urgent_phone="+819012345678")
    finding = one(
        check(URGENT, policy("tokyo-its"), None, now=NOW, provider=contact),
        "request.urgent.call_required",
    )
    assert "our urgent line on +81 90-1234-5678" in finding.message_en
    assert "outside office hours" not in finding.message_en
    assert "緊急窓口 +81 90-1234-5678" in finding.message_ja


def test_office_hours_carry_the_note_and_tell_open_from_closed():
    contact = ProviderContact(
        office_phone="+81312345000",
        office_days=(0, 1, 2, 3, 4, 5),
        office_opens=time(10, 0),
        office_closes=time(19, 0),
        office_note="closed on national holidays",
    )
    assert contact.hours("en") == "Mon–Sat 10:00–19:00 JST; closed on national holidays"
    assert contact.hours("ja") == "月〜土 10:00〜19:00（日本時間）、closed on national holidays"
    assert contact.is_open(jst(2026, 12, 5, 18, 59))  # Saturday
    assert not contact.is_open(jst(2026, 12, 6, 12))  # Sunday
    assert not contact.is_open(jst(2026, 12, 7, 9, 59))


@pytest.mark.django_db
def test_the_stored_profile_reaches_the_findings_of_a_request(alice):
    profile = issuer()
    profile.urgent_phone = "+819012345678"
    profile.office_days = [0, 1, 2, 3, 4]
    profile.office_opens, profile.office_closes = time(9), time(18)
    profile.save()
    request = new_request(alice, urgency=4)
    finding = one(request_findings(request), "request.urgent.call_required")
    assert "+81 3-1234-5000" in finding.message_en and "+81 90-1234-5678" in finding.message_en
    assert "+81 90-1234-5678" in finding.message_ja


@pytest.mark.django_db
def test_no_profile_and_a_blank_one_read_as_no_numbers(alice):
    assert provider_contact() == ProviderContact()
    assert provider_contact().signature("en") == "" and provider_contact().lines("ja") == []
    IssuerProfile.objects.create(
        legal_name="X",
        legal_name_ja="X",
        registration_number="",
        postal_code="",
        address="",
        address_ja="",
        phone="",
        email="x@example.com",
        bank_name="",
        bank_branch="",
        account_number="",
        account_holder="",
    )
    contact = provider_contact()
    assert contact.is_blank and contact.call("en") == "" and contact.signature("ja") == ""
    request = new_request(alice, urgency=4)
    finding = one(request_findings(request), "request.urgent.call_required")
    assert "None" not in finding.message_en + finding.message_ja
