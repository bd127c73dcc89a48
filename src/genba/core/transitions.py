"""The shape every transition shares: lock, guard, change, audit row, signal on commit."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from genba.core import audit
from genba.core.errors import NotAllowed, TransitionRefused
from genba.core.signals import transitioned


def lock(model, pk):
    """Re-read the row under a lock so two concurrent transitions cannot both pass the guard.

    PostgreSQL: SELECT ... FOR UPDATE. SQLite ignores FOR UPDATE, but our transactions there are
    BEGIN IMMEDIATE (settings), which takes the database's write lock first: the same guarantee.
    """
    return model.objects.select_for_update().get(pk=pk)


def require_role(user, *roles: str) -> None:
    if user is None or user.role not in roles:
        raise NotAllowed(_("Your role may not do this."), code="role")


def require_status(obj, allowed, *, action: str) -> None:
    if obj.status not in allowed:
        raise TransitionRefused(
            _("Cannot %(action)s: the %(object)s is %(status)s.")
            % {
                "action": action,
                "object": obj._meta.verbose_name,
                "status": obj.get_status_display(),
            },
            code="state",
        )


def move(
    obj,
    to_state: str,
    *,
    by,
    action: str,
    reason: str = "",
    data: dict | None = None,
    fields=(),
    organization=None,
):
    """Set the new status, save, write the audit row and queue the signal for after commit.

    The only place a status field is written (tests/core/test_no_status_writes.py holds to it)."""
    from_state = obj.status
    obj.status = to_state
    obj.save(update_fields=["status", *fields])
    return _record_and_signal(
        obj, by, action, from_state, to_state, reason=reason, data=data, organization=organization
    )


def announce(
    obj, *, by, action: str, reason: str = "", data: dict | None = None, organization=None
):
    """A change that keeps the status (a visit reassigned or moved): the same audit row and the
    same signal as a transition, with from_state == to_state, so that listeners (notifications,
    calendars, webhooks) hear of it the way they hear of a status change."""
    state = getattr(obj, "status", "")
    return _record_and_signal(
        obj, by, action, state, state, reason=reason, data=data, organization=organization
    )


def _record_and_signal(obj, by, action, from_state, to_state, *, reason, data, organization):
    event = audit.record(
        actor=by,
        obj=obj,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data,
        organization=organization,
    )
    transaction.on_commit(
        lambda: transitioned.send(
            sender=type(obj),
            obj=obj,
            action=action,
            actor=by,
            from_state=from_state,
            to_state=to_state,
            event_id=event.pk,
        )
    )
    return event
