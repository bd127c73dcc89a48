"""Writing the audit trail. Every service that changes something calls `record` in its transaction."""

from __future__ import annotations

from genba.core import clock
from genba.core.models import AuditEvent


def record(
    *,
    actor,
    obj,
    action: str,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict | None = None,
    organization=None,
) -> AuditEvent:
    """Write one audit row for `obj` (any model with a `public_id`). Call inside the transaction."""
    label = ""
    if actor is not None:
        label = f"{actor.get_full_name() or actor.email} <{actor.email}>"
    return AuditEvent.objects.create(
        at=clock.now(),
        actor=actor,
        actor_label=label or "system",
        organization=organization
        if organization is not None
        else getattr(obj, "organization", None),
        object_type=obj._meta.model_name,
        object_id=getattr(obj, "public_id", None) or f"{obj._meta.model_name}:{obj.pk}",
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )
