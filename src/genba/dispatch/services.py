"""Proposals: the coordinator offers engineers, the customer approves or declines.

Approval is the moment the SLA clock and the reservation charge start (rulebook §3, §4).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from genba.accounts.models import Role, User
from genba.billing.pricing_bridge import estimate_document
from genba.core import clock
from genba.core.errors import FieldProblem, NotAllowed, TransitionRefused, ValidationFailed
from genba.dispatch.models import Proposal, ProposalStatus
from genba.orders import services as order_services
from genba.orders.models import RequestStatus, ServiceRequest
from genba.orders.transitions import lock, move, require_role, require_status


@transaction.atomic
def proposal_create(
    *, request: ServiceRequest, by, engineers: list[User], message: str = ""
) -> Proposal:
    request = lock(ServiceRequest, request.pk)
    require_role(by, Role.COORDINATOR, Role.ADMIN)
    require_status(request, {RequestStatus.SUBMITTED}, action=_("propose engineers"))
    unique = {e.pk: e for e in engineers}.values()
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
    # The estimate travels with the offer, priced by the same code as the invoice (planned visits).
    proposal = Proposal.objects.create(
        request=request, created_by=by, message=message.strip(), estimate=estimate_document(request)
    )
    proposal.engineers.set(list(unique))
    move(
        request,
        RequestStatus.PROPOSED,
        by=by,
        action="proposed",
        data={"proposal": proposal.public_id},
    )
    return proposal


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
    require_status(request, {RequestStatus.PROPOSED}, action=_("approve"))
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
    require_role(by, Role.COORDINATOR, Role.ADMIN)
    require_status(proposal, {ProposalStatus.OPEN}, action=_("withdraw"))
    if request.status != RequestStatus.PROPOSED:
        raise TransitionRefused(
            _("The request is no longer waiting on this proposal."), code="state"
        )
    proposal.decided_by, proposal.decided_at = by, clock.now()
    move(
        proposal,
        ProposalStatus.WITHDRAWN,
        by=by,
        action="withdrawn",
        reason=reason,
        fields=["decided_by", "decided_at"],
    )
    move(request, RequestStatus.SUBMITTED, by=by, action="proposal_withdrawn", reason=reason)
    return proposal
