"""Proposals: the coordinator offers engineers, the customer approves or declines.

Approval is the moment the SLA clock and the reservation charge start (rulebook §3, §4).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from genba.accounts.models import Role, User
from genba.core import clock
from genba.core.errors import FieldProblem, NotAllowed, TransitionRefused, ValidationFailed
from genba.core.transitions import lock, move, require_role, require_status
from genba.dispatch import bookings
from genba.dispatch.bookings import (
    BookingConflict,
    booking_window,
    conflict_for,
    neighbour_conflict,
)
from genba.dispatch.models import Booking, BookingStatus, Proposal, ProposalStatus
from genba.dispatch.places import site_point
from genba.dispatch.travel_estimate import clean_travel, store_travel, zone_flat_fee
from genba.orders import actions
from genba.orders import services as order_services
from genba.orders.models import RequestStatus, ServiceRequest, VisitStatus
from genba.orders.pricing_bridge import estimate_document


@transaction.atomic
def proposal_create(
    *,
    request: ServiceRequest,
    by,
    engineers: list[User],
    message: str = "",
    travel: list | None = None,
) -> Proposal:
    """`travel`: the expected travel per visit (dispatch.travel_estimate.clean_travel's input)."""
    request = lock(ServiceRequest, request.pk)
    require_role(by, *actions.STAFF)
    require_status(request, actions.PROPOSABLE, action=_("propose engineers"))
    # Rulebook §3: nothing is offered that the customer could not approve.
    order_services.refuse_with_errors(request, action=_("propose engineers"))
    unique = list({e.pk: e for e in engineers}.values())
    problems = []
    if any(e.role != Role.ENGINEER or not e.is_active for e in unique):
        problems.append(
            FieldProblem("engineers", _("Only active engineers can be proposed."), "not_engineer")
        )
    if len(unique) != request.engineers:
        problems.append(
            FieldProblem(
                "engineers",
                _("The request asks for %(n)s engineer(s); propose exactly that many.")
                % {"n": request.engineers},
                "count",
            )
        )
    if problems:
        raise ValidationFailed(_("The proposal is not valid."), problems=problems)
    flat_fee = zone_flat_fee(request)
    planned_travel = clean_travel(request, travel, flat_fee=flat_fee)
    refuse_unfit(request, unique)
    proposal = Proposal.objects.create(request=request, created_by=by, message=message.strip())
    store_travel(proposal, planned_travel, flat_fee=flat_fee)
    # The estimate travels with the offer, priced by the same code as the invoice (planned visits,
    # with the travel just stored).
    proposal.estimate = estimate_document(request)
    proposal.save(update_fields=["estimate"])
    proposal.engineers.set(list(unique))
    _hold(proposal, request, list(unique))
    move(
        request,
        RequestStatus.PROPOSED,
        by=by,
        action="proposed",
        data={"proposal": proposal.public_id},
    )
    return proposal


def refuse_unfit(request: ServiceRequest, engineers, windows=None) -> None:
    """The checks every way of putting engineers on a visit runs (proposal, reassign, reschedule):
    skill, languages, coverage zone, leave, other bookings and the travel between them."""
    from genba.dispatch.availability import blocking_reasons

    reasons = blocking_reasons(request, engineers, windows)
    if reasons:
        raise BookingConflict(
            _("Cannot book: %(reasons)s") % {"reasons": "; ".join(reasons)},
            problems=[FieldProblem("engineer_ids", r, "unfit") for r in reasons],
            code="engineer_unfit",
        )


def _hold(proposal: Proposal, request: ServiceRequest, engineers: list) -> None:
    """Proposed bookings for every engineer on every scheduled visit. They hold nothing yet (only
    confirmed bookings block an engineer), but an engineer already confirmed elsewhere at that time
    is refused now rather than at approval."""
    point = site_point(request.site)
    # The proposal's own holds, per engineer: two visits of one request whose windows overlap
    # cannot both be his or hers. Only confirmed bookings are checked by conflict_for, and
    # approval confirms these together, so without this an engineer would be confirmed twice at
    # once (found by tests/orders/test_state_machine.py; PostgreSQL's exclusion constraint would
    # then refuse the approval itself, leaving an offer that can never be accepted).
    held: dict[int, list] = {}
    for visit in request.visits.exclude(status=VisitStatus.CANCELLED).exclude(scheduled_start=None):
        start, end = booking_window(visit, request.policy)
        for engineer in engineers:
            reason = conflict_for(engineer, start, end, point) or neighbour_conflict(
                start,
                end,
                point,
                held.get(engineer.pk, []),
                engineer.get_full_name() or engineer.email,
            )
            if reason:
                raise BookingConflict(reason, code="booking_conflict")
            held.setdefault(engineer.pk, []).append((start, end, point))
            Booking.objects.create(
                engineer=engineer,
                visit=visit,
                proposal=proposal,
                starts_at=start,
                ends_at=end,
                status=BookingStatus.PROPOSED,
            )


def _lock_pair(proposal: Proposal) -> tuple[Proposal, ServiceRequest]:
    request = lock(ServiceRequest, proposal.request_id)
    proposal = lock(Proposal, proposal.pk)
    proposal.request = request
    return proposal, request


def _require_customer(by, request: ServiceRequest) -> None:
    if by.role != Role.CUSTOMER or by.organization_id != request.organization_id:
        raise NotAllowed(_("Only the ordering customer may answer a proposal."), code="role")


@transaction.atomic
def proposal_approve(*, proposal: Proposal, by) -> Proposal:
    """The customer accepts. Refused while an error finding is open. Repeating it is a no-op."""
    proposal, request = _lock_pair(proposal)
    _require_customer(by, request)
    if proposal.status == ProposalStatus.APPROVED:
        return proposal
    require_status(proposal, {ProposalStatus.OPEN}, action=_("approve"))
    require_status(request, actions.APPROVABLE, action=_("approve"))
    order_services.refuse_with_errors(request, action=_("approve"))
    now = clock.now()
    proposal.decided_by, proposal.decided_at = by, now
    move(
        proposal,
        ProposalStatus.APPROVED,
        by=by,
        action="approved",
        fields=["decided_by", "decided_at"],
    )
    # Refused, changing nothing, if an engineer was confirmed elsewhere since the proposal.
    bookings.confirm(
        list(
            proposal.bookings.exclude(status=BookingStatus.CANCELLED).select_related(
                "engineer", "visit__request__site"
            )
        ),
        by=by,
    )
    engineers = list(proposal.engineers.all())
    for visit in request.visits.all():
        visit.assigned_engineers.set(engineers)
    request.approved_at = now
    request.sla_started_at = now
    move(
        request,
        RequestStatus.APPROVED,
        by=by,
        action="approved",
        data={"proposal": proposal.public_id},
        fields=["approved_at", "sla_started_at"],
    )
    return proposal


@transaction.atomic
def proposal_decline(*, proposal: Proposal, by, reason: str) -> Proposal:
    """The customer says no, with a reason; the request goes back to the coordinator."""
    proposal, request = _lock_pair(proposal)
    _require_customer(by, request)
    if proposal.status == ProposalStatus.DECLINED:
        return proposal
    require_status(proposal, {ProposalStatus.OPEN}, action=_("decline"))
    if not (reason or "").strip():
        raise ValidationFailed(
            _("Say why the proposal is declined."),
            problems=[FieldProblem("reason", _("This field is required."), "required")],
        )
    proposal.decided_by, proposal.decided_at = by, clock.now()
    proposal.decline_reason = reason.strip()
    bookings.cancel_for_visits(request.visits.all(), by=by, proposal=proposal)
    move(
        proposal,
        ProposalStatus.DECLINED,
        by=by,
        action="declined",
        reason=proposal.decline_reason,
        fields=["decided_by", "decided_at", "decline_reason"],
    )
    move(
        request,
        RequestStatus.SUBMITTED,
        by=by,
        action="proposal_declined",
        reason=proposal.decline_reason,
    )
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, by, reason: str = "") -> Proposal:
    proposal, request = _lock_pair(proposal)
    require_role(by, *actions.STAFF)
    require_status(proposal, {ProposalStatus.OPEN}, action=_("withdraw"))
    if request.status != RequestStatus.PROPOSED:
        raise TransitionRefused(
            _("The request is no longer waiting on this proposal."), code="state"
        )
    end_open_proposal(request, by=by, reason=reason)
    proposal.refresh_from_db()
    return proposal


def end_open_proposal(
    request: ServiceRequest, *, by, reason: str = "", reopen: bool = True
) -> Proposal | None:
    """The open proposal's withdrawn transition, its bookings freed; with `reopen`, a request still
    waiting on it goes back to submitted (a request being cancelled or declined goes straight to
    its end instead). Inside the caller's transaction, with the request locked: withdrawing,
    the customer's change, cancelling and declining all end an offer this one way."""
    proposal = (
        Proposal.objects.select_for_update().filter(request=request, status=ProposalStatus.OPEN)
    ).first()
    if proposal is None:
        return None
    proposal.decided_by, proposal.decided_at = by, clock.now()
    bookings.cancel_for_visits(request.visits.all(), by=by, proposal=proposal)
    move(
        proposal,
        ProposalStatus.WITHDRAWN,
        by=by,
        action="withdrawn",
        reason=reason,
        fields=["decided_by", "decided_at"],
    )
    if reopen and request.status == RequestStatus.PROPOSED:
        move(request, RequestStatus.SUBMITTED, by=by, action="proposal_withdrawn", reason=reason)
    return proposal
