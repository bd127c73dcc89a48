"""Issuing invoices and credit notes: one transaction each, numbered without gaps, audited."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils.translation import gettext as _

from genba.accounts.models import Role
from genba.billing.calendar import due_date
from genba.billing.models import (
    DocumentKind,
    Invoice,
    InvoiceLine,
    IssuerProfile,
    NumberSequence,
    office_problems,
)
from genba.billing.selectors import invoice_deadline
from genba.core import audit, clock
from genba.core.errors import FieldProblem, TransitionRefused, ValidationFailed
from genba.core.phones import normalize_phone
from genba.core.transitions import lock, move, require_role
from genba.orders.actions import expenses_pending
from genba.orders.models import RequestStatus, ServiceRequest
from genba.orders.pricing_bridge import quote_for

PREFIX = {DocumentKind.INVOICE: "INV", DocumentKind.CREDIT_NOTE: "CN"}
TAX_RATE = Decimal("0.10")
# Issue dates and invoice years are Japanese dates, whatever the server's zone.


def next_number(kind: str, year: int) -> str:
    """Take the next number of the year. Call inside the issuing transaction: the increment holds
    the sequence row's lock until the commit, so a rolled-back issue gives its number back and no
    number is skipped or used twice (PostgreSQL row lock; SQLite's write lock)."""
    table = NumberSequence._meta.db_table
    # One statement: increment and read back (RETURNING: PostgreSQL, SQLite 3.35+).
    sql = f"UPDATE {table} SET last_number = last_number + 1 WHERE kind = %s AND year = %s RETURNING last_number"  # noqa: S608 - table name is ours
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, year])
        row = cursor.fetchone()
        if row is None:
            # The year's first number. Two first issues at once both insert; the loser's insert is
            # ignored, and both then increment the one row in turn.
            NumberSequence.objects.bulk_create(
                [NumberSequence(kind=kind, year=year)], ignore_conflicts=True
            )
            cursor.execute(sql, [kind, year])
            row = cursor.fetchone()
    return f"{PREFIX[kind]}-{year}-{row[0]:06d}"


def invoiceable(request: ServiceRequest) -> bool:
    # INVOICED too: after a credit note, the corrected invoice is issued for the same request.
    return request.status in (RequestStatus.COMPLETED, RequestStatus.INVOICED) or (
        request.status == RequestStatus.CANCELLED and request.cancellation_charged
    )


def issuer_snapshot() -> dict:
    profile = IssuerProfile.objects.first()
    if profile is None:
        raise TransitionRefused(
            _(
                "Set up the issuer profile (name, registration number, bank) before issuing invoices."
            ),
            code="no_issuer",
        )
    return profile.snapshot()


def _terms_code(contract) -> str:
    """Kept as a code; the PDF words it in the reader's language."""
    if contract.payment_terms == "net_days":
        return f"net_days:{contract.payment_net_days}"
    return "end_of_next_month"


@transaction.atomic
def invoice_issue(*, request: ServiceRequest, by, issuer: dict | None = None) -> Invoice:
    """The invoice of a completed request (or of a cancellation that is charged).

    `issuer`: the issuer snapshot, when a batch has read it once for all its invoices.
    """
    require_role(by, Role.BILLING, Role.ADMIN)
    request = (
        ServiceRequest.objects.select_for_update(of=("self",))
        .select_related("contract", "policy", "organization")
        .get(pk=request.pk)
    )
    if not invoiceable(request):
        raise TransitionRefused(
            _("Only a completed request, or a cancellation that is charged, is invoiced."),
            code="state",
        )
    # A completed request has no invoice yet (issuing moves it on); otherwise look. Read after the
    # lock is held: on PostgreSQL a query that waited for the lock sees its start-time snapshot.
    open_invoice = None
    if request.status != RequestStatus.COMPLETED:
        open_invoice = request.invoices.filter(
            kind=DocumentKind.INVOICE, credit_note__isnull=True
        ).first()
    if open_invoice is not None:
        raise TransitionRefused(
            _(
                "This request is already invoiced (%(number)s); issue a credit note first to correct it."
            )
            % {"number": open_invoice.number},
            code="already_invoiced",
        )
    if expenses_pending(request):
        # An issued invoice never changes: it waits for the coordinator's decision on every
        # expense rather than leave one out for good (docs/pricing.md).
        raise TransitionRefused(
            _("An expense of this request awaits a coordinator's approval: decide it first."),
            code="expenses_pending",
        )
    quote = quote_for(request, estimate=False)
    now = clock.now()
    # Dates are days in the policy's zone, the zone the document is written in.
    zone = ZoneInfo(request.policy.time_zone)
    issue_day = now.astimezone(zone).date()
    contract = request.contract
    completed_at, deadline = invoice_deadline(request)
    invoice = Invoice.objects.create(
        kind=DocumentKind.INVOICE,
        number=next_number(DocumentKind.INVOICE, issue_day.year),
        organization=request.organization,
        request=request,
        issue_date=issue_day,
        due_date=due_date(
            issue_day, terms=contract.payment_terms, net_days=contract.payment_net_days
        ),
        issued_at=now,
        issued_by=by,
        time_zone=request.policy.time_zone,
        completed_at=completed_at,
        deadline_at=deadline,
        subtotal=quote.subtotal,
        tax_amount=sum(t.amount for t in quote.taxes),
        total=quote.total,
        tax_treatment=quote.tax_treatment,
        exempt_reason=contract.exempt_reason if quote.tax_treatment == "exempt" else "",
        taxes=[{"rate": str(t.rate), "base": t.base, "amount": t.amount} for t in quote.taxes],
        issuer=issuer or issuer_snapshot(),
        recipient_name=request.organization.name,
        recipient_address=request.organization.billing_address,
        payment_terms=_terms_code(contract),
        transfer_fee_payer=contract.transfer_fee_payer,
        reference=request.reference,
        estimate=estimate_against(request, quote),
    )
    tax_rate = TAX_RATE if quote.tax_treatment == "standard" else Decimal("0")
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            position=i,
            visit_label=str(line.visit),
            visit_date=line.start.astimezone(zone).date() if line.start else None,
            kind=line.kind,
            # Expenses keep their own words; time lines carry the request's title (the PDF adds the
            # kind of time in the reader's language).
            description=line.description or request.title or request.public_id,
            start=line.start,
            end=line.end,
            hours=line.hours,
            engineers=line.engineers,
            rate=line.rate,
            multiplier=line.multiplier,
            after_hours=line.after_hours,
            overtime=line.overtime,
            amount=line.amount,
            tax_rate=tax_rate,
        )
        for i, line in enumerate(quote.lines)
    )
    audit.record(
        actor=by,
        obj=invoice,
        action="issued",
        data={"number": invoice.number, "request": request.public_id, "total": invoice.total},
    )
    if request.status == RequestStatus.COMPLETED:
        # Issuing is the request's completed → invoiced transition: same lock, same transaction.
        move(
            request,
            RequestStatus.INVOICED,
            by=by,
            action="invoiced",
            data={"invoice": invoice.number},
        )
    return invoice


def estimate_against(request: ServiceRequest, quote) -> dict:
    """The approved proposal's estimate in the invoice's terms: what the customer approved (total,
    subtotal, travel) and what the invoice charges for travel (its expenses, travel time and flat
    fees). {} when no proposal was approved."""
    from genba.dispatch.models import ProposalStatus
    from genba.pricing.engine import TRAVEL_KINDS

    proposal = (
        request.proposals.filter(status=ProposalStatus.APPROVED)
        .order_by("-decided_at", "-id")
        .first()
    )
    estimate = proposal.estimate if proposal is not None else {}
    if not estimate or estimate.get("total") is None:
        return {}
    lines = estimate.get("lines", [])
    return {
        "proposal": proposal.public_id,
        "subtotal": estimate.get("subtotal"),
        "total": estimate["total"],
        "travel": sum(ln.get("amount", 0) for ln in lines if ln.get("kind") in TRAVEL_KINDS),
        "travel_actual": quote.expenses_amount + quote.travel_amount,
    }


@transaction.atomic
def credit_note_issue(*, invoice: Invoice, by, reason: str) -> Invoice:
    """Cancel an issued invoice in full with a credit note that names it; a corrected invoice may
    then be issued for the request."""
    require_role(by, Role.BILLING, Role.ADMIN)
    original = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if original.kind != DocumentKind.INVOICE:
        raise TransitionRefused(_("Only an invoice can be credited."), code="state")
    if Invoice.objects.filter(credits=original).exists():
        raise TransitionRefused(_("This invoice is already credited."), code="already_credited")
    if not (reason or "").strip():
        raise ValidationFailed(
            _("Say why the invoice is credited."),
            problems=[FieldProblem("reason", _("This field is required."), "required")],
        )
    issue_day = clock.now().astimezone(ZoneInfo(original.time_zone)).date()
    note = Invoice.objects.create(
        kind=DocumentKind.CREDIT_NOTE,
        number=next_number(DocumentKind.CREDIT_NOTE, issue_day.year),
        organization=original.organization,
        request=original.request,
        credits=original,
        issue_date=issue_day,
        due_date=issue_day,
        issued_at=clock.now(),
        issued_by=by,
        time_zone=original.time_zone,
        subtotal=-original.subtotal,
        tax_amount=-original.tax_amount,
        total=-original.total,
        tax_treatment=original.tax_treatment,
        exempt_reason=original.exempt_reason,
        taxes=[{**t, "base": -t["base"], "amount": -t["amount"]} for t in original.taxes],
        issuer=issuer_snapshot(),
        recipient_name=original.recipient_name,
        recipient_address=original.recipient_address,
        payment_terms=original.payment_terms,
        transfer_fee_payer=original.transfer_fee_payer,
        reference=original.reference,
        reason=reason.strip(),
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=note,
            **{
                f.name: getattr(line, f.name)
                for f in InvoiceLine._meta.concrete_fields
                if f.name not in ("id", "invoice", "amount")
            },
            amount=-line.amount,
        )
        for line in original.lines.all()
    )
    audit.record(
        actor=by,
        obj=note,
        action="issued",
        reason=note.reason,
        data={"number": note.number, "credits": original.number},
    )
    return note


def _audit_value(value):
    # Times and lists go into the audit row as JSON-friendly values.
    if isinstance(value, (bool, int, str, type(None))):
        return value
    if isinstance(value, list):
        return [_audit_value(v) for v in value]
    return str(value)


@transaction.atomic
def provider_contact_update(*, by, changes: dict) -> IssuerProfile:
    """Set the provider's numbers and office hours (IssuerProfile.CONTACT_FIELDS) for billing or
    an admin. Phones are stored in E.164. Only what differs is saved and audited (old → new); a
    value the model refuses is a ValidationFailed naming the field, and nothing is saved."""
    require_role(by, Role.BILLING, Role.ADMIN)
    refused = sorted(set(changes) - set(IssuerProfile.CONTACT_FIELDS))
    if refused:
        raise ValidationFailed(
            _("These fields cannot be changed here."),
            problems=[
                FieldProblem(name, _("Not a contact setting."), "unknown") for name in refused
            ],
        )
    first = IssuerProfile.objects.order_by("pk").first()
    if first is None:
        raise TransitionRefused(
            _(
                "Set up the issuer profile (name, registration number, bank) in the back office first."
            )
        )
    profile = lock(IssuerProfile, first.pk)
    cleaned = dict(changes)
    for name in ("phone", "urgent_phone"):
        if name in cleaned:
            raw = (cleaned[name] or "").strip()
            cleaned[name] = normalize_phone(raw) or raw  # a bad number is named by the check below
    if "office_days" in cleaned:
        cleaned["office_days"] = sorted({int(d) for d in cleaned["office_days"] or []})
    if "office_hours_note" in cleaned:
        cleaned["office_hours_note"] = (cleaned["office_hours_note"] or "").strip()
    diff = {}
    for name, value in cleaned.items():
        before = getattr(profile, name)
        if before != value:
            diff[name] = [_audit_value(before), _audit_value(value)]
            setattr(profile, name, value)
    problems = office_problems(profile)
    if not (profile.phone or "").strip():
        problems["phone"] = str(_("The office phone is printed on every invoice: give one."))
    if problems:
        raise ValidationFailed(
            _("The contact details were not saved."),
            problems=[
                FieldProblem(field, message, "invalid") for field, message in problems.items()
            ],
        )
    if not diff:
        return profile
    profile.save(update_fields=list(diff))
    audit.record(actor=by, obj=profile, action="provider_contact.updated", data={"changes": diff})
    return profile
