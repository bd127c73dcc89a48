"""Identifiers, phones and the presets as data."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError

from genba.contracts.models import PRESET_KEYS, Policy, load_preset
from genba.core.ids import new_public_id
from genba.sites.models import Contact
from tests.factories import ContractFactory
from tests.orders.helpers import new_request

pytestmark = pytest.mark.django_db


def test_public_ids_are_random_and_not_sequential(alice):
    ids = [new_request(alice).public_id for _ in range(3)]
    assert all(re.fullmatch(r"req_[0-9a-hjkmnp-tv-z]{16}", i) for i in ids)
    assert len(set(ids)) == 3
    assert len({new_public_id("x") for _ in range(10_000)}) == 10_000


def test_contact_phone_is_stored_in_e164_and_as_typed(acme):
    contact = Contact.objects.create(organization=acme, name="Taro", phone_input="03-1234-5678")
    assert contact.phone == "+81312345678"
    assert contact.phone_input == "03-1234-5678"
    foreign = Contact.objects.create(
        organization=acme, name="Jane", phone_input="+1 (415) 555-0132"
    )
    assert foreign.phone == "+14155550132"


def test_an_invalid_phone_is_kept_as_typed_with_no_e164(acme):
    contact = Contact.objects.create(organization=acme, name="Jane", phone_input="415 555 0132")
    assert contact.phone == ""
    assert contact.phone_input == "415 555 0132"


@pytest.mark.parametrize("key", PRESET_KEYS)
def test_presets_are_loaded_as_rows_matching_their_documents(db, key):
    policy = Policy.objects.get(key=key)
    preset = load_preset(key)
    assert str(policy.minimum_hours.normalize()) == preset["minimum_hours"]
    assert policy.grace_minutes == preset["grace_minutes"]
    assert policy.reference_required_before_release is preset["reference_required_before_release"]
    assert policy.invoice_within_hours == preset["invoice_within_hours"]


def test_presets_are_editable(db):
    policy = Policy.objects.get(key="tokyo-its")
    policy.grace_minutes = 15
    policy.save()
    assert Policy.objects.get(key="tokyo-its").grace_minutes == 15


def test_policy_business_hours_must_end_after_they_start(db):
    policy = Policy.objects.get(key="ecorpone")
    policy.business_end = policy.business_start
    with pytest.raises(ValidationError) as error:
        policy.full_clean()
    assert "business_end" in error.value.message_dict


def test_exempt_contract_needs_a_recorded_reason(acme, ecorpone):
    contract = ContractFactory.build(organization=acme, policy=ecorpone, tax_treatment="exempt")
    with pytest.raises(ValidationError) as error:
        contract.full_clean()
    assert "exempt_reason" in error.value.message_dict
    contract.exempt_reason = (
        "Export of a service: work on equipment leaving Japan (provider's decision)"
    )
    contract.full_clean()
