"""Admins only: policy numbers and the coverage table, each change audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from genba.contracts.models import Policy
from genba.core.models import AuditEvent
from genba.sites.models import CoverageArea, CoverageZone
from tests.web.console.conftest import page

pytestmark = pytest.mark.django_db
URL = "/console/settings/policies/ecorpone/"


def form_data(policy, **changes):
    data = {
        "name": policy.name,
        "business_start": policy.business_start.strftime("%H:%M"),
        "business_end": policy.business_end.strftime("%H:%M"),
        "after_hours_multiplier": policy.after_hours_multiplier,
        "overtime_multiplier": policy.overtime_multiplier,
        "minimum_hours": policy.minimum_hours,
        "default_reserved_hours": policy.default_reserved_hours,
        "grace_minutes": policy.grace_minutes,
        "billing_increment_minutes": policy.billing_increment_minutes,
        "min_lead_hours": policy.min_lead_hours,
        "en_route_window_hours": policy.en_route_window_hours,
        "invoice_within_hours": policy.invoice_within_hours or "",
        "photo_id_retention_days": policy.photo_id_retention_days,
    }
    for name in (
        "reference_required_before_release",
        "equipment_list_required",
        "datacenter_reference_required",
        "remote_engineer_required",
        "maps_url_expected",
    ):
        if getattr(policy, name):
            data[name] = "on"
    data.update(changes)
    return data


@pytest.mark.parametrize("who", ["carol", "bill", "alice", "ken"])
def test_only_admins_see_settings(request, client_as, ecorpone, who):
    client = client_as(request.getfixturevalue(who))
    assert client.get("/console/settings/").status_code == 404
    assert client.get(URL).status_code == 404
    assert client.post(URL, form_data(ecorpone, grace_minutes=5)).status_code == 404
    assert Policy.objects.get(key="ecorpone").grace_minutes == ecorpone.grace_minutes


def test_the_settings_list_and_policy_page(client_as, admin, ecorpone, tokyo_its):
    html = page(client_as(admin).get("/console/settings/"))
    assert ecorpone.name in html and tokyo_its.name in html
    assert "東京都" in page(client_as(admin).get(URL))


def test_saving_a_policy_is_audited(client_as, admin, ecorpone):
    response = client_as(admin).post(URL, form_data(ecorpone, grace_minutes=45))
    assert response.status_code == 302
    assert Policy.objects.get(key="ecorpone").grace_minutes == 45
    event = AuditEvent.objects.get(action="policy.updated")
    assert event.data["changes"] == {"grace_minutes": [30, 45]}


def test_an_invalid_policy_is_refused_next_to_the_field(client_as, admin, ecorpone):
    response = client_as(admin).post(
        URL, form_data(ecorpone, after_hours_multiplier="9", business_end="08:00")
    )
    assert response.status_code == 422
    html = page(response)
    assert 'id="id_after_hours_multiplier_error"' in html and 'id="id_business_end_error"' in html
    policy = Policy.objects.get(key="ecorpone")
    assert policy.after_hours_multiplier == Decimal("1.5")
    assert not AuditEvent.objects.filter(action="policy.updated").exists()


def test_policy_form_needs_csrf(client_as, admin, ecorpone):
    client = client_as(admin, enforce_csrf_checks=True)
    assert client.post(URL, form_data(ecorpone, grace_minutes=1)).status_code == 403


def test_coverage_zone_and_areas(client_as, admin, ecorpone):
    client = client_as(admin)
    zone = CoverageZone.objects.get(policy=ecorpone, code="A")
    response = client.post(
        f"{URL}zones/{zone.pk}/",
        {f"zone{zone.pk}-name": "Kanto", f"zone{zone.pk}-travel_required": ""},
    )
    assert response.status_code == 302
    assert CoverageZone.objects.get(pk=zone.pk).name == "Kanto"
    added = client.post(
        f"{URL}areas/",
        {"area-zone": zone.pk, "area-prefecture": "Chiba", "area-municipality_code": ""},
    )
    assert added.status_code == 302
    area = CoverageArea.objects.get(zone=zone, prefecture="千葉県")
    duplicate = client.post(f"{URL}areas/", {"area-zone": zone.pk, "area-prefecture": "千葉県"})
    assert duplicate.status_code == 422 and "Already covered" in page(duplicate)
    assert CoverageArea.objects.filter(prefecture="千葉県").count() == 1
    unknown = client.post(f"{URL}areas/", {"area-zone": zone.pk, "area-prefecture": "Atlantis"})
    assert unknown.status_code == 422
    assert client.post(f"{URL}areas/{area.pk}/delete/").status_code == 302
    assert not CoverageArea.objects.filter(pk=area.pk).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"coverage.zone_updated", "coverage.area_added", "coverage.area_removed"} <= actions


def test_the_pages_take_a_fixed_number_of_queries(
    client_as, admin, ecorpone, tokyo_its, django_assert_num_queries
):
    client = client_as(admin)
    with CaptureQueriesContext(connection) as before:
        client.get(URL)
    expected = len(before.captured_queries)
    zone = CoverageZone.objects.create(policy=ecorpone, code="B", name="Outer")
    CoverageArea.objects.create(zone=zone, prefecture="埼玉県")
    CoverageArea.objects.create(zone=zone, prefecture="千葉県")
    with django_assert_num_queries(expected):
        client.get(URL)
    with CaptureQueriesContext(connection) as listing:
        client.get("/console/settings/")
    expected = len(listing.captured_queries)
    Policy.objects.create(key="third", name="Third", business_days=[0, 1, 2, 3, 4])
    with django_assert_num_queries(expected):
        client.get("/console/settings/")


def test_renders_in_english_and_japanese(client_as, admin, ecorpone):
    assert "Save the policy" in page(client_as(admin).get(URL))
    admin.language = "ja"
    admin.save()
    assert "ポリシーを保存" in page(client_as(admin).get(URL))
    assert "ポリシーと対応エリア" in page(client_as(admin).get("/console/settings/"))
