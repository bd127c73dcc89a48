"""Billing: the queue of requests waiting for their invoice, issued invoices, PDFs, credit notes,
payment, and the accountant's CSV."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Exists, OuterRef, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from genba.accounts.models import Role
from genba.billing import selectors, services
from genba.billing.exports import invoices_csv
from genba.billing.models import Invoice, InvoiceLine, IssuerProfile
from genba.billing.pdf import render_invoice_pdf
from genba.core.errors import GenbaError
from genba.core.provider import display_phone
from genba.orders import services as order_services
from genba.orders.models import RequestStatus
from genba.orders.selectors import get_request_for
from genba.web.access import role_required
from genba.web.console.forms import CreditNoteForm, ProviderContactForm
from genba.web.errors import attach_problems

ISSUERS = (Role.BILLING, Role.ADMIN)
INVOICE_LIST = 50


def _invoices(user):
    credited = Invoice.objects.filter(credits=OuterRef("pk"))
    return selectors.invoices_visible_to(user).annotate(credited=Exists(credited))


@role_required(Role.BILLING, Role.COORDINATOR, Role.ADMIN)
def billing(request):
    year = request.GET.get("year", "")
    invoices = _invoices(request.user).order_by("-issued_at", "-number")
    if year.isdigit():
        invoices = invoices.filter(issue_date__year=int(year))
    return render(
        request,
        "console/billing.html",
        {
            "queue": selectors.billing_queue(),
            "invoices": list(invoices[:INVOICE_LIST]),
            "can_issue": request.user.role in ISSUERS,
            "year": year if year.isdigit() else "",
            "nav": "billing",
        },
    )


@require_POST
@role_required(*ISSUERS)
def invoice_issue(request, public_id):
    sr = get_request_for(request.user, public_id, details=False)
    try:
        invoice = services.invoice_issue(request=sr, by=request.user)
    except GenbaError as error:
        messages.error(request, error.message)
        return redirect("console:billing")
    messages.success(request, _("Invoice %(number)s was issued.") % {"number": invoice.number})
    return redirect("console:invoice", public_id=invoice.public_id)


def _invoice_page(request, invoice, *, credit_form=None, status=200):
    return render(
        request,
        "console/invoice.html",
        {
            "invoice": invoice,
            "lines": list(invoice.lines.all()),
            "credit_form": credit_form or CreditNoteForm(),
            "can_credit": not invoice.is_credit_note and not invoice.credited,
            "can_mark_paid": invoice.request.status == RequestStatus.INVOICED
            and not invoice.is_credit_note
            and not invoice.credited,
            "nav": "billing",
        },
        status=status,
    )


def _get_invoice(user, public_id):
    invoice = (
        _invoices(user)
        .select_related("request__organization")
        .prefetch_related(Prefetch("lines", queryset=InvoiceLine.objects.order_by("position")))
        .filter(public_id=public_id)
        .first()
    )
    if invoice is None:
        raise Http404
    return invoice


@role_required(*ISSUERS)
def invoice_detail(request, public_id):
    return _invoice_page(request, _get_invoice(request.user, public_id))


@role_required(*ISSUERS)
def invoice_pdf(request, public_id):
    invoice = selectors.get_invoice_for(request.user, public_id)
    language = "en" if request.GET.get("language", "ja").startswith("en") else "ja"
    response = HttpResponse(render_invoice_pdf(invoice, language), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{invoice.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@role_required(*ISSUERS)
def credit_note(request, public_id):
    invoice = _get_invoice(request.user, public_id)
    form = CreditNoteForm(request.POST)
    if form.is_valid():
        try:
            note = services.credit_note_issue(
                invoice=invoice, by=request.user, reason=form.cleaned_data["reason"]
            )
        except GenbaError as error:
            attach_problems(form, error)
            messages.error(request, error.message)
        else:
            messages.success(
                request, _("Credit note %(number)s was issued.") % {"number": note.number}
            )
            return redirect("console:invoice", public_id=note.public_id)
    return _invoice_page(request, invoice, credit_form=form, status=422)


@require_POST
@role_required(*ISSUERS)
def mark_paid(request, public_id):
    invoice = _get_invoice(request.user, public_id)
    try:
        order_services.request_mark_paid(request=invoice.request, by=request.user)
    except GenbaError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Marked as paid."))
    return redirect("console:invoice", public_id=invoice.public_id)


@role_required(*ISSUERS)
def export_csv(request):
    year = request.GET.get("year", "")
    qs = selectors.invoices_visible_to(request.user).order_by("issue_date", "number")
    if year.isdigit():
        qs = qs.filter(issue_date__year=int(year))
    response = HttpResponse(invoices_csv(qs), content_type="text/csv; charset=utf-8")
    name = year if year.isdigit() else "all"
    response["Content-Disposition"] = f'attachment; filename="invoices-{name}.csv"'
    return response


@role_required(*ISSUERS)
def provider_contact(request):
    """The provider's numbers and office hours: what findings, e-mails and the portal tell customers
    to call (issue 13 item 6). The rest of the issuer profile stays in the back office."""
    profile = IssuerProfile.objects.order_by("pk").first()
    if request.method != "POST":
        initial = (
            {name: getattr(profile, name) for name in IssuerProfile.CONTACT_FIELDS}
            if profile
            else {}
        )
        for name in ("phone", "urgent_phone"):  # stored E.164, shown as people write it
            if initial.get(name):
                initial[name] = display_phone(initial[name])
        form = ProviderContactForm(initial=initial)
        return _contact_page(request, form, profile)
    form = ProviderContactForm(request.POST)
    if form.is_valid():
        try:
            services.provider_contact_update(by=request.user, changes=form.cleaned_data)
        except GenbaError as error:
            attach_problems(form, error)
            messages.error(request, error.message)
        else:
            messages.success(request, _("The contact details were saved."))
            return redirect("console:provider-contact")
    return _contact_page(request, form, profile, status=422)


def _contact_page(request, form, profile, *, status=200):
    contact = selectors.provider_contact()
    return render(
        request,
        "console/provider_contact.html",
        {
            "form": form,
            "profile": profile,
            "contact": contact,
            "shown": contact.lines("ja" if get_language().startswith("ja") else "en"),
            "nav": "billing",
        },
        status=status,
    )
