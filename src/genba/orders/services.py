"""Every write to a service request: one function per transition, each one transaction.

Each service: lock the row, check the caller's role and the state (refusals raise and change
nothing), change, write the audit row, queue side effects for after the commit (orders.signals).
Views and API handlers call these and nothing else to change a request.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from genba.accounts.models import Role
from genba.core import audit, clock
from genba.core.errors import FieldProblem, NotAllowed, TransitionRefused, ValidationFailed
from genba.core.transitions import lock, move, require_role, require_status
from genba.orders import actions, selectors
from genba.orders.actions import CANCELLABLE_CHARGED, CANCELLABLE_FREE
from genba.orders.editing import active_contract_for, apply_input
from genba.orders.inputs import RequestIn
from genba.orders.models import RequestStatus, ServiceRequest, VisitStatus

STAFF = actions.STAFF
__all__ = ["CANCELLABLE_CHARGED", "CANCELLABLE_FREE"]


def _withdraw_open_proposal(request: ServiceRequest, *, by, reason: str, reopen: bool) -> None:
    """The open proposal's withdrawn transition (its bookings freed), inside the caller's lock."""
    from genba.dispatch.services import end_open_proposal

    end_open_proposal(request, by=by, reason=reason, reopen=reopen)


def _end_visits(request: ServiceRequest, *, by, reason: str) -> None:
    """Each visit still ahead ends in its own cancelled transition; any booking left (a proposal's)
    is freed the same way."""
    from genba.dispatch.bookings import cancel_for_visits
    from genba.orders.visit_services import end_visit

    for visit in request.visits.exclude(status__in=list(actions.VISIT_END_STATUSES)):
        end_visit(visit, by=by, reason=reason)
    cancel_for_visits(request.visits.all(), by=by)


def _require_customer_of(user, request: ServiceRequest) -> None:
    if user.role != Role.CUSTOMER or user.organization_id != request.organization_id:
        raise NotAllowed(_("Only the ordering customer may do this."), code="role")


def refuse_with_errors(request: ServiceRequest, *, action: str) -> None:
    errors = [f for f in selectors.request_findings(request) if f.severity == "error"]
    if errors:
        raise TransitionRefused(
            _("Cannot %(action)s while required information is missing.") % {"action": action},
            problems=[
                FieldProblem(f.field, f.message((get_language() or "en")[:2]), f.code)
                for f in errors
            ],
            code="open_errors",
        )


@transaction.atomic
def request_create(*, by, data: RequestIn) -> ServiceRequest:
    require_role(by, Role.CUSTOMER)
    contract = active_contract_for(by.organization)
    request = ServiceRequest(
        organization=by.organization,
        contract=contract,
        policy=contract.policy,
        created_by=by,
        status=RequestStatus.DRAFT,
    )
    apply_input(request, data, set(data.model_fields_set) | {"visits"}, creating=True)
    audit.record(actor=by, obj=request, action="created", to_state=RequestStatus.DRAFT)
    return request


@transaction.atomic
def request_update(*, request: ServiceRequest, by, data: RequestIn) -> ServiceRequest:
    """The customer changes the order, until approval (rulebook §3). A change while a proposal is
    open withdraws it: the offer and its estimate were for the order as it was."""
    request = lock(ServiceRequest, request.pk)
    _require_customer_of(by, request)
    require_status(request, actions.EDITABLE, action=_("change the request"))
    fields = set(data.model_fields_set)
    if request.status == RequestStatus.PROPOSED:
        _withdraw_open_proposal(
            request, by=by, reason=_("The customer changed the request."), reopen=True
        )
        request.refresh_from_db()
    apply_input(request, data, fields, creating=False)
    audit.record(actor=by, obj=request, action="updated", data={"fields": sorted(fields)})
    return request


@transaction.atomic
def request_submit(*, request: ServiceRequest, by) -> ServiceRequest:
    """Send the order to the provider. Repeating it once submitted is a no-op (clients retry)."""
    request = lock(ServiceRequest, request.pk)
    _require_customer_of(by, request)
    if request.status == RequestStatus.SUBMITTED:
        return request
    require_status(request, actions.SUBMITTABLE, action=_("submit"))
    request.submitted_at = clock.now()
    move(request, RequestStatus.SUBMITTED, by=by, action="submitted", fields=["submitted_at"])
    return request


@transaction.atomic
def request_ask_info(*, request: ServiceRequest, by, message: str = "") -> ServiceRequest:
    """The coordinator asks the customer for what is missing; the message lists the open findings."""
    request = lock(ServiceRequest, request.pk)
    require_role(by, *STAFF)
    require_status(request, actions.ASKABLE, action=_("ask for information"))
    findings = selectors.request_findings(request)
    missing = [f.as_dict() for f in findings if f.severity in ("error", "warning")]
    move(
        request,
        RequestStatus.INFO_REQUESTED,
        by=by,
        action="info_requested",
        reason=message.strip(),
        data={"findings": missing},
    )
    return request


@transaction.atomic
def request_record_call(*, request: ServiceRequest, by, note: str) -> ServiceRequest:
    """Record the phone call that short notice and class-4 urgency require (rulebook §2)."""
    request = lock(ServiceRequest, request.pk)
    require_role(by, *STAFF)
    require_status(request, actions.OPEN, action=_("record a call"))
    _require_text(note, "note")
    request.call_recorded_at = clock.now()
    request.call_note = note.strip()
    request.save(update_fields=["call_recorded_at", "call_note"])
    audit.record(actor=by, obj=request, action="call_recorded", reason=request.call_note)
    return request


@transaction.atomic
def request_cancel(*, request: ServiceRequest, by, reason: str = "") -> ServiceRequest:
    """Cancel before approval costs nothing; after approval the full reservation is charged.

    Once an engineer is under way (in progress) the request cannot be cancelled whole: its
    visits end one by one (no access, or cancelled by the coordinator).
    """
    request = lock(ServiceRequest, request.pk)
    if by.role == Role.CUSTOMER:
        _require_customer_of(by, request)
    else:
        require_role(by, *STAFF)
    if request.status == RequestStatus.CANCELLED:
        return request
    require_status(request, actions.CANCELLABLE, action=_("cancel"))
    charged = request.status in CANCELLABLE_CHARGED
    reason = (reason or "").strip()
    _withdraw_open_proposal(request, by=by, reason=reason, reopen=False)
    _end_visits(request, by=by, reason=reason)
    request.refresh_from_db()
    request.cancellation_charged = charged
    request.end_reason = reason
    request.closed_at = clock.now()
    move(
        request,
        RequestStatus.CANCELLED,
        by=by,
        action="cancelled",
        reason=request.end_reason,
        data={"charged": charged},
        fields=["cancellation_charged", "end_reason", "closed_at"],
    )
    return request


@transaction.atomic
def request_decline(*, request: ServiceRequest, by, reason: str) -> ServiceRequest:
    """The provider turns the order down (not covered, no engineer can be found, ...)."""
    request = lock(ServiceRequest, request.pk)
    require_role(by, *STAFF)
    require_status(request, actions.DECLINABLE, action=_("decline"))
    _require_text(reason, "reason")
    _withdraw_open_proposal(request, by=by, reason=reason.strip(), reopen=False)
    _end_visits(request, by=by, reason=reason.strip())
    request.refresh_from_db()
    request.end_reason = reason.strip()
    request.closed_at = clock.now()
    move(
        request,
        RequestStatus.DECLINED,
        by=by,
        action="declined",
        reason=request.end_reason,
        fields=["end_reason", "closed_at"],
    )
    return request


def _require_text(value: str, field: str) -> None:
    if not (value or "").strip():
        raise ValidationFailed(
            _("%(field)s is required.") % {"field": field},
            problems=[FieldProblem(field, _("This field is required."), "required")],
        )


@transaction.atomic
def request_release(*, request: ServiceRequest, by) -> ServiceRequest:
    """Commit to dispatch: needs the customer's approval and every blocking item resolved."""
    request = lock(ServiceRequest, request.pk)
    require_role(by, *STAFF)
    if request.status == RequestStatus.RELEASED:
        return request
    if request.status in (
        RequestStatus.SUBMITTED,
        RequestStatus.INFO_REQUESTED,
        RequestStatus.PROPOSED,
    ):
        raise TransitionRefused(
            _("No engineer is released without the customer's approval."), code="not_approved"
        )
    require_status(request, actions.RELEASABLE, action=_("release"))
    policy = request.policy
    if policy.reference_required_before_release and not request.reference.strip():
        raise TransitionRefused(
            _("This policy needs a PO, case or ticket number before release."),
            code="reference_required",
        )
    refuse_with_errors(request, action=_("release"))
    request.released_at = clock.now()
    for visit in request.visits.filter(status=VisitStatus.PLANNED):
        move(visit, VisitStatus.RELEASED, by=by, action="released")
    move(request, RequestStatus.RELEASED, by=by, action="released", fields=["released_at"])
    return request


@transaction.atomic
def request_mark_paid(*, request: ServiceRequest, by) -> ServiceRequest:
    request = lock(ServiceRequest, request.pk)
    require_role(by, Role.BILLING, Role.ADMIN)
    if request.status == RequestStatus.PAID:
        return request
    require_status(request, actions.PAYABLE, action=_("mark paid"))
    request.closed_at = clock.now()
    move(request, RequestStatus.PAID, by=by, action="paid", fields=["closed_at"])
    return request
