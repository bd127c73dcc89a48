"""Reads of invoices: who may see which, and the billing queue with its deadlines."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from genba.accounts.models import Role
from genba.billing.models import DocumentKind, Invoice
from genba.core import clock
from genba.core.provider import ProviderContact
from genba.orders.models import ExpenseStatus, RequestStatus, ServiceRequest, VisitExpense


def invoices_visible_to(user) -> QuerySet[Invoice]:
    """Rulebook §7: a customer sees its own invoices; billing and admins all; nobody else any."""
    qs = Invoice.objects.select_related("organization", "request", "credits")
    if user is None or not user.is_active:
        return qs.none()
    if user.role == Role.CUSTOMER and user.organization_id:
        return qs.filter(organization_id=user.organization_id)
    if user.role in (Role.BILLING, Role.ADMIN):
        return qs
    return qs.none()


def get_invoice_for(user, public_id: str) -> Invoice:
    invoice = invoices_visible_to(user).filter(public_id=public_id).first()
    if invoice is None:
        raise Http404
    return invoice


def invoice_deadline(request: ServiceRequest):
    """(when the request was done, by when its invoice is due): `invoice_within_hours` later, or
    None when the policy sets no deadline (rulebook §4, §6)."""
    done = request.completed_at or request.closed_at
    hours = request.policy.invoice_within_hours
    if done is None or hours is None:
        return done, None
    return done, done + timedelta(hours=hours)


def billing_queue() -> list[dict]:
    """Requests waiting for their invoice, oldest deadline first, late ones flagged."""
    invoiced = Invoice.objects.filter(
        request=OuterRef("pk"), kind=DocumentKind.INVOICE, credit_note__isnull=True
    )
    # Expenses awaiting a coordinator's approval hold the invoice (docs/pricing.md): counted here.
    pending = (
        VisitExpense.objects.filter(visit__request=OuterRef("pk"), status=ExpenseStatus.PENDING)
        .order_by()
        .values("visit__request")
        .annotate(n=Count("id"))
        .values("n")
    )
    waiting = (
        ServiceRequest.objects.filter(
            Q(status=RequestStatus.COMPLETED)
            | Q(status=RequestStatus.CANCELLED, cancellation_charged=True)
        )
        .exclude(Exists(invoiced))
        .annotate(expenses_pending=Subquery(pending, output_field=IntegerField()))
        .select_related("organization", "policy")
        .order_by("completed_at", "closed_at", "id")
    )
    now = clock.now()
    rows = []
    for request in waiting:
        done, deadline = invoice_deadline(request)
        rows.append(
            {
                "request": request,
                "completed_at": done,
                "deadline_at": deadline,
                "late": deadline is not None and now > deadline,
                "expenses_pending": request.expenses_pending or 0,
            }
        )
    rows.sort(key=lambda r: (r["deadline_at"] is None, r["deadline_at"] or r["completed_at"]))
    return rows


def provider_contact() -> ProviderContact:
    """The provider's numbers and office hours (core.provider), read from its one profile: the one
    place findings, e-mails, the portal and the proposal take them from. A missing or blank
    profile gives an empty `ProviderContact`, whose sentences are empty (never "None")."""
    from genba.billing.models import IssuerProfile

    profile = IssuerProfile.objects.order_by("pk").first()
    if profile is None:
        return ProviderContact()
    days = profile.office_days if isinstance(profile.office_days, list) else []
    return ProviderContact(
        name_en=profile.legal_name or "",
        name_ja=profile.legal_name_ja or "",
        office_phone=profile.phone or "",
        urgent_phone=profile.urgent_phone or "",
        office_days=tuple(d for d in days if isinstance(d, int) and 0 <= d <= 6),
        office_opens=profile.office_opens,
        office_closes=profile.office_closes,
        office_note=profile.office_hours_note or "",
    )
