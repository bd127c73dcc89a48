"""What the API answers: documents built from the models by api.documents.

Plain pydantic models, not ninja.Schema: the documents are dicts already, and ninja's ORM-aware
validator costs about a third of a list request (docs/performance.md).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel as Schema

from genba.core.bounds import MultiLineText, RecordedInstant, SingleLineText


class FindingOut(Schema):
    code: str
    severity: str
    field: str
    message: str
    message_en: str
    message_ja: str


class SiteOut(Schema):
    id: str
    name: str
    company_name: str
    postal_code: str
    prefecture: str
    city: str
    street: str
    building: str
    floor: str
    room: str
    entry_instructions: str
    maps_url: str
    is_datacenter: bool
    latitude: Decimal | None
    longitude: Decimal | None


class ContactOut(Schema):
    id: str
    name: str
    company: str
    phone: str  # E.164, blank when the input does not parse
    phone_input: str
    email: str
    skype: str
    whatsapp: str
    line: str
    language: str


class VisitOut(Schema):
    id: str
    status: str
    scheduled_start: datetime | None
    reserved_hours: Decimal
    reserved_hours_defaulted: bool
    en_route_at: datetime | None
    arrived_at: datetime | None
    work_started_at: datetime | None
    signed_off_at: datetime | None
    signed_off_by_name: str
    ended_reason: str
    # What the caller may do on this visit now (orders.actions.visit_actions), sorted: reassign,
    # reschedule, cancel, en_route, arrive, start_work, no_access, sign_off, undo_step, notes, photos,
    # add_expense.
    actions: list[str]


class EquipmentOut(Schema):
    make: str
    model: str
    serial: str
    quantity: int
    description: str


class PaperworkOut(Schema):
    description: str
    done: bool


class AttachmentOut(Schema):
    id: str
    kind: str
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    download_url: str


class EngineerOut(Schema):
    name: str
    email: str
    phone: str


class ProposalOut(Schema):
    id: str
    status: str
    message: str
    created_at: datetime
    decided_at: datetime | None
    decline_reason: str
    # The estimate offered with the proposal: the `genba quote` document (lines split into business
    # and after-hours pieces, subtotal, taxes, total); hours and multipliers as exact decimal strings.
    estimate: dict
    engineers: list[EngineerOut]


class EventOut(Schema):
    at: datetime
    actor: str
    object: str
    action: str
    from_state: str
    to_state: str
    reason: str


class RequestOut(Schema):
    id: str
    status: str
    # What the caller may do on the request now (orders.actions.allowed_actions), sorted: edit,
    # submit, cancel, approve, decline, withdraw, propose, ask_info, record_call, release, attach,
    # issue_invoice, mark_paid. A name listed is an operation that succeeds; one absent is refused.
    actions: list[str]
    title: str
    reference: str
    work_description: str
    skill_level: str
    skill_level_defaulted: bool
    engineers: int
    languages: list[str]
    urgency: int
    sla_requested: bool
    sla_guaranteed: bool
    force_without_local_contact: bool
    datacenter_reference: str
    customer_notes: str
    policy: str
    contract: str
    site: SiteOut | None
    local_contact: ContactOut | None
    remote_engineer: ContactOut | None
    visits: list[VisitOut]
    equipment: list[EquipmentOut]
    items_to_bring: list[str]
    paperwork: list[PaperworkOut]
    attachments: list[AttachmentOut]
    proposals: list[ProposalOut]
    findings: list[FindingOut]
    blocking: bool
    call_recorded_at: datetime | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    approved_at: datetime | None
    sla_started_at: datetime | None
    released_at: datetime | None
    completed_at: datetime | None
    closed_at: datetime | None
    cancellation_charged: bool
    end_reason: str


class RequestDetailOut(RequestOut):
    events: list[EventOut]


class RequestPage(Schema):
    items: list[RequestOut]
    count: int
    page: int
    page_size: int
    pages: int


class ReasonIn(Schema):
    reason: MultiLineText(2000) = ""


class SignOffIn(Schema):
    signer_name: SingleLineText(200) = ""
    # Aware only: a naive time cannot be compared with the clock (it was a 500); and within the
    # window of genba.core.bounds (a year back to a day ahead), the service says "not in future".
    signed_at: RecordedInstant | None = None


class MeOut(Schema):
    email: str
    name: str
    role: str
    organization: str | None
    language: str
    time_zone: str


class InvoiceLineOut(Schema):
    visit: str
    kind: str
    description: str
    start: datetime | None
    end: datetime | None
    hours: Decimal
    engineers: int
    rate: int
    multiplier: Decimal
    after_hours: bool
    overtime: bool
    amount: int


class TaxOut(Schema):
    rate: str
    base: int
    amount: int


class InvoiceEstimateOut(Schema):
    proposal: str
    subtotal: int | None
    total: int
    travel: int  # yen of travel lines in the approved estimate
    travel_actual: int  # yen of expenses, travel time and flat fees this invoice charges


class InvoiceOut(Schema):
    id: str
    number: str
    kind: str
    request_id: str
    credits: str | None
    issue_date: date
    due_date: date
    issued_at: datetime
    deadline_at: datetime | None
    late: bool
    currency: str
    subtotal: int
    tax_amount: int
    total: int
    tax_treatment: str
    taxes: list[TaxOut]
    recipient_name: str
    reference: str
    lines: list[InvoiceLineOut]
    # The approved estimate the invoice is read against (docs/pricing.md "Travel"); null when none.
    estimate: InvoiceEstimateOut | None = None
    pdf_url: str


class InvoicePage(Schema):
    items: list[InvoiceOut]
    count: int
    page: int
    page_size: int
    pages: int


class QueueRowOut(Schema):
    request_id: str
    customer: str
    title: str
    completed_at: datetime | None
    deadline_at: datetime | None
    late: bool
    # Expenses awaiting a coordinator's approval: the invoice is refused until there are none.
    expenses_pending: int = 0


class EngineerOut2(Schema):
    """An engineer as coordinators see it."""

    id: str
    name: str
    email: str
    phone: str
    skill_level: str
    languages: list[str]
    zones: list[str]
    home: str
    datacenter_access: list[str]
    active: bool
    has_photo_id: bool


class CandidateOut(EngineerOut2):
    travel_minutes: int | None
    week_hours: Decimal
    reasons: list[str]


class AvailabilityOut(Schema):
    available: list[CandidateOut]
    unavailable: list[CandidateOut]


class VisitRequestOut(Schema):
    """What an engineer's visit needs from its request: never a price."""

    id: str
    status: str
    title: str
    reference: str
    customer: str
    work_description: str
    skill_level: str
    engineers: int
    languages: list[str]
    datacenter_reference: str
    customer_notes: str
    site: SiteOut | None
    local_contact: ContactOut | None
    remote_engineer: ContactOut | None
    equipment: list[EquipmentOut]
    items_to_bring: list[str]
    paperwork: list[PaperworkOut]
    attachments: list[AttachmentOut]


class VisitDocOut(VisitOut):
    """A visit as the engineer's app reads it (GET /visits)."""

    # The visit's log: each note starts with its time (JST) and its author.
    notes: str
    engineers: list[EngineerOut]
    request: VisitRequestOut


class VisitPage(Schema):
    items: list[VisitDocOut]
    count: int
    page: int
    page_size: int
    pages: int
