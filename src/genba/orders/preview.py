"""What an order would look like before it is saved: its findings and its estimate.

The request form shows both live while the customer types. Nothing here writes: the facts are built
from the typed `RequestIn` the same way `selectors.request_facts` builds them from the saved rows, so
the findings shown while typing are the ones the saved request will have; the estimate is priced by
the engine the invoice uses (billing.pricing_bridge), for planned visits.
"""

from __future__ import annotations

from dataclasses import dataclass

from genba.core import clock
from genba.orders import completeness
from genba.orders.editing import active_contract_for
from genba.orders.facts import (
    ContactFacts,
    ContractFacts,
    EquipmentFacts,
    PaperworkFacts,
    RequestFacts,
    VisitFacts,
)
from genba.orders.inputs import ContactIn, RequestIn
from genba.orders.models import AttachmentKind, ServiceRequest
from genba.orders.pricing_bridge import STORED_VALUE_ERRORS, contract_rates, pricing_policy
from genba.orders.selectors import policy_rules, provider_contact, site_facts
from genba.pricing.engine import PricingError, Quote, VisitInput, price


@dataclass(frozen=True)
class Preview:
    findings: list[completeness.Finding]
    quote: Quote | None
    # Why there is no estimate: "no_visit" (nothing scheduled yet) or "invalid" (the engine refused
    # a value the findings already name, e.g. zero hours); "" when there is one.
    no_quote_reason: str = ""
    contract: object = None
    policy: object = None

    @property
    def errors(self) -> list[completeness.Finding]:
        return [f for f in self.findings if f.severity == completeness.ERROR]

    @property
    def warnings(self) -> list[completeness.Finding]:
        return [f for f in self.findings if f.severity == completeness.WARNING]


def _contact(value: ContactIn | None) -> ContactFacts | None:
    if value is None:
        return None
    return ContactFacts(
        name=value.name,
        phone_input=value.phone,
        email=value.email,
        skype=value.skype,
        whatsapp=value.whatsapp,
        line=value.line,
    )


def facts_from_input(
    data: RequestIn, *, call_recorded: bool = False, has_work_instructions: bool = False
) -> RequestFacts:
    """The facts of `data` as if saved (mirrors selectors.request_facts); a site or contact chosen
    by id is not resolved here: the form sends them inline."""
    site = data.site
    return RequestFacts(
        reference=data.reference,
        skill_level=data.skill_level,
        engineers=data.engineers,
        languages=tuple(data.languages),
        work_description=data.work_description,
        urgency=data.urgency,
        sla_requested=data.sla_requested,
        call_recorded=call_recorded,
        force_without_local_contact=data.force_without_local_contact,
        has_work_instructions=has_work_instructions,
        datacenter_reference=data.datacenter_reference,
        site=site_facts(site),
        local_contact=_contact(data.local_contact),
        remote_engineer=_contact(data.remote_engineer),
        visits=tuple(
            VisitFacts(scheduled_start=v.scheduled_start, reserved_hours=v.reserved_hours)
            for v in data.visits
        ),
        equipment=tuple(
            EquipmentFacts(make=e.make, model=e.model, serial=e.serial) for e in data.equipment
        ),
        items_to_bring=tuple(data.items_to_bring),
        paperwork=tuple(PaperworkFacts(p.description, p.done) for p in data.paperwork),
    )


def estimate_for_input(data: RequestIn, *, policy, contract) -> tuple[Quote | None, str]:
    """The planned visits priced as the proposal's estimate would price them once saved."""
    visits = [
        VisitInput(
            scheduled_start=v.scheduled_start,
            outcome="planned",
            skill_level=data.skill_level or policy.default_skill_level,
            engineers=data.engineers if data.engineers is not None else policy.default_engineers,
            reserved_hours=v.reserved_hours
            if v.reserved_hours is not None
            else policy.default_reserved_hours,
            label=str(number),
        )
        for number, v in enumerate(data.visits, start=1)
        if v.scheduled_start is not None
    ]
    if not visits:
        return None, "no_visit"
    try:
        quote = price(
            pricing_policy(policy),
            contract_rates(contract),
            visits,
            tax_treatment=contract.tax_treatment,
        )
    except (PricingError, *STORED_VALUE_ERRORS):
        # Stored values prefilled into the edit form may lie beyond what the engine can compute
        # (a start near the year 9999): no estimate, and the findings say why (issue 11).
        return None, "invalid"
    return quote, ""


def request_preview(*, by, data: RequestIn, request: ServiceRequest | None = None) -> Preview:
    """Findings and estimate of `data` for a new request by `by`, or as a change of `request`
    (whose contract, recorded call and work-instruction attachments then count). Reads only."""
    if request is None:
        contract = active_contract_for(by.organization)  # ValidationFailed when there is none
        policy = contract.policy
        call_recorded = has_instructions = False
    else:
        contract, policy = request.contract, request.policy
        call_recorded = request.call_recorded_at is not None
        has_instructions = any(
            a.kind == AttachmentKind.WORK_INSTRUCTIONS for a in request.attachments.all()
        )
    facts = facts_from_input(
        data, call_recorded=call_recorded, has_work_instructions=has_instructions
    )
    try:
        findings = completeness.check(
            facts,
            policy_rules(policy),
            ContractFacts(kind=contract.kind, active=contract.active),
            now=clock.now(),
            provider=provider_contact(),
        )
    except STORED_VALUE_ERRORS:
        # A policy row edited into values the check cannot read: say so, never a 500.
        findings = [completeness.unreadable("policy")]
    quote, reason = estimate_for_input(data, policy=policy, contract=contract)
    return Preview(
        findings=findings, quote=quote, no_quote_reason=reason, contract=contract, policy=policy
    )
