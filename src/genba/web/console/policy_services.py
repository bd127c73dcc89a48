"""Writes to policies and their coverage table, for the admin's settings page.

Kept here because no service for them exists elsewhere yet (the admin site edited them directly);
each is one transaction that locks the row, changes it and writes the audit row. They could move to
genba.contracts / genba.sites as they are.
"""

from __future__ import annotations

from django.db import transaction

from genba.accounts.models import Role
from genba.contracts.models import Policy
from genba.core import audit
from genba.core.transitions import lock, require_role
from genba.sites.models import CoverageArea, CoverageZone


def _jsonable(value):
    return value if isinstance(value, (bool, int, type(None))) else str(value)


@transaction.atomic
def policy_update(*, policy: Policy, by, changes: dict) -> Policy:
    """Set the given fields; only the ones that differ are saved and audited (old → new)."""
    require_role(by, Role.ADMIN)
    policy = lock(Policy, policy.pk)
    diff = {}
    for name, value in changes.items():
        before = getattr(policy, name)
        if before != value:
            diff[name] = [_jsonable(before), _jsonable(value)]
            setattr(policy, name, value)
    if not diff:
        return policy
    policy.full_clean()
    policy.save(update_fields=list(diff))
    audit.record(actor=by, obj=policy, action="policy.updated", data={"changes": diff})
    return policy


@transaction.atomic
def zone_update(*, zone: CoverageZone, by, name: str, travel_required: bool) -> CoverageZone:
    require_role(by, Role.ADMIN)
    zone = lock(CoverageZone, zone.pk)
    before = {"name": zone.name, "travel_required": zone.travel_required}
    zone.name, zone.travel_required = name.strip(), travel_required
    zone.save(update_fields=["name", "travel_required"])
    audit.record(
        actor=by,
        obj=zone,
        action="coverage.zone_updated",
        data={
            "policy": zone.policy_id,
            "code": zone.code,
            "before": before,
            "after": {"name": zone.name, "travel_required": travel_required},
        },
    )
    return zone


@transaction.atomic
def area_add(
    *,
    zone: CoverageZone,
    by,
    prefecture: str,
    municipality_code: str = "",
    municipality_name: str = "",
) -> CoverageArea:
    from django.utils.translation import gettext as _

    from genba.core.errors import FieldProblem, ValidationFailed

    require_role(by, Role.ADMIN)
    zone = lock(CoverageZone, zone.pk)
    taken = (
        CoverageArea.objects.filter(
            zone__policy_id=zone.policy_id,
            prefecture=prefecture,
            municipality_code=municipality_code,
        )
        .select_related("zone")
        .first()
    )
    if taken is not None:
        raise ValidationFailed(
            _("This area is already in zone %(zone)s.") % {"zone": taken.zone.code},
            problems=[
                FieldProblem(
                    "prefecture",
                    _("Already covered by zone %(zone)s.") % {"zone": taken.zone.code},
                    "duplicate",
                )
            ],
        )
    area = CoverageArea.objects.create(
        zone=zone,
        prefecture=prefecture,
        municipality_code=municipality_code,
        municipality_name=municipality_name.strip(),
    )
    audit.record(
        actor=by,
        obj=area,
        action="coverage.area_added",
        data={
            "policy": zone.policy_id,
            "zone": zone.code,
            "prefecture": prefecture,
            "municipality_code": municipality_code,
        },
    )
    return area


@transaction.atomic
def area_remove(*, area: CoverageArea, by) -> None:
    require_role(by, Role.ADMIN)
    area = CoverageArea.objects.select_for_update().select_related("zone").get(pk=area.pk)
    audit.record(
        actor=by,
        obj=area,
        action="coverage.area_removed",
        data={
            "policy": area.zone.policy_id,
            "zone": area.zone.code,
            "prefecture": area.prefecture,
            "municipality_code": area.municipality_code,
        },
    )
    area.delete()
