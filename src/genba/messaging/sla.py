"""SLA clocks (rulebook §4): the arrival target from approval, at-risk and breached lists, alerts
before and at a breach, and the invoice deadline watched the same way."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from genba.core import clock
from genba.messaging.models import SlaAlert, SlaAlertKind, SweepRun
from genba.orders.models import RequestStatus, ServiceRequest, VisitStatus

logger = logging.getLogger(__name__)
OPEN = (RequestStatus.APPROVED, RequestStatus.RELEASED, RequestStatus.IN_PROGRESS)


def warning_window() -> timedelta:
    return timedelta(minutes=getattr(settings, "GENBA_SLA_WARNING_MINUTES", 60))


def arrival_target(request: ServiceRequest) -> datetime | None:
    """Planned visit: arrival by the scheduled start plus the contract's tolerance. Class 4: within
    the contract's response time from approval. None before approval (the clock has not started)."""
    if request.sla_started_at is None:
        return None
    contract = request.contract
    if request.urgency == 4:
        return request.sla_started_at + timedelta(minutes=contract.class4_response_minutes)
    starts = [
        v.scheduled_start
        for v in request.visits.all()
        if v.status != VisitStatus.CANCELLED and v.scheduled_start
    ]
    if not starts:
        return None
    return min(starts) + timedelta(minutes=contract.sla_arrival_tolerance_minutes)


def _arrived_at(request: ServiceRequest):
    times = [v.arrived_at for v in request.visits.all() if v.arrived_at]
    return min(times) if times else None


def arrival_rows(now: datetime | None = None) -> list[dict]:
    """Every approved request whose first arrival is still awaited, or came late."""
    now = now or clock.now()
    rows = []
    qs = (
        ServiceRequest.objects.filter(
            status__in=OPEN + (RequestStatus.COMPLETED,), sla_started_at__isnull=False
        )
        .select_related("contract", "organization")
        .prefetch_related("visits")
    )
    for request in qs:
        try:
            target = arrival_target(request)
            if target is None:
                continue
            arrived = _arrived_at(request)
            if arrived is not None:
                state = "breached" if arrived > target else "met"
            elif now > target:
                state = "breached"
            elif now >= target - warning_window():
                state = "at_risk"
            else:
                state = "on_track"
        except OverflowError:
            # A start stored near the years 1 or 9999 (behind the input schemas) has no target
            # a clock can reach: the list and the sweep go on without it, and the request's
            # findings (request.start.out_of_range) ask for the real date (issue 11).
            logger.warning("request %s: no SLA target can be computed", request.public_id)
            continue
        if state == "met" or (
            state == "breached" and arrived is None and request.status == RequestStatus.COMPLETED
        ):
            continue
        rows.append(
            {
                "request": request,
                "target": target,
                "arrived_at": arrived,
                "state": state,
                "guaranteed": request.contract.is_retainer and request.contract.active,
            }
        )
    rows.sort(key=lambda r: r["target"])
    return rows


def invoice_rows(now: datetime | None = None) -> list[dict]:
    from genba.billing.selectors import billing_queue

    now = now or clock.now()
    rows = []
    for row in billing_queue():
        deadline = row["deadline_at"]
        if deadline is None:
            continue
        state = (
            "late"
            if now > deadline
            else ("at_risk" if now >= deadline - warning_window() * 6 else "on_track")
        )
        rows.append({"request": row["request"], "deadline": deadline, "state": state})
    return rows


def _raise(request, kind: str, due) -> bool:
    """Record the alert; False when it was raised before (each alert is raised once)."""
    try:
        with transaction.atomic():
            SlaAlert.objects.create(request=request, kind=kind, due_at=due)
    except IntegrityError:
        return False
    return True


def sweep(now: datetime | None = None) -> dict:
    """Raise what is due: at-risk and breached arrivals to the coordinators (and the customer at a
    breach of a guaranteed SLA), at-risk and late invoices to billing. Safe to run any number of
    times, by any number of workers."""
    from genba.messaging import recipients as who
    from genba.messaging.notify import _when, send

    now = now or clock.now()
    counts = {"arrival_at_risk": 0, "arrival_breached": 0, "invoice_at_risk": 0, "invoice_late": 0}
    for row in arrival_rows(now):
        if row["state"] not in ("at_risk", "breached") or row["arrived_at"] is not None:
            continue
        kind = (
            SlaAlertKind.ARRIVAL_AT_RISK
            if row["state"] == "at_risk"
            else SlaAlertKind.ARRIVAL_BREACHED
        )
        request = row["request"]
        if _raise(request, kind, row["target"]):
            to = who.staff("coordinator", "admin")
            if kind == SlaAlertKind.ARRIVAL_BREACHED and row["guaranteed"]:
                to += who.customer_users(request)
            send(
                kind,
                key=f"sla:{kind}:{request.public_id}",
                request=request,
                to=to,
                due=_when(row["target"]),
            )
            counts[kind] += 1
    for row in invoice_rows(now):
        if row["state"] == "on_track":
            continue
        kind = SlaAlertKind.INVOICE_LATE if row["state"] == "late" else SlaAlertKind.INVOICE_AT_RISK
        request = row["request"]
        if _raise(request, kind, row["deadline"]):
            send(
                kind,
                key=f"sla:{kind}:{request.public_id}",
                request=request,
                to=who.staff("billing", "admin"),
                due=_when(row["deadline"]),
            )
            counts[kind] += 1
    return counts


def sweep_once_per_minute(now: datetime | None = None) -> dict | None:
    """Run the periodic sweeps (SLA alerts, photo-ID retention) unless another worker already ran
    them this minute."""
    now = now or clock.now()
    try:
        with transaction.atomic():
            SweepRun.objects.create(name="sla", slot=f"{now:%Y%m%d%H%M}")
    except IntegrityError:
        return None
    from genba.messaging.tasks import periodic_sweeps

    return periodic_sweeps(now)
