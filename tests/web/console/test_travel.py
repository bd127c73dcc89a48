"""The console side of travel (issue 13 item 2): the coordinator's travel boxes on the proposal
form, and the policy's travel time rate and the zone's flat fee on the settings page."""

from __future__ import annotations

import pytest

from genba.contracts.models import Policy
from genba.core.models import AuditEvent
from genba.dispatch.models import Proposal
from genba.sites.models import CoverageZone
from tests.orders.helpers import submitted
from tests.web.console.conftest import page
from tests.web.console.test_settings import URL, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def charged(ecorpone):
    ecorpone.travel_time_rate = 4000
    ecorpone.save()
    return ecorpone


def test_the_coordinator_proposes_with_travel(alice, carol, ken_profile, client_as, charged):
    request = submitted(alice)
    client = client_as(carol)
    html = page(client.get(f"/console/requests/{request.public_id}/"))
    assert 'name="travel_costs"' in html and 'name="travel_hours"' in html
    assert "Travel time is charged at ¥4,000 per hour per engineer." in html
    response = client.post(
        f"/console/requests/{request.public_id}/propose/",
        {
            "engineers": [ken_profile.public_id],
            "travel_costs": "Taxi from the station, both ways ¥4,200\n\nParking 1,000",
            "travel_hours": "1.5",
        },
    )
    assert response.status_code == 302, page(response)
    proposal = Proposal.objects.get(request=request)
    lines = [(ln["kind"], ln.get("description"), ln["amount"]) for ln in proposal.estimate["lines"]]
    assert lines[1:] == [
        ("travel", "Taxi from the station, both ways", 4200),
        ("travel", "Parking", 1000),
        ("travel_time", None, 6000),
    ]


def test_bad_travel_is_shown_next_to_the_boxes(alice, carol, ken_profile, client_as, charged):
    request = submitted(alice)
    client = client_as(carol)
    response = client.post(
        f"/console/requests/{request.public_id}/propose/",
        {
            "engineers": [ken_profile.public_id],
            "travel_costs": "Hotel\nShinkansen 99999999",
            "travel_hours": "30",
        },
    )
    assert response.status_code == 422
    html = page(response)
    assert "Line 1: write what it is, then the amount in yen." in html
    assert not Proposal.objects.filter(request=request).exists()
    # An amount past the bound is refused by the service, named by its line.
    response = client.post(
        f"/console/requests/{request.public_id}/propose/",
        {"engineers": [ken_profile.public_id], "travel_costs": "Shinkansen 99999999"},
    )
    assert response.status_code == 422
    assert "Line 1: Must be a whole number of yen from 1 to 10,000,000." in page(response)
    assert not Proposal.objects.filter(request=request).exists()


def test_travel_hours_are_refused_when_the_policy_charges_none(
    alice, carol, ken_profile, client_as, ecorpone
):
    request = submitted(alice)
    response = client_as(carol).post(
        f"/console/requests/{request.public_id}/propose/",
        {"engineers": [ken_profile.public_id], "travel_hours": "2"},
    )
    assert response.status_code == 422
    assert "The policy charges no travel time: leave this empty." in page(response)


def test_the_policy_page_sets_the_travel_time_rate(client_as, admin, ecorpone):
    client = client_as(admin)
    assert 'name="travel_time_rate"' in page(client.get(URL))
    response = client.post(URL, form_data(ecorpone, travel_time_rate="4000"))
    assert response.status_code == 302
    assert Policy.objects.get(pk=ecorpone.pk).travel_time_rate == 4000
    event = AuditEvent.objects.get(action="policy.updated")
    assert event.data == {"changes": {"travel_time_rate": [None, 4000]}}
    for bad in ("0", "10000001", "1.5", "lots"):
        refused = client.post(URL, form_data(ecorpone, travel_time_rate=bad))
        assert refused.status_code == 422, bad
    assert Policy.objects.get(pk=ecorpone.pk).travel_time_rate == 4000
    cleared = client.post(URL, form_data(ecorpone, travel_time_rate=""))
    assert cleared.status_code == 302
    assert Policy.objects.get(pk=ecorpone.pk).travel_time_rate is None


def test_the_zone_form_sets_the_flat_fee(client_as, admin, ecorpone):
    client = client_as(admin)
    zone = CoverageZone.objects.get(policy=ecorpone, code="C")
    prefix = f"zone{zone.pk}"
    assert f'name="{prefix}-travel_flat_fee"' in page(client.get(URL))
    client.post(
        f"{URL}zones/{zone.pk}/",
        {f"{prefix}-name": zone.name, f"{prefix}-travel_required": "on",
         f"{prefix}-travel_flat_fee": "20000"},
    )  # fmt: skip
    assert CoverageZone.objects.get(pk=zone.pk).travel_flat_fee == 20000
    refused = client.post(
        f"{URL}zones/{zone.pk}/",
        {f"{prefix}-name": zone.name, f"{prefix}-travel_flat_fee": "0"},
        follow=True,
    )
    assert "The flat travel fee is empty or from 1 to 10,000,000 yen." in page(refused)
    assert CoverageZone.objects.get(pk=zone.pk).travel_flat_fee == 20000


def test_another_policy_zone_is_a_404(client_as, admin, ecorpone, tokyo_its):
    zone = CoverageZone.objects.get(policy=tokyo_its, code="C")
    response = client_as(admin).post(
        f"{URL}zones/{zone.pk}/",
        {f"zone{zone.pk}-name": "X", f"zone{zone.pk}-travel_flat_fee": "1"},
    )
    assert response.status_code == 404
    assert CoverageZone.objects.get(pk=zone.pk).travel_flat_fee is None
