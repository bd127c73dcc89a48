"""Writes to sites, contacts and the coverage table: keyword-only, one transaction each, audited.

Sites and contacts belong to the caller's organization: only a customer user adds them, and always
to its own organization (the API and the pages pass the signed-in user, never an organization).
The coverage table (area → zone of a policy) is the admin's, from the settings page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from genba.accounts.models import Role
from genba.core import audit
from genba.core.bounds import MAX_YEN
from genba.core.errors import FieldProblem, ValidationFailed
from genba.core.transitions import lock, require_role
from genba.sites.models import Contact, CoverageArea, CoverageZone, Site

if TYPE_CHECKING:  # the input shapes are shared with orders; only their fields are read here
    from genba.orders.inputs import ContactIn, SiteIn


@transaction.atomic
def site_create(*, by, data: SiteIn) -> Site:
    """A site of the caller's organization; without a name it is named from its parts."""
    require_role(by, Role.CUSTOMER)
    site = Site(organization=by.organization, **data.model_dump())
    site.name = (
        site.name
        or " ".join(p for p in (data.company_name, data.building, data.city) if p)
        or "Site"
    )
    site.save()
    audit.record(actor=by, obj=site, action="created")
    return site


@transaction.atomic
def contact_create(*, by, data: ContactIn) -> Contact:
    """A contact of the caller's organization; the phone is kept as typed and in E.164."""
    require_role(by, Role.CUSTOMER)
    values = data.model_dump()
    contact = Contact(organization=by.organization, phone_input=values.pop("phone"), **values)
    contact.save()
    audit.record(actor=by, obj=contact, action="created")
    return contact


UNCHANGED = object()


@transaction.atomic
def zone_update(
    *, zone: CoverageZone, by, name: str, travel_required: bool, travel_flat_fee=UNCHANGED
) -> CoverageZone:
    """`travel_flat_fee`: yen per visit to the zone (issue 13: charged instead of travel time),
    None for none; left out, it stays as it is."""
    require_role(by, Role.ADMIN)
    zone = lock(CoverageZone, zone.pk)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(
            _("A zone needs a name."),
            problems=[FieldProblem("name", _("This field is required."), "required")],
        )
    fee = zone.travel_flat_fee if travel_flat_fee is UNCHANGED else travel_flat_fee
    if fee is not None and (
        isinstance(fee, bool) or not isinstance(fee, int) or not 1 <= fee <= MAX_YEN
    ):
        raise ValidationFailed(
            _("The zone was not saved."),
            problems=[
                FieldProblem(
                    "travel_flat_fee",
                    _("Empty, or a whole number of yen from 1 to %(max)s.")
                    % {"max": f"{MAX_YEN:,}"},
                    "invalid",
                )
            ],
        )
    before = {
        "name": zone.name,
        "travel_required": zone.travel_required,
        "travel_flat_fee": zone.travel_flat_fee,
    }
    zone.name, zone.travel_required, zone.travel_flat_fee = name, travel_required, fee
    zone.save(update_fields=["name", "travel_required", "travel_flat_fee"])
    audit.record(
        actor=by,
        obj=zone,
        action="coverage.zone_updated",
        data={
            "policy": zone.policy_id,
            "code": zone.code,
            "before": before,
            "after": {
                "name": zone.name,
                "travel_required": travel_required,
                "travel_flat_fee": fee,
            },
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
    """Map a prefecture (or one municipality of it) to a zone; an area maps to one zone only."""
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
