"""Policy settings are changed by an admin only, one audited change per save (old → new)."""

from __future__ import annotations

from datetime import time

import pytest

from genba.accounts.models import Role
from genba.contracts.models import Policy
from genba.contracts.services import policy_update
from genba.core.errors import NotAllowed, ValidationFailed
from genba.core.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(provider):
    return UserFactory(email="admin@genba.example", organization=provider, role=Role.ADMIN)


def test_only_the_fields_that_differ_are_saved_and_audited(admin, ecorpone):
    policy_update(policy=ecorpone, by=admin, changes={"grace_minutes": 45, "name": ecorpone.name})
    assert Policy.objects.get(pk=ecorpone.pk).grace_minutes == 45
    event = AuditEvent.objects.get(action="policy.updated")
    assert event.data == {"changes": {"grace_minutes": [30, 45]}}
    assert event.actor == admin


def test_saving_the_same_values_writes_no_audit_row(admin, ecorpone):
    policy_update(policy=ecorpone, by=admin, changes={"grace_minutes": ecorpone.grace_minutes})
    assert not AuditEvent.objects.filter(action="policy.updated").exists()


@pytest.mark.parametrize("who", ["carol", "bill", "alice"])
def test_only_an_admin_changes_a_policy(request, ecorpone, who):
    with pytest.raises(NotAllowed):
        policy_update(
            policy=ecorpone, by=request.getfixturevalue(who), changes={"grace_minutes": 1}
        )
    assert Policy.objects.get(pk=ecorpone.pk).grace_minutes == 30
    assert not AuditEvent.objects.filter(action="policy.updated").exists()


def test_hours_that_end_before_they_start_are_refused_naming_the_field(admin, ecorpone):
    with pytest.raises(ValidationFailed) as refused:
        policy_update(policy=ecorpone, by=admin, changes={"business_end": time(8, 0)})
    assert [p.field for p in refused.value.problems] == ["business_end"]
    assert Policy.objects.get(pk=ecorpone.pk).business_end == ecorpone.business_end
    assert not AuditEvent.objects.exists()


def test_the_key_is_not_a_setting(admin, ecorpone):
    with pytest.raises(ValidationFailed) as refused:
        policy_update(policy=ecorpone, by=admin, changes={"key": "other", "grace_minutes": 5})
    assert [p.field for p in refused.value.problems] == ["key"]
    assert Policy.objects.get(pk=ecorpone.pk).key == "ecorpone"
    assert Policy.objects.get(pk=ecorpone.pk).grace_minutes == 30


def test_the_travel_time_rate_is_set_cleared_and_audited(admin, ecorpone):
    policy_update(policy=ecorpone, by=admin, changes={"travel_time_rate": 4000})
    ecorpone.refresh_from_db()
    assert ecorpone.travel_time_rate == 4000
    policy_update(policy=ecorpone, by=admin, changes={"travel_time_rate": None})
    ecorpone.refresh_from_db()
    assert ecorpone.travel_time_rate is None
    changes = [
        e.data["changes"]["travel_time_rate"]
        for e in AuditEvent.objects.filter(action="policy.updated").order_by("id")
    ]
    assert changes == [[None, 4000], [4000, None]]


@pytest.mark.parametrize("rate", [0, -1, 10_000_001, "lots", 1.5])
def test_a_bad_travel_time_rate_is_refused_naming_the_field(admin, ecorpone, rate):
    with pytest.raises(ValidationFailed) as refused:
        policy_update(policy=ecorpone, by=admin, changes={"travel_time_rate": rate})
    assert [p.field for p in refused.value.problems] == ["travel_time_rate"]
    ecorpone.refresh_from_db()
    assert ecorpone.travel_time_rate is None
    assert not AuditEvent.objects.filter(action="policy.updated").exists()
