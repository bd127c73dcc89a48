"""Billing and admins set the provider's numbers and office hours; each change audited."""

from __future__ import annotations

from datetime import time

import pytest

from genba.billing.models import IssuerProfile
from genba.core.models import AuditEvent
from tests.billing.helpers import issuer
from tests.web.console.conftest import page

pytestmark = pytest.mark.django_db
URL = "/console/billing/contact/"


def form(**changes):
    data = {
        "phone": "03-1234-5000",
        "urgent_phone": "090-5555-0199",
        "office_days": ["0", "1", "2", "3", "4"],
        "office_opens": "09:00",
        "office_closes": "18:00",
        "office_hours_note": "closed on national holidays",
    }
    data.update(changes)
    return data


def test_billing_saves_the_numbers_in_e164_with_an_audit_row(bill, client_as):
    issuer()
    response = client_as(bill).post(URL, form())
    assert response.status_code == 302
    profile = IssuerProfile.objects.get()
    assert profile.phone == "+81312345000" and profile.urgent_phone == "+819055550199"
    assert profile.office_days == [0, 1, 2, 3, 4]
    assert (profile.office_opens, profile.office_closes) == (time(9), time(18))
    event = AuditEvent.objects.get(action="provider_contact.updated")
    assert event.actor == bill
    assert event.data["changes"]["urgent_phone"] == ["", "+819055550199"]
    shown = page(client_as(bill).get(URL))
    assert "+81 90-5555-0199" in shown and "Mon–Fri 09:00–18:00 JST" in shown


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"urgent_phone": "call me maybe"}, "urgent_phone"),
        ({"phone": "12"}, "phone"),
        ({"office_closes": "08:00"}, "office_closes"),
        ({"office_closes": ""}, "office_closes"),
        ({"office_days": [], "office_opens": "09:00"}, "office_days"),
    ],
)
def test_a_bad_value_names_its_field_and_changes_nothing(bill, client_as, changes, field):
    before = issuer()
    response = client_as(bill).post(URL, form(**changes))
    assert response.status_code == 422
    assert response.context["form"].errors.keys() == {field}
    after = IssuerProfile.objects.get()
    assert (after.phone, after.urgent_phone, after.office_days) == (
        before.phone,
        before.urgent_phone,
        before.office_days,
    )
    assert not AuditEvent.objects.filter(action="provider_contact.updated").exists()


def test_the_japanese_page_names_the_field_too(bill, client_as):
    issuer()
    bill.language = "ja"
    bill.save()
    response = client_as(bill).post(URL, form(urgent_phone="abc"))
    assert response.status_code == 422
    assert 'id="id_urgent_phone_error"' in page(response)


def test_only_billing_and_admins_reach_the_page(alice, carol, ken, client_as):
    issuer()
    for user in (alice, carol, ken):
        assert client_as(user).get(URL).status_code in (403, 404)
        assert client_as(user).post(URL, form()).status_code in (403, 404)
    assert not AuditEvent.objects.filter(action="provider_contact.updated").exists()


def test_without_a_profile_the_page_says_to_set_it_up_first(bill, client_as):
    response = client_as(bill).post(URL, form())
    assert response.status_code == 422
    assert "issuer profile" in page(response)
    assert not IssuerProfile.objects.exists()


def test_the_back_office_shows_the_numbers_read_only_and_its_checks_name_the_field():
    from django.contrib import admin
    from django.core.exceptions import ValidationError

    profile = issuer()
    model_admin = admin.site._registry[IssuerProfile]
    assert set(model_admin.get_readonly_fields(None, profile)) == set(IssuerProfile.CONTACT_FIELDS)
    assert model_admin.get_readonly_fields(None, None) == ()  # a new profile sets its phone
    profile.urgent_phone = "not a number"
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert set(refused.value.message_dict) == {"urgent_phone"}
    profile.urgent_phone, profile.office_days = "", None  # an empty JSON field reads as no days
    profile.full_clean()
