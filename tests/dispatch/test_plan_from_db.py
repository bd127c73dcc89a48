"""`genba plan --date`: the day's open requests as an instance; accepting a plan makes proposals."""

from __future__ import annotations

from datetime import date

import pytest

from genba.dispatch.models import Leave
from genba.dispatch.plan_from_db import accept_plan, instance_for_date
from genba.orders.models import RequestStatus
from tests.dispatch.helpers import engineer, profile_for
from tests.orders.helpers import approved, reload, submitted

pytestmark = pytest.mark.django_db
DAY = date(2026, 12, 8)  # complete_order's visit: Tuesday 10:00


def test_the_days_open_requests_and_working_engineers(alice, bob, provider, ken):
    first, second = submitted(alice), submitted(bob)
    profile_for(ken)
    weekend = engineer(provider, work_days=[5, 6])
    instance = instance_for_date(DAY)
    assert {r["id"] for r in instance["requests"]} == {first.public_id, second.public_id}
    request = instance["requests"][0]
    assert request["start"].startswith("2026-12-08T10:00:00+09:00")
    assert request["end"].startswith("2026-12-08T13:30:00+09:00")  # 3 h + 30 min grace
    assert request["languages"] == ["en"] and request["skill_level"] == "senior"
    ids = [e["id"] for e in instance["engineers"]]
    assert ken.engineer_profile.public_id in ids and weekend.public_id not in ids


def test_engineers_on_leave_are_left_out(alice, ken):
    profile = profile_for(ken)
    submitted(alice)
    Leave.objects.create(
        engineer=ken, starts_at="2026-12-08T00:00:00+09:00", ends_at="2026-12-09T00:00:00+09:00"
    )
    assert profile.public_id not in [e["id"] for e in instance_for_date(DAY)["engineers"]]


def test_a_confirmed_booking_ends_the_planned_shift(alice, bob, carol, ken):
    profile_for(ken)
    approved(alice, carol, ken)
    (entry,) = [
        e for e in instance_for_date(DAY)["engineers"] if e["id"] == ken.engineer_profile.public_id
    ]
    assert entry["shift"]["end"].startswith("2026-12-08T10:00:00+09:00")


def test_requests_not_yet_submitted_or_on_other_days_are_not_planned(alice):
    from tests.orders.helpers import new_request

    new_request(alice)  # a draft
    submitted(
        alice, visits=[{"scheduled_start": "2026-12-09T10:00:00+09:00", "reserved_hours": "3"}]
    )
    assert instance_for_date(DAY)["requests"] == []


def test_accepting_a_plan_makes_the_proposals(alice, carol, ken):
    profile = profile_for(ken)
    request = submitted(alice)
    plan = {
        "assignments": [{"request": request.public_id, "engineers": [profile.public_id]}],
        "unassigned": [],
    }
    assert accept_plan(plan, by=carol) == [(request.public_id, "proposed")]
    assert reload(request).status == RequestStatus.PROPOSED


def test_accepting_reports_what_was_refused(alice, carol, ken):
    profile_for(ken)
    request = submitted(alice)
    results = accept_plan(
        {"assignments": [{"request": request.public_id, "engineers": ["eng_unknown"]}]}, by=carol
    )
    assert results[0][0] == request.public_id and results[0][1] != "proposed"
    assert reload(request).status == RequestStatus.SUBMITTED


def test_genba_plan_date_accept_makes_proposals(alice, carol, ken, capsys):
    import json

    from django.core.management import call_command

    profile_for(ken)
    request = submitted(alice)
    call_command("plan", date="2026-12-08", time_limit="5")
    plan = json.loads(capsys.readouterr().out)
    assert plan["assignments"] == [
        {"request": request.public_id, "engineers": [ken.engineer_profile.public_id]}
    ]
    assert reload(request).status == RequestStatus.SUBMITTED  # nothing stored without --accept
    call_command(
        "plan", date="2026-12-08", time_limit="5", accept=True, as_user="carol@genba.example"
    )
    accepted = json.loads(capsys.readouterr().out)["accepted"]
    assert accepted == [{"request": request.public_id, "result": "proposed"}]
    assert reload(request).status == RequestStatus.PROPOSED
