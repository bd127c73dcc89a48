"""Reads of service requests: what a user may see, and the facts the completeness check reads."""

from __future__ import annotations

import logging

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from genba.accounts.models import Role
from genba.billing.selectors import provider_contact
from genba.contracts.models import Policy
from genba.core import clock
from genba.dispatch.models import Proposal
from genba.orders import completeness, pricing_bridge
from genba.orders.facts import (
    ContactFacts,
    ContractFacts,
    CoverageRule,
    EquipmentFacts,
    PaperworkFacts,
    PolicyRules,
    RequestFacts,
    SiteFacts,
    VisitFacts,
)
from genba.orders.models import AttachmentKind, ServiceRequest, Visit

logger = logging.getLogger(__name__)
_TERMS_KEY = "pricing_terms"
_PROVIDER_KEY = "provider_contact"

# Everything a request page or API document shows, fetched in a fixed number of queries.
DETAIL_PREFETCH = (
    Prefetch("visits", queryset=Visit.objects.prefetch_related("assigned_engineers")),
    "equipment",
    "items_to_bring",
    "paperwork",
    "attachments",
    Prefetch(
        "proposals",
        queryset=Proposal.objects.prefetch_related("engineers").order_by("created_at", "id"),
    ),
)


def requests_visible_to(user) -> QuerySet[ServiceRequest]:
    """Rulebook §7: a customer sees its organization's requests; an engineer the ones with a visit
    assigned to him or her; coordinators, billing and admins see every request."""
    qs = ServiceRequest.objects.all()
    if user is None or not user.is_active:
        return qs.none()
    if user.role == Role.CUSTOMER:
        if user.organization_id is None:
            return qs.none()
        return qs.filter(organization_id=user.organization_id)
    if user.role == Role.ENGINEER:
        return qs.filter(Q(visits__assigned_engineers=user)).distinct()
    if user.role in (Role.COORDINATOR, Role.BILLING, Role.ADMIN):
        return qs
    return qs.none()


def with_details(qs: QuerySet[ServiceRequest]) -> QuerySet[ServiceRequest]:
    return qs.select_related(
        "organization",
        "contract",
        "policy",
        "site",
        "local_contact",
        "remote_engineer",
        "created_by",
    ).prefetch_related(*DETAIL_PREFETCH)


def get_request_for(user, public_id: str, *, details: bool = True) -> ServiceRequest:
    """The request if the user may see it; otherwise 404, exactly as if it did not exist."""
    qs = requests_visible_to(user)
    if details:
        qs = with_details(qs)
    try:
        return qs.get(public_id=public_id)
    except ServiceRequest.DoesNotExist:
        raise Http404 from None


def rules_by_policy(policies) -> dict[int, PolicyRules]:
    """Each policy's rules with its coverage table, in one query for all of them (lists of
    requests under several policies read them at once)."""
    from genba.sites.models import CoverageArea

    policies = {p.pk: p for p in policies}
    coverage: dict[int, list[CoverageRule]] = {pk: [] for pk in policies}
    for area in CoverageArea.objects.filter(zone__policy_id__in=policies).select_related("zone"):
        coverage[area.zone.policy_id].append(
            CoverageRule(
                prefecture=area.prefecture,
                municipality_code=area.municipality_code or None,
                zone=area.zone.code,
                travel_required=area.zone.travel_required,
            )
        )
    return {
        pk: PolicyRules.from_dict(policy.as_rules_dict(), coverage=tuple(coverage[pk]))
        for pk, policy in policies.items()
    }


def policy_rules(policy: Policy) -> PolicyRules:
    """The policy's rules with its coverage table (one query for the table)."""
    return rules_by_policy([policy])[policy.pk]


def contact_facts(contact) -> ContactFacts | None:
    if contact is None:
        return None
    return ContactFacts(
        name=contact.name,
        phone_input=contact.phone_input,
        email=contact.email,
        skype=contact.skype,
        whatsapp=contact.whatsapp,
        line=contact.line,
    )


def site_facts(site) -> SiteFacts | None:
    """A stored Site or a typed-in SiteIn (orders.preview): the check reads the same attributes."""
    if site is None:
        return None
    return SiteFacts(
        postal_code=site.postal_code,
        prefecture=site.prefecture,
        city=site.city,
        street=site.street,
        floor=site.floor,
        entry_instructions=site.entry_instructions,
        maps_url=site.maps_url,
        is_datacenter=site.is_datacenter,
    )


def request_facts(request: ServiceRequest) -> RequestFacts:
    site = request.site
    return RequestFacts(
        reference=request.reference,
        skill_level=None if request.skill_level_defaulted else request.skill_level,
        skill_level_defaulted=request.skill_level_defaulted,
        engineers=request.engineers,
        languages=tuple(request.languages or ()),
        work_description=request.work_description,
        urgency=request.urgency,
        sla_requested=request.sla_requested,
        call_recorded=request.call_recorded_at is not None,
        force_without_local_contact=request.force_without_local_contact,
        has_work_instructions=any(
            a.kind == AttachmentKind.WORK_INSTRUCTIONS for a in request.attachments.all()
        ),
        datacenter_reference=request.datacenter_reference,
        site=site_facts(site),
        local_contact=contact_facts(request.local_contact),
        remote_engineer=contact_facts(request.remote_engineer),
        visits=tuple(
            VisitFacts(
                scheduled_start=v.scheduled_start,
                reserved_hours=None if v.reserved_hours_defaulted else v.reserved_hours,
            )
            for v in request.visits.all()
            if v.status != "cancelled"
        ),
        equipment=tuple(
            EquipmentFacts(make=e.make, model=e.model, serial=e.serial)
            for e in request.equipment.all()
        ),
        items_to_bring=tuple(i.name for i in request.items_to_bring.all()),
        paperwork=tuple(PaperworkFacts(p.description, p.done) for p in request.paperwork.all()),
    )


def request_findings(
    request: ServiceRequest, rules: dict[int, PolicyRules] | None = None
) -> list[completeness.Finding]:
    """The open findings. Pass one `rules` dict across a list so each policy is read once.

    Never raises on stored data (issue 11): a value the check or the price cannot read (a start in
    the year 9999 stored by an old version, a policy row edited into nonsense, a NaN written by a
    migration) becomes a `request.unreadable` finding on this request, and every other request of
    a list is checked as usual. An error finding blocks approval, proposal and release, so no page
    prices a request whose terms cannot be priced (`pricing_bridge.terms_problem`)."""
    rules = {} if rules is None else rules
    try:
        if request.policy_id not in rules:
            rules[request.policy_id] = policy_rules(request.policy)
        contract = request.contract
        # The provider's numbers, read once per list like the policies (a key no policy id takes).
        if _PROVIDER_KEY not in rules:
            rules[_PROVIDER_KEY] = provider_contact()  # type: ignore[index]
        findings = completeness.check(
            request_facts(request),
            rules[request.policy_id],
            ContractFacts(kind=contract.kind, active=contract.active),
            now=clock.now(),
            provider=rules[_PROVIDER_KEY],  # type: ignore[index,arg-type]
        )
    except pricing_bridge.STORED_VALUE_ERRORS:
        logger.warning(
            "request %s: stored values cannot be checked", request.public_id, exc_info=True
        )
        return [completeness.unreadable("")]
    # The terms the price reads beyond the visits, judged once per policy across a list (kept in
    # the `rules` dict the list shares, under a key no policy id can take).
    terms = rules.setdefault(_TERMS_KEY, {})  # type: ignore[call-overload]
    problem = pricing_bridge.terms_problem(request, terms)
    if problem:
        findings.insert(0, completeness.unreadable(problem))
    return findings
