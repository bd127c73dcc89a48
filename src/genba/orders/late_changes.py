"""The price of a late change (issue 13 item 5, docs/pricing.md "Late changes").

A move the customer asked for and a coordinator confirmed less than the policy's
`late_change_hours` before the original start is charged as a cancellation after approval of the
original slot (rulebook §5.5: the reservation only, its own minimum, after-hours where the original
slot was after-hours). The engine prices it as one more visit with outcome
`cancelled_after_approval` at the original start and hours; the new time is priced as the visit
itself. Kept apart from the estimate's travel and expenses (pricing_bridge hooks it in one line).
"""

from __future__ import annotations

from genba.orders.models import ChangeStatus, VisitChange
from genba.pricing.engine import VisitInput


def late_change_inputs(request, visits) -> list[VisitInput]:
    """One input per confirmed late change of the request's `visits` (in their order). Before
    approval there is none to look for (no query: proposal pages keep their count)."""
    if request.approved_at is None:
        return []
    numbers = {visit.pk: n for n, visit in enumerate(visits, start=1)}
    changes = VisitChange.objects.filter(
        visit__request=request, status=ChangeStatus.CONFIRMED, late=True
    ).order_by("decided_at", "id")
    return [
        VisitInput(
            scheduled_start=change.original_start,
            outcome="cancelled_after_approval",
            skill_level=request.skill_level,
            engineers=request.engineers,
            reserved_hours=change.original_hours,
            label=f"{numbers.get(change.visit_id, '')} late change",
        )
        for change in changes
        if change.original_start is not None
    ]
