"""Sites and contacts: a customer user adds them to its own organization. The coverage table: the
admin's. Each write is audited; a refusal changes nothing."""

from __future__ import annotations

import pytest

from genba.accounts.models import Role
from genba.core.errors import NotAllowed, ValidationFailed
from genba.core.models import AuditEvent
from genba.orders.inputs import ContactIn, SiteIn
from genba.sites.models import Contact, CoverageArea, CoverageZone, Site
from genba.sites.services import area_add, area_remove, contact_create, site_create, zone_update
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(provider):
    return UserFactory(email="admin@genba.example", organization=provider, role=Role.ADMIN)


@pytest.fixture
def zone_a(ecorpone):
    return CoverageZone.objects.get(policy=ecorpone, code="A")


def test_a_site_goes_to_the_callers_organization_and_is_audited(alice, bob):
    site = site_create(by=alice, data=SiteIn(company_name="Acme KK", city="Minato-ku"))
    assert site.organization == alice.organization
    assert site.name == "Acme KK Minato-ku"
    event = AuditEvent.objects.get(object_id=site.public_id)
    assert (event.action, event.actor, event.organization) == ("created", alice, alice.organization)
    # Another customer's site is in its own organization, never in alice's.
    assert site_create(by=bob, data=SiteIn(name="Globex HQ")).organization == bob.organization


@pytest.mark.parametrize("who", ["carol", "ken", "bill"])
def test_only_a_customer_user_adds_a_site(request, who):
    with pytest.raises(NotAllowed):
        site_create(by=request.getfixturevalue(who), data=SiteIn(name="Somewhere"))
    assert not Site.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_contact_keeps_the_phone_as_typed_and_in_e164(alice):
    contact = contact_create(by=alice, data=ContactIn(name="Taro", phone="03-1234-5678"))
    assert (contact.phone_input, contact.phone) == ("03-1234-5678", "+81312345678")
    assert contact.organization == alice.organization
    assert AuditEvent.objects.filter(object_id=contact.public_id, action="created").count() == 1


def test_only_a_customer_user_adds_a_contact(carol):
    with pytest.raises(NotAllowed):
        contact_create(by=carol, data=ContactIn(name="Taro"))
    assert not Contact.objects.exists()
    assert not AuditEvent.objects.exists()


def test_an_admin_renames_a_zone_and_the_change_is_audited(admin, zone_a):
    zone_update(zone=zone_a, by=admin, name=" Kanto ", travel_required=True)
    zone_a.refresh_from_db()
    assert (zone_a.name, zone_a.travel_required) == ("Kanto", True)
    event = AuditEvent.objects.get(action="coverage.zone_updated")
    assert event.data["before"] == {
        "name": "Tokyo metro",
        "travel_required": False,
        "travel_flat_fee": None,
    }


def test_an_admin_sets_the_zone_flat_travel_fee_and_it_is_audited(admin, zone_a):
    zone_update(
        zone=zone_a, by=admin, name="Tokyo metro", travel_required=False, travel_flat_fee=20000
    )
    zone_a.refresh_from_db()
    assert zone_a.travel_flat_fee == 20000
    event = AuditEvent.objects.get(action="coverage.zone_updated")
    assert (event.data["before"]["travel_flat_fee"], event.data["after"]["travel_flat_fee"]) == (
        None,
        20000,
    )
    # Left out, the fee stays; None clears it.
    zone_update(zone=zone_a, by=admin, name="Tokyo", travel_required=False)
    zone_a.refresh_from_db()
    assert zone_a.travel_flat_fee == 20000
    zone_update(zone=zone_a, by=admin, name="Tokyo", travel_required=False, travel_flat_fee=None)
    zone_a.refresh_from_db()
    assert zone_a.travel_flat_fee is None


@pytest.mark.parametrize("fee", [0, -5, 10_000_001, True, "20000"])
def test_a_bad_flat_travel_fee_is_refused(admin, zone_a, fee):
    with pytest.raises(ValidationFailed) as refused:
        zone_update(zone=zone_a, by=admin, name="Tokyo", travel_required=False, travel_flat_fee=fee)
    assert [p.field for p in refused.value.problems] == ["travel_flat_fee"]
    zone_a.refresh_from_db()
    assert zone_a.travel_flat_fee is None


def test_a_zone_without_a_name_is_refused(admin, zone_a):
    with pytest.raises(ValidationFailed) as refused:
        zone_update(zone=zone_a, by=admin, name="  ", travel_required=False)
    assert [p.field for p in refused.value.problems] == ["name"]
    assert CoverageZone.objects.get(pk=zone_a.pk).name == "Tokyo metro"


def test_only_an_admin_changes_a_zone(carol, zone_a):
    with pytest.raises(NotAllowed):
        zone_update(zone=zone_a, by=carol, name="Mine", travel_required=True)
    assert CoverageZone.objects.get(pk=zone_a.pk).name == "Tokyo metro"
    assert not AuditEvent.objects.exists()


def test_an_area_maps_to_one_zone_of_a_policy(admin, zone_a, ecorpone):
    area = area_add(zone=zone_a, by=admin, prefecture="千葉県")
    assert AuditEvent.objects.filter(action="coverage.area_added").count() == 1
    zone_c = CoverageZone.objects.get(policy=ecorpone, code="C")
    with pytest.raises(ValidationFailed) as refused:
        area_add(zone=zone_c, by=admin, prefecture="千葉県")
    assert [p.code for p in refused.value.problems] == ["duplicate"]
    assert list(CoverageArea.objects.filter(prefecture="千葉県")) == [area]
    area_remove(area=area, by=admin)
    assert not CoverageArea.objects.filter(prefecture="千葉県").exists()
    assert AuditEvent.objects.get(action="coverage.area_removed").data["zone"] == "A"


def test_only_an_admin_adds_or_removes_areas(carol, alice, admin, zone_a):
    with pytest.raises(NotAllowed):
        area_add(zone=zone_a, by=carol, prefecture="千葉県")
    assert not CoverageArea.objects.filter(prefecture="千葉県").exists()
    area = CoverageArea.objects.filter(zone=zone_a).first()
    with pytest.raises(NotAllowed):
        area_remove(area=area, by=alice)
    assert CoverageArea.objects.filter(pk=area.pk).exists()
    assert not AuditEvent.objects.exists()
