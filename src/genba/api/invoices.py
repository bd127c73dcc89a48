"""/api/v1/invoices: a customer's invoices (list, read, PDF); billing issues, credits and exports.

Rulebook §6: an issued document reads the same for every reader, so its instants are given with
the offset of the policy's time zone (2026-12-01T10:00:00+09:00), the zone the PDF and CSV are
written in, not in UTC or in the caller's profile zone."""

from __future__ import annotations

import math
from zoneinfo import ZoneInfo

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from ninja import Query, Router
from pydantic import BaseModel, Field

from genba.api import idempotency
from genba.api.problems import refusals
from genba.api.schemas import InvoiceOut, InvoicePage, QueueRowOut
from genba.billing import selectors, services
from genba.billing.exports import invoices_csv
from genba.billing.models import InvoiceLine
from genba.billing.pdf import render_invoice_pdf
from genba.billing.templatetags.billing_format import document_zone
from genba.core.bounds import MultiLineText, Page, PageSize, PublicIdText
from genba.core.transitions import require_role
from genba.orders import services as order_services
from genba.orders.selectors import get_request_for

router = Router(tags=["invoices"])


class InvoiceFilters(BaseModel):
    year: int | None = Field(None, ge=2000, le=2100)
    page: Page = 1
    page_size: PageSize = 25


class IssueIn(BaseModel):
    request_id: PublicIdText()


class CreditIn(BaseModel):
    reason: MultiLineText(2000)


def _in(zone):
    return lambda moment: moment.astimezone(zone) if moment is not None else None


def invoice_document(invoice) -> dict:
    local = _in(document_zone(invoice))
    return {
        "id": invoice.public_id,
        "number": invoice.number,
        "kind": invoice.kind,
        "request_id": invoice.request.public_id,
        "credits": invoice.credits.number if invoice.credits_id else None,
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "issued_at": local(invoice.issued_at),
        "deadline_at": local(invoice.deadline_at),
        "late": invoice.is_late,
        "currency": invoice.currency,
        "subtotal": invoice.subtotal,
        "tax_amount": invoice.tax_amount,
        "total": invoice.total,
        "tax_treatment": invoice.tax_treatment,
        "taxes": invoice.taxes,
        "recipient_name": invoice.recipient_name,
        "reference": invoice.reference,
        "lines": [
            {
                "visit": line.visit_label,
                "kind": line.kind,
                "description": line.description,
                "start": local(line.start),
                "end": local(line.end),
                "hours": line.hours,
                "engineers": line.engineers,
                "rate": line.rate,
                "multiplier": line.multiplier,
                "after_hours": line.after_hours,
                "overtime": line.overtime,
                "amount": line.amount,
            }
            for line in invoice.lines.all()
        ],
        "estimate": invoice.estimate or None,
        "pdf_url": f"/api/v1/invoices/{invoice.public_id}/pdf",
    }


def _with_lines(qs):
    return qs.select_related("request__policy").prefetch_related(
        Prefetch("lines", queryset=InvoiceLine.objects.order_by("position"))
    )


@router.get(
    "",
    response=InvoicePage,
    summary="Invoices and credit notes you may see",
    openapi_extra=refusals(404, 422),
)
def list_invoices(request, filters: Query[InvoiceFilters]):
    if request.auth.role == "engineer":
        # Rulebook §7: an engineer never sees invoices; outside one's scope is 404, not an empty list.
        raise Http404
    qs = selectors.invoices_visible_to(request.auth)
    if filters.year:
        qs = qs.filter(issue_date__year=filters.year)
    count = qs.count()
    start = (filters.page - 1) * filters.page_size
    page = _with_lines(qs.order_by("-issue_date", "-number"))[start : start + filters.page_size]
    return {
        "items": [invoice_document(i) for i in page],
        "count": count,
        "page": filters.page,
        "page_size": filters.page_size,
        "pages": max(1, math.ceil(count / filters.page_size)),
    }


@router.get(
    "/export.csv",
    summary="CSV export (billing)",
    response={200: None},
    openapi_extra=refusals(403, 422),
)
def export_csv(request, filters: Query[InvoiceFilters]):
    require_role(request.auth, "billing", "admin")
    qs = selectors.invoices_visible_to(request.auth).order_by("issue_date", "number")
    if filters.year:
        qs = qs.filter(issue_date__year=filters.year)
    response = HttpResponse(invoices_csv(qs), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="invoices-{filters.year or "all"}.csv"'
    return response


@router.get(
    "/queue",
    response=list[QueueRowOut],
    summary="Requests waiting for an invoice (billing)",
    openapi_extra=refusals(403),
)
def billing_queue(request):
    require_role(request.auth, "billing", "admin")
    rows = []
    for row in selectors.billing_queue():
        local = _in(ZoneInfo(row["request"].policy.time_zone))
        rows.append(
            {
                "request_id": row["request"].public_id,
                "customer": row["request"].organization.name,
                "title": row["request"].title,
                "completed_at": local(row["completed_at"]),
                "deadline_at": local(row["deadline_at"]),
                "late": row["late"],
                "expenses_pending": row["expenses_pending"],
            }
        )
    return rows


@router.post(
    "",
    response={201: InvoiceOut},
    summary="Issue the invoice of a completed request (billing)",
    openapi_extra=refusals(403, 404, 409, body=True),
)
def issue_invoice(request, data: IssueIn):
    require_role(request.auth, "billing", "admin")
    target = get_request_for(request.auth, data.request_id, details=False)

    def create():
        invoice = services.invoice_issue(request=target, by=request.auth)
        return invoice_document(
            _with_lines(selectors.invoices_visible_to(request.auth)).get(pk=invoice.pk)
        )

    return idempotency.run(request, request.auth, create)


@router.get(
    "/{invoice_id}",
    response=InvoiceOut,
    summary="An invoice with its lines",
    openapi_extra=refusals(404),
)
def get_invoice(request, invoice_id: str):
    invoice = (
        _with_lines(selectors.invoices_visible_to(request.auth))
        .filter(public_id=invoice_id)
        .first()
    )
    if invoice is None:
        raise Http404
    return invoice_document(invoice)


@router.get(
    "/{invoice_id}/pdf",
    summary="The invoice as a PDF (?language=ja|en)",
    response={200: None},
    openapi_extra=refusals(404),
)
def invoice_pdf(request, invoice_id: str, language: str = "ja"):
    invoice = selectors.get_invoice_for(request.auth, invoice_id)
    pdf = render_invoice_pdf(invoice, "en" if language.startswith("en") else "ja")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@router.post(
    "/{invoice_id}/credit-note",
    response={201: InvoiceOut},
    summary="Credit an invoice (billing)",
    openapi_extra=refusals(403, 404, 409, body=True),
)
def credit_invoice(request, invoice_id: str, data: CreditIn):
    require_role(request.auth, "billing", "admin")
    original = selectors.get_invoice_for(request.auth, invoice_id)

    def create():
        note = services.credit_note_issue(invoice=original, by=request.auth, reason=data.reason)
        return invoice_document(
            _with_lines(selectors.invoices_visible_to(request.auth)).get(pk=note.pk)
        )

    return idempotency.run(request, request.auth, create)


@router.post(
    "/{invoice_id}/paid",
    response=InvoiceOut,
    openapi_extra=refusals(403, 404, 409),
    summary="Record that the invoice was paid: its request moves to paid (billing)",
)
def mark_paid(request, invoice_id: str):
    """The billing page's "mark paid", through the same service (`request_mark_paid`)."""
    require_role(request.auth, "billing", "admin")
    invoice = selectors.get_invoice_for(request.auth, invoice_id)
    order_services.request_mark_paid(request=invoice.request, by=request.auth)
    return invoice_document(
        _with_lines(selectors.invoices_visible_to(request.auth)).get(pk=invoice.pk)
    )
