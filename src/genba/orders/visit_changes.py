"""The customer asks to move an approved visit; a coordinator confirms or declines (issue 13 item 5).

A change is `requested → confirmed | declined` (a newer ask replaces one still requested), each step one transaction with its audit row
(`change_requested`, `change_confirmed`, `change_declined`). Confirming runs the coordinator's
reschedule (`dispatch.reassign.visit_reschedule`: every check a proposal runs, the bookings moved,
the SEQUENCE raised, everyone told) in the same transaction: a refused move leaves the change
requested and the visit and its bookings as they were.

A move confirmed less than the policy's `late_change_hours` before the visit's original start is a
late change: the original slot is charged as a cancellation after approval (rulebook §5.5), priced by
`orders.late_changes` and shown on the estimate and the invoice as its own visit line.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from genba.accounts.models import Role
from genba.core import clock
from genba.core.errors import FieldProblem, NotAllowed, TransitionRefused, ValidationFailed
from genba.core.transitions import announce, lock, move, require_role, require_status
from genba.orders import actions
from genba.orders.models import ChangeStatus, Visit, VisitChange
from genba.orders.visit_services import lock_visit

REASON_MAX = 500
MAX_RESERVED_HOURS = Decimal(24)


def _text(value) -> str:
    return (value or "").strip()


def is_late(visit: Visit, policy, now: datetime) -> bool:
    """Within `late_change_hours` of the original start (at exactly that distance: not late)."""
    if visit.scheduled_start is None:
        return False
    return visit.scheduled_start - now < timedelta(hours=policy.late_change_hours)


@transaction.atomic
def visit_change_request(
    *,
    visit: Visit,
    by,
    scheduled_start: datetime | None,
    reason: str,
    reserved_hours: Decimal | None = None,
) -> VisitChange:
    """The ordering customer asks for another time; nothing moves until a coordinator confirms."""
    visit, request = lock_visit(visit)
    if by.role != Role.CUSTOMER or by.organization_id != request.organization_id:
        raise NotAllowed(_("Only the ordering customer asks to move a visit."), code="role")
    require_status(request, actions.CHANGEABLE_VISIT_REQUESTS, action=_("ask to move a visit"))
    if visit.status not in actions.CHANGEABLE_VISITS:
        raise TransitionRefused(
            _("This visit has started or ended; it can no longer be changed."), code="state"
        )
    problems = []
    if scheduled_start is None or scheduled_start.tzinfo is None:
        problems.append(
            FieldProblem(
                "scheduled_start", _("A start time with its offset is required."), "required"
            )
        )
    elif scheduled_start <= clock.now():
        problems.append(
            FieldProblem("scheduled_start", _("The new start must be in the future."), "past")
        )
    if reserved_hours is not None and not (
        Decimal(0) < Decimal(reserved_hours) <= MAX_RESERVED_HOURS
    ):
        problems.append(
            FieldProblem(
                "reserved_hours", _("Reserved hours are more than 0 and at most 24."), "range"
            )
        )
    reason = _text(reason)
    if not reason:
        problems.append(FieldProblem("reason", _("Say why the visit should move."), "required"))
    elif len(reason) > REASON_MAX:
        problems.append(
            FieldProblem("reason", _("At most %(n)s characters.") % {"n": REASON_MAX}, "length")
        )
    if problems:
        raise ValidationFailed(_("The change cannot be asked for."), problems=problems)
    # The customer's latest word counts: a change still awaiting the coordinator is replaced
    # (declined, audited as change_superseded), so at most one is open per visit.
    for pending in visit.changes.select_for_update().filter(status=ChangeStatus.REQUESTED):
        pending.decline_reason, pending.decided_by, pending.decided_at = (
            _("Replaced by a newer request."),
            by,
            clock.now(),
        )
        move(
            pending,
            ChangeStatus.DECLINED,
            by=by,
            action="change_superseded",
            data={"visit": visit.public_id},
            fields=["decline_reason", "decided_by", "decided_at"],
            organization=request.organization,
        )
    change = VisitChange.objects.create(
        visit=visit,
        scheduled_start=scheduled_start,
        reserved_hours=reserved_hours,
        reason=reason,
        requested_by=by,
    )
    announce(
        change,
        by=by,
        action="change_requested",
        reason=reason,
        data={
            "visit": visit.public_id,
            "from": visit.scheduled_start.isoformat() if visit.scheduled_start else None,
            "to": scheduled_start.isoformat(),
            "late": is_late(visit, request.policy, clock.now()),
        },
        organization=request.organization,
    )
    return change


def _lock_change(change: VisitChange, by):
    require_role(by, *actions.STAFF)
    visit, request = lock_visit(change.visit)
    change = lock(VisitChange, change.pk)
    change.visit = visit
    require_status(change, {ChangeStatus.REQUESTED}, action=_("decide on the change"))
    return change, visit, request


@transaction.atomic
def visit_change_confirm(*, change: VisitChange, by) -> VisitChange:
    """Move the visit as asked (the coordinator's reschedule, every check included) and record
    whether the move is late (charged as a cancellation of the original slot)."""
    from genba.dispatch.reassign import visit_reschedule

    change, visit, request = _lock_change(change, by)
    now = clock.now()
    late = is_late(visit, request.policy, now)
    original_start, original_hours = visit.scheduled_start, visit.reserved_hours
    visit_reschedule(
        visit=visit,
        scheduled_start=change.scheduled_start,
        reserved_hours=change.reserved_hours,
        by=by,
        reason=_("Asked by the customer: %(reason)s") % {"reason": change.reason},
    )
    change.original_start, change.original_hours, change.late = (
        original_start,
        original_hours,
        late,
    )
    change.decided_by, change.decided_at = by, now
    move(
        change,
        ChangeStatus.CONFIRMED,
        by=by,
        action="change_confirmed",
        data={
            "visit": visit.public_id,
            "from": original_start.isoformat() if original_start else None,
            "to": change.scheduled_start.isoformat(),
            "late": late,
            "late_change_hours": request.policy.late_change_hours,
        },
        fields=["original_start", "original_hours", "late", "decided_by", "decided_at"],
        organization=request.organization,
    )
    return change


@transaction.atomic
def visit_change_decline(*, change: VisitChange, by, reason: str) -> VisitChange:
    """The visit stays as it is; the customer is told why."""
    change, visit, request = _lock_change(change, by)
    reason = _text(reason)
    if not reason:
        message = _("Say why the change is declined.")
        raise ValidationFailed(message, problems=[FieldProblem("reason", message, "required")])
    change.decline_reason, change.decided_by, change.decided_at = reason, by, clock.now()
    move(
        change,
        ChangeStatus.DECLINED,
        by=by,
        action="change_declined",
        reason=reason,
        data={"visit": visit.public_id},
        fields=["decline_reason", "decided_by", "decided_at"],
        organization=request.organization,
    )
    return change


def change_actions(change: VisitChange, user) -> set[str]:
    """What `user` may do to the change now: confirm or decline it (coordinators, while it is
    requested and the visit can still be moved)."""
    if user is None or not user.is_active or user.role not in actions.STAFF:
        return set()
    visit = change.visit
    if (
        change.status == ChangeStatus.REQUESTED
        and visit.status in actions.CHANGEABLE_VISITS
        and visit.request.status in actions.CHANGEABLE_VISIT_REQUESTS
    ):
        return {"confirm", "decline"}
    return set()
