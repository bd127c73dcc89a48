"""What may this person do now: the one answer pages, the API and the services' guards share.

Every set of states below is the one its service guards with (the services import them from here),
and `allowed_actions` / `visit_actions` combine them with the role and the few facts a guard reads
(open error findings, the open proposal, the clock), so that a button shown is an action that
succeeds and an action refused is never offered. `tests/orders/test_actions.py` walks every state
and role and holds the services to this list.

Reading only: the functions write nothing. They read the request's prefetched visits and proposals
(`orders.selectors.with_details`) and its findings, which callers that already have them pass in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from genba.accounts.models import Role
from genba.core import clock
from genba.orders.completeness import READABLE_YEARS
from genba.orders.models import (
    CLOSED_STATUSES,
    EDITABLE_STATUSES,
    VISIT_END_STATUSES,
    ExpenseStatus,
    RequestStatus,
    VisitStatus,
)

__all__ = ["VISIT_END_STATUSES", "allowed_actions", "expense_actions", "visit_actions"]

R = RequestStatus
V = VisitStatus

STAFF = (Role.COORDINATOR, Role.ADMIN)
BILLERS = (Role.BILLING, Role.ADMIN)

# --- requests ---------------------------------------------------------------------------------
# The customer may change the order until approval; a change while a proposal is open withdraws it.
EDITABLE = EDITABLE_STATUSES
SUBMITTABLE = {R.DRAFT, R.INFO_REQUESTED}
CANCELLABLE_FREE = {R.DRAFT, R.SUBMITTED, R.INFO_REQUESTED, R.PROPOSED}
CANCELLABLE_CHARGED = {R.APPROVED, R.RELEASED}
CANCELLABLE = CANCELLABLE_FREE | CANCELLABLE_CHARGED
DECLINABLE = {R.SUBMITTED, R.INFO_REQUESTED, R.PROPOSED}
ASKABLE = {R.SUBMITTED}
PROPOSABLE = {R.SUBMITTED}
APPROVABLE = {R.PROPOSED}
RELEASABLE = {R.APPROVED}
OPEN = set(R) - CLOSED_STATUSES
RUNNING = {R.RELEASED, R.IN_PROGRESS}
PAYABLE = {R.INVOICED}

# --- visits -----------------------------------------------------------------------------------
# A visit still ahead can be given to another engineer, moved or dropped, once the request is
# approved (before approval, the customer edits the order and the coordinator proposes again).
CHANGEABLE_VISITS = {V.PLANNED, V.RELEASED}
CHANGEABLE_VISIT_REQUESTS = {R.APPROVED, R.RELEASED, R.IN_PROGRESS}
# A crew grows or shrinks on the request's one visit ahead (the crew size is the request's), up to
# this many engineers and never below one (dispatch.reassign.visit_engineer_add / _remove).
MAX_CREW = 10
# The engineer's steps, each from the one before it (arrival after "on my way").
STEP_FROM = {
    "en_route": {V.RELEASED},
    "arrive": {V.EN_ROUTE},
    "start_work": {V.ON_SITE},
    "no_access": {V.RELEASED, V.EN_ROUTE, V.ON_SITE},
}
SIGNABLE = {V.ON_SITE, V.WORKING}
# A coordinator takes back a mistaken step: each state and the one it returns to.
UNDO_TO = {V.EN_ROUTE: V.RELEASED, V.ON_SITE: V.EN_ROUTE, V.WORKING: V.ON_SITE}
# What was billed gains no notes or photos afterwards.
NOTES_CLOSED_REQUESTS = CLOSED_STATUSES | {R.INVOICED}

# --- expenses ---------------------------------------------------------------------------------
# An expense is recorded, approved, rejected or removed while the request's bill is open: from
# submission until the invoice (docs/pricing.md). A cancellation that is charged stays open until
# its invoice (a non-refundable ticket is billed with it); a draft is the customer's alone.
EXPENSES_CLOSED_REQUESTS = (CLOSED_STATUSES | {R.INVOICED, R.DRAFT}) - {R.CANCELLED}
E = ExpenseStatus
APPROVABLE_EXPENSES = {E.PENDING}
# A coordinator may take back an approval (a mistaken amount) until the invoice.
REJECTABLE_EXPENSES = {E.PENDING, E.APPROVED}
REMOVABLE_EXPENSES = {E.PENDING}

REQUEST_ACTIONS = (
    "edit",
    "submit",
    "cancel",
    "approve",
    "decline",
    "withdraw",
    "propose",
    "ask_info",
    "record_call",
    "release",
    "attach",
    "issue_invoice",
    "mark_paid",
)
VISIT_ACTIONS = (
    "reassign",
    "reschedule",
    "add_engineer",
    "remove_engineer",
    "ask_change",
    "cancel",
    "en_route",
    "arrive",
    "start_work",
    "no_access",
    "sign_off",
    "undo_step",
    "notes",
    "photos",
    "add_expense",
)
# On one expense (orders.expenses): what `expense_actions` may list.
EXPENSE_ACTIONS = ("approve", "reject", "remove")


def en_route_opens_at(visit, policy) -> datetime | None:
    """The earliest moment "on my way" (and so every later step) is accepted for the visit."""
    if visit.scheduled_start is None:
        return None
    if visit.scheduled_start.year not in READABLE_YEARS:
        # A start stored near the years 1 or 9999 (behind the input schemas, issue 11): no step
        # opens, and the request's findings (request.start.out_of_range) ask for the real date.
        return None
    return visit.scheduled_start - timedelta(hours=policy.en_route_window_hours)


def step_is_due(visit, policy, now: datetime) -> bool:
    opens = en_route_opens_at(visit, policy)
    return opens is not None and now >= opens


def open_proposal(request):
    return next((p for p in request.proposals.all() if p.status == "open"), None)


def _has_errors(request, findings) -> bool:
    if findings is None:
        from genba.orders.selectors import request_findings

        findings = request_findings(request)
    return any(f.severity == "error" for f in findings)


def _is_customer_of(user, request) -> bool:
    return user.role == Role.CUSTOMER and user.organization_id == request.organization_id


def _invoiceable(request) -> bool:
    if request.status == R.COMPLETED:
        return True
    # As billing.services.invoice_issue: an invoiced request whose invoice was credited takes the
    # corrected invoice, and a charged cancellation is invoiced once (a credit note frees it too).
    if request.status == R.INVOICED or (
        request.status == R.CANCELLED and request.cancellation_charged
    ):
        from genba.billing.models import DocumentKind

        return not request.invoices.filter(
            kind=DocumentKind.INVOICE, credit_note__isnull=True
        ).exists()
    return False


def expenses_open(request) -> bool:
    """Expenses of the request may still be added, approved, rejected or removed: its bill is
    not written yet. A charged cancellation stays open until its invoice (one query, remembered
    on the request object)."""
    if request.status in EXPENSES_CLOSED_REQUESTS:
        return False
    if request.status != R.CANCELLED:
        return True
    if not request.cancellation_charged:
        return False
    cached = getattr(request, "_expenses_open", None)
    if cached is None:
        cached = request._expenses_open = _invoiceable(request)
    return cached


def expenses_pending(request) -> bool:
    """An expense awaits a coordinator's decision: the invoice waits for it (docs/pricing.md)."""
    from genba.orders.models import VisitExpense

    return VisitExpense.objects.filter(
        visit__request_id=request.pk, status=ExpenseStatus.PENDING
    ).exists()


def allowed_actions(request, user, *, findings=None) -> set[str]:
    """The actions on the request itself that `user` may take now (rulebook §3, §7)."""
    if user is None or not user.is_active:
        return set()
    status = request.status
    actions: set[str] = set()
    if _is_customer_of(user, request):
        if status in EDITABLE:
            actions.add("edit")
        if status in SUBMITTABLE:
            actions.add("submit")
        if status in CANCELLABLE:
            actions.add("cancel")
        if status in APPROVABLE and open_proposal(request) is not None:
            actions.add("decline")
            if not _has_errors(request, findings):
                actions.add("approve")
        if status in OPEN:
            actions.add("attach")
    elif user.role in STAFF:
        if status in ASKABLE:
            actions.add("ask_info")
        if status in PROPOSABLE and not _has_errors(request, findings):
            actions.add("propose")
        if status in APPROVABLE and open_proposal(request) is not None:
            actions.add("withdraw")
        if status in DECLINABLE:
            actions.add("decline")
        if status in CANCELLABLE:
            actions.add("cancel")
        if status in OPEN:
            actions.update({"record_call", "attach"})
        if (
            status in RELEASABLE
            # .strip(): request_release refuses a reference of blanks too.
            and not (
                request.policy.reference_required_before_release and not request.reference.strip()
            )
            and not _has_errors(request, findings)
        ):
            actions.add("release")
    elif _on_request(user, request) and status in OPEN:
        # As orders.attachments.attachment_add: an engineer on one of the request's visits adds
        # files to it (photos, the customer's drawn signature) while it is open.
        actions.add("attach")
    if user.role in BILLERS:
        if (
            status in (R.COMPLETED, R.INVOICED, R.CANCELLED)
            and _invoiceable(request)
            and not expenses_pending(request)
        ):
            actions.add("issue_invoice")
        if status in PAYABLE:
            actions.add("mark_paid")
    return actions


def _on_request(user, request) -> bool:
    return user.role == Role.ENGINEER and any(
        _on_visit(user, visit) for visit in request.visits.all()
    )


def _on_visit(user, visit) -> bool:
    return user.role == Role.ENGINEER and any(
        e.pk == user.pk for e in visit.assigned_engineers.all()
    )


def _crew_actions(visit, request) -> set[str]:
    """add_engineer / remove_engineer: only on the request's one visit still ahead."""
    if any(v.pk != visit.pk and v.status in CHANGEABLE_VISITS for v in request.visits.all()):
        return set()
    found = set()
    if request.engineers < MAX_CREW:
        found.add("add_engineer")
    if request.engineers > 1 and len(visit.assigned_engineers.all()) > 1:
        found.add("remove_engineer")
    return found


def visit_actions(visit, user, *, now: datetime | None = None) -> set[str]:
    """The actions on one visit that `user` may take now. `visit.request` is the request."""
    if user is None or not user.is_active:
        return set()
    now = now or clock.now()
    request = visit.request
    status, request_status = visit.status, request.status
    staff = user.role in STAFF
    field_actor = staff or _on_visit(user, visit)
    actions: set[str] = set()
    if staff and status in CHANGEABLE_VISITS and request_status in CHANGEABLE_VISIT_REQUESTS:
        actions.update({"reassign", "reschedule", "cancel"})
        actions.update(_crew_actions(visit, request))
    if (
        _is_customer_of(user, request)
        and status in CHANGEABLE_VISITS
        and request_status in CHANGEABLE_VISIT_REQUESTS
    ):
        # orders.visit_changes.visit_change_request: the coordinator confirms or declines.
        actions.add("ask_change")
    if field_actor and request_status in RUNNING and step_is_due(visit, request.policy, now):
        actions.update(step for step, sources in STEP_FROM.items() if status in sources)
    if (
        (field_actor or _is_customer_of(user, request))
        and status in SIGNABLE
        and (visit.scheduled_start is None or now >= visit.scheduled_start)
    ):
        actions.add("sign_off")
    if staff and status in UNDO_TO and request_status in RUNNING:
        actions.add("undo_step")
    if field_actor and status != V.CANCELLED and request_status not in NOTES_CLOSED_REQUESTS:
        actions.update({"notes", "photos"})
    if field_actor and expenses_open(request):
        actions.add("add_expense")
    return actions


def expense_actions(expense, user, *, visit=None) -> set[str]:
    """The actions on one expense that `user` may take now. `visit` (or `expense.visit`) must
    have its request and assigned engineers at hand."""
    if user is None or not user.is_active:
        return set()
    visit = visit or expense.visit
    if not expenses_open(visit.request):
        return set()
    staff = user.role in STAFF
    actions: set[str] = set()
    if staff and expense.status in APPROVABLE_EXPENSES:
        actions.add("approve")
    if staff and expense.status in REJECTABLE_EXPENSES:
        actions.add("reject")
    if expense.status in REMOVABLE_EXPENSES and (
        staff or (expense.recorded_by_id == user.pk and _on_visit(user, visit))
    ):
        actions.add("remove")
    return actions
