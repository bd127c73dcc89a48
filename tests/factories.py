"""Factories for tests: a complete order by default, so each test removes only what it is about."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory

from genba.accounts.models import Organization, OrganizationKind, Role, User
from genba.contracts.models import Contract, ContractKind, Policy
from genba.sites.models import CoverageArea, CoverageZone

JST = ZoneInfo("Asia/Tokyo")
# Tests run at a fixed "now": Monday 2026-11-30 09:00 JST.
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=JST)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Customer {n}")
    kind = OrganizationKind.CUSTOMER
    country = "US"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.CUSTOMER
    organization = factory.SubFactory(OrganizationFactory)
    password = factory.django.Password("correct horse battery staple")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    organization = factory.SubFactory(OrganizationFactory)
    name = "Retainer 2026"
    kind = ContractKind.RETAINER
    policy = factory.LazyFunction(lambda: Policy.objects.get(key="ecorpone"))
    starts_on = date(2026, 1, 1)
    rate_entry = 8000
    rate_senior = 12000
    rate_specialist = 18000


def tokyo_coverage(policy: Policy) -> None:
    """Tokyo and Kanagawa in zone A; Osaka needs travel (zone C)."""
    zone_a, _ = CoverageZone.objects.get_or_create(
        policy=policy, code="A", defaults={"name": "Tokyo metro"}
    )
    zone_c, _ = CoverageZone.objects.get_or_create(
        policy=policy, code="C", defaults={"name": "Kansai", "travel_required": True}
    )
    CoverageArea.objects.get_or_create(zone=zone_a, prefecture="東京都", municipality_code="")
    CoverageArea.objects.get_or_create(zone=zone_a, prefecture="神奈川県", municipality_code="")
    CoverageArea.objects.get_or_create(zone=zone_c, prefecture="大阪府", municipality_code="")


def complete_order(**overrides) -> dict:
    """An API document for a request with nothing missing under either preset."""
    document = {
        "title": "Replace failed disk in storage array",
        "reference": "PO-4711",
        "work_description": "Replace the failed disk in slot 3 of the array, then confirm the rebuild "
        "with the remote engineer before leaving.",
        "skill_level": "senior",
        "engineers": 1,
        "languages": ["en"],
        "urgency": 1,
        "datacenter_reference": "DC-REF-889",
        "site": {
            "name": "Otemachi DC",
            "company_name": "Acme KK",
            "postal_code": "100-0004",
            "prefecture": "Tokyo",
            "city": "Chiyoda-ku",
            "street": "1-2-3 Otemachi",
            "building": "Otemachi Tower",
            "floor": "5",
            "room": "Cage 12",
            "entry_instructions": "Show photo ID at the security desk; escort to the 5th floor.",
            "maps_url": "https://maps.app.goo.gl/abc123",
            "is_datacenter": True,
        },
        "local_contact": {
            "name": "Taro Yamada",
            "phone": "03-1234-5678",
            "email": "yamada@acme.example",
        },
        "remote_engineer": {
            "name": "Jane Doe",
            "phone": "+1 415 555 0132",
            "email": "jane@acme.example",
            "language": "en",
        },
        "visits": [{"scheduled_start": "2026-12-08T10:00:00+09:00", "reserved_hours": "3"}],
        "equipment": [{"make": "NetApp", "model": "FAS2750", "serial": "SN-001"}],
        "items_to_bring": ["laptop"],
        "paperwork": [],
    }
    document.update(overrides)
    return document


def hours(value) -> Decimal:
    return Decimal(str(value))
