"""The proposal's travel through the API (issue 13 item 2): POST /requests/{id}/proposals takes
`travel`; the proposal document carries the travel lines in its estimate; problems name the field."""

from __future__ import annotations

import pytest

from genba.core import clock
from tests.api.helpers import create, error_fields, problem
from tests.dispatch.helpers import profile_for
from tests.orders.helpers import VISIT_START

pytestmark = pytest.mark.django_db


@pytest.fixture
def ken_profile(ken):
    return profile_for(ken)


@pytest.fixture
def charged(ecorpone):
    ecorpone.travel_time_rate = 4000
    ecorpone.save()
    return ecorpone


def submitted_id(api) -> str:
    clock.set_now(VISIT_START.replace(day=1))
    request_id = create(api)["id"]
    assert api.post(f"requests/{request_id}/submit").status_code == 200
    return request_id


TRAVEL = [
    {
        "hours": "1.5",
        "expenses": [{"description": "Taxi from the station, both ways", "amount": 4200}],
    }
]


def test_a_proposal_with_travel_carries_its_lines(alice_api, carol_api, ken_profile, charged):
    request_id = submitted_id(alice_api)
    response = carol_api.post(
        f"requests/{request_id}/proposals",
        {"engineer_ids": [ken_profile.public_id], "travel": TRAVEL},
    )
    assert response.status_code == 201, response.content
    (proposal,) = response.json()["proposals"]
    lines = [
        (ln["kind"], ln.get("description"), ln["amount"]) for ln in proposal["estimate"]["lines"]
    ]
    # ecorpone, senior 12,000 × 3 h business (Tuesday 10:00): 36,000; taxi 4,200; 1.5 h × 4,000.
    assert lines == [
        ("reservation", None, 36000),
        ("travel", "Taxi from the station, both ways", 4200),
        ("travel_time", None, 6000),
    ]
    assert proposal["estimate"]["total"] == (36000 + 4200 + 6000) * 11 // 10
    seen = alice_api.get(f"requests/{request_id}").json()["proposals"][0]
    assert seen["estimate"] == proposal["estimate"]


@pytest.mark.parametrize(
    ("travel", "field"),
    [
        ([{"expenses": [{"description": "Hotel", "amount": 0}]}], "travel[0].expenses[0].amount"),
        ([{"hours": 30}], "travel[0].hours"),
        ([{"visit": "vis_unknown"}], "travel[0].visit"),
    ],
)
def test_bad_travel_is_a_422_naming_the_field(
    alice_api, carol_api, ken_profile, charged, travel, field
):
    request_id = submitted_id(alice_api)
    response = carol_api.post(
        f"requests/{request_id}/proposals",
        {"engineer_ids": [ken_profile.public_id], "travel": travel},
    )
    body = problem(response, 422)
    assert error_fields(body) == [field]
    assert alice_api.get(f"requests/{request_id}").json()["proposals"] == []


def test_another_customer_sees_nothing_of_the_proposal(
    alice_api, bob_api, carol_api, ken_profile, charged
):
    request_id = submitted_id(alice_api)
    carol_api.post(
        f"requests/{request_id}/proposals",
        {"engineer_ids": [ken_profile.public_id], "travel": TRAVEL},
    )
    problem(bob_api.get(f"requests/{request_id}"), 404)


def test_the_quote_without_travel_is_unchanged(alice_api, carol_api, ken_profile, ecorpone):
    request_id = submitted_id(alice_api)
    response = carol_api.post(
        f"requests/{request_id}/proposals", {"engineer_ids": [ken_profile.public_id]}
    )
    (proposal,) = response.json()["proposals"]
    assert [ln["kind"] for ln in proposal["estimate"]["lines"]] == ["reservation"]
