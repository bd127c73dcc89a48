"""Writing what the customer sent (orders.inputs.RequestIn) onto a request and its parts.

Called by the create and update services inside their transaction; a problem raises before the
transaction commits, so a refused change leaves nothing behind.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from genba.contracts.models import Contract, ContractKind
from genba.core import clock
from genba.core.errors import Problems, ValidationFailed
from genba.orders.inputs import ContactIn, RequestIn, SiteIn
from genba.orders.models import EquipmentLine, ItemToBring, PaperworkItem, ServiceRequest, Visit
from genba.sites.models import Contact, Site

SCALAR_FIELDS = (
    "title",
    "reference",
    "work_description",
    "languages",
    "urgency",
    "sla_requested",
    "force_without_local_contact",
    "datacenter_reference",
    "customer_notes",
)


def active_contract_for(organization) -> Contract:
    """The customer's contract in force now; a retainer wins over an ad hoc one."""
    contracts = list(
        Contract.objects.active_on(clock.now())
        .filter(organization=organization)
        .select_related("policy")
    )
    if not contracts:
        raise ValidationFailed(
            _("Your organization has no active contract: please ask the provider to set one up."),
            problems=[],
            code="no_contract",
        )
    contracts.sort(key=lambda c: (c.kind != ContractKind.RETAINER, -c.starts_on.toordinal()))
    return contracts[0]


def apply_input(
    request: ServiceRequest, data: RequestIn, fields: set[str], *, creating: bool
) -> None:
    """Copy the given fields onto `request` (saved) and replace the parts that were sent."""
    problems = Problems()
    policy = request.policy
    for name in SCALAR_FIELDS:
        if name in fields:
            setattr(request, name, getattr(data, name))
    if creating or "skill_level" in fields:
        # Defaults are recorded on the request so that what the customer sees is what is billed.
        request.skill_level = data.skill_level or policy.default_skill_level
        request.skill_level_defaulted = data.skill_level is None
    if creating or "engineers" in fields:
        request.engineers = (
            data.engineers if data.engineers is not None else policy.default_engineers
        )

    organization = request.organization
    site = _resolve_site(request, data, fields, problems)
    local = _resolve_contact(request, "local_contact", data, fields, problems)
    remote = _resolve_contact(request, "remote_engineer", data, fields, problems)
    problems.raise_if_any()

    if site is not _UNCHANGED:
        request.site = _save_site(site, organization, request)
    if local is not _UNCHANGED:
        request.local_contact = _save_contact(local, organization, request, "local_contact")
    if remote is not _UNCHANGED:
        request.remote_engineer = _save_contact(remote, organization, request, "remote_engineer")
    request.updated_at = clock.now()
    request.save()

    if "visits" in fields:
        request.visits.all().delete()
        Visit.objects.bulk_create(
            Visit(
                request=request,
                position=i,
                scheduled_start=v.scheduled_start,
                reserved_hours=v.reserved_hours
                if v.reserved_hours is not None
                else policy.default_reserved_hours,
                reserved_hours_defaulted=v.reserved_hours is None,
            )
            for i, v in enumerate(data.visits)
        )
    if "equipment" in fields:
        request.equipment.all().delete()
        EquipmentLine.objects.bulk_create(
            EquipmentLine(request=request, position=i, **e.model_dump())
            for i, e in enumerate(data.equipment)
        )
    if "items_to_bring" in fields:
        request.items_to_bring.all().delete()
        ItemToBring.objects.bulk_create(
            ItemToBring(request=request, position=i, name=name)
            for i, name in enumerate(data.items_to_bring)
        )
    if "paperwork" in fields:
        request.paperwork.all().delete()
        PaperworkItem.objects.bulk_create(
            PaperworkItem(request=request, position=i, **p.model_dump())
            for i, p in enumerate(data.paperwork)
        )


_UNCHANGED = object()


def _resolve_site(request, data: RequestIn, fields: set[str], problems: Problems):
    """Returns a Site (chosen by id), a SiteIn (to write), None (to clear), or _UNCHANGED."""
    if "site_id" in fields and data.site_id and "site" in fields and data.site is not None:
        problems.add("site", _("Send either site or site_id, not both."), "conflict")
        return _UNCHANGED
    if "site_id" in fields and data.site_id:
        site = Site.objects.filter(
            organization=request.organization, public_id=data.site_id
        ).first()
        if site is None:
            problems.add("site_id", _("No site with this id in your organization."), "unknown")
            return _UNCHANGED
        return site
    if "site" in fields:
        return data.site
    if "site_id" in fields:  # explicitly null
        return None
    return _UNCHANGED


def _resolve_contact(request, role: str, data: RequestIn, fields: set[str], problems: Problems):
    id_field = f"{role}_id"
    given = getattr(data, role)
    given_id = getattr(data, id_field)
    if id_field in fields and given_id and role in fields and given is not None:
        problems.add(
            role,
            _("Send either %(a)s or %(b)s, not both.") % {"a": role, "b": id_field},
            "conflict",
        )
        return _UNCHANGED
    if id_field in fields and given_id:
        contact = Contact.objects.filter(
            organization=request.organization, public_id=given_id
        ).first()
        if contact is None:
            problems.add(id_field, _("No contact with this id in your organization."), "unknown")
            return _UNCHANGED
        return contact
    if role in fields:
        return given
    if id_field in fields:
        return None
    return _UNCHANGED


def _only_used_by(obj, request: ServiceRequest, *fields: str) -> bool:
    """True when no other request points at `obj`: then an inline edit may change it in place."""
    from django.db.models import Q

    if obj is None or obj.pk is None:
        return False
    query = Q()
    for name in fields:
        query |= Q(**{name: obj})
    return not ServiceRequest.objects.filter(query).exclude(pk=request.pk).exists()


def _save_site(value, organization, request: ServiceRequest):
    if value is None or isinstance(value, Site):
        return value
    assert isinstance(value, SiteIn)
    current = request.site
    site = current if _only_used_by(current, request, "site") else Site(organization=organization)
    for name, field_value in value.model_dump().items():
        setattr(site, name, field_value)
    if not site.name:
        site.name = (
            " ".join(p for p in (value.company_name, value.building, value.city) if p)[:200]
            or "Site"
        )
    site.save()
    return site


def _save_contact(value, organization, request: ServiceRequest, role: str):
    if value is None or isinstance(value, Contact):
        return value
    assert isinstance(value, ContactIn)
    current = getattr(request, role)
    reusable = _only_used_by(current, request, "local_contact", "remote_engineer")
    contact = current if reusable else Contact(organization=organization)
    values = value.model_dump()
    contact.phone_input = values.pop("phone")
    for name, field_value in values.items():
        setattr(contact, name, field_value)
    contact.save()
    return contact
