"""SLA clocks: the target from approval, at-risk and breached, alerts once, invoices watched."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from genba.core import clock
from genba.messaging import sla
from genba.messaging.models import SlaAlert
from genba.orders import visit_services
from tests.orders.helpers import VISIT_START, approved, new_request, reload, submitted

pytestmark = pytest.mark.django_db


def state_of(request):
    return next(r["state"] for r in sla.arrival_rows() if r["request"].pk == request.pk)


def test_no_clock_before_approval(alice):
    request = new_request(alice)
    assert sla.arrival_target(request) is None


def test_planned_visit_target_is_the_start_plus_tolerance(alice, carol, ken):
    request = reload(approved(alice, carol, ken))
    assert sla.arrival_target(request) == VISIT_START + timedelta(minutes=15)


def test_class_4_target_is_the_response_time_from_approval(alice, carol, ken, frozen_clock):
    from genba.dispatch import services as dispatch
    from genba.orders import services

    request = submitted(alice, urgency=4)
    services.request_record_call(
        request=request, by=carol, note="Called Jane: go now"
    )  # class 4 needs it before anything is proposed
    proposal = dispatch.proposal_create(request=request, by=carol, engineers=[ken])
    dispatch.proposal_approve(proposal=proposal, by=alice)
    request = reload(request)
    assert sla.arrival_target(request) == frozen_clock + timedelta(minutes=240)


@pytest.fixture
def approved_request(alice, carol, ken):
    return approved(alice, carol, ken)


def test_on_track_then_at_risk_then_breached(approved_request):
    clock.set_now(VISIT_START - timedelta(hours=2))
    assert state_of(approved_request) == "on_track"
    clock.set_now(VISIT_START - timedelta(minutes=30))
    assert state_of(approved_request) == "at_risk"
    clock.set_now(VISIT_START + timedelta(minutes=16))
    assert state_of(approved_request) == "breached"


def test_an_arrival_in_time_meets_the_sla(approved_request, carol, ken):
    from genba.orders import services

    services.request_release(request=approved_request, by=carol)
    clock.set_now(VISIT_START - timedelta(minutes=30))
    visit_services.visit_en_route(visit=approved_request.visits.get(), by=ken)
    clock.set_now(VISIT_START + timedelta(minutes=10))
    visit_services.visit_arrive(visit=approved_request.visits.get(), by=ken)
    assert all(r["request"].pk != approved_request.pk for r in sla.arrival_rows())


def test_the_sweep_alerts_before_and_at_the_breach_once_each(approved_request):
    clock.set_now(VISIT_START - timedelta(minutes=30))
    assert sla.sweep()["arrival_at_risk"] == 1
    assert sla.sweep()["arrival_at_risk"] == 0  # once
    risk = [m for m in mail.outbox if "SLA at risk" in m.subject]
    assert [m.to for m in risk] == [["carol@genba.example"]]
    clock.set_now(VISIT_START + timedelta(minutes=20))
    assert sla.sweep()["arrival_breached"] == 1
    breach = [m for m in mail.outbox if "SLA breached" in m.subject]
    # Acme has a retainer: its guaranteed SLA breach is told to the customer too.
    assert sorted(m.to[0] for m in breach) == ["alice@acme.example", "carol@genba.example"]
    assert SlaAlert.objects.count() == 2


def test_one_sweep_per_minute_whatever_the_number_of_workers(approved_request):
    clock.set_now(VISIT_START - timedelta(minutes=30))
    assert sla.sweep_once_per_minute() is not None
    assert sla.sweep_once_per_minute() is None
    clock.advance(timedelta(minutes=1))
    assert sla.sweep_once_per_minute() is not None


def test_invoice_deadline_is_watched(alice, carol, ken, bill, tokyo_its):
    from tests.billing.helpers import completed

    contract = alice.organization.contracts.get()
    contract.policy = tokyo_its
    contract.save()
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T13:00:00+09:00"
    )
    clock.set_now(request.completed_at + timedelta(hours=43))
    assert sla.sweep()["invoice_at_risk"] == 1
    clock.set_now(request.completed_at + timedelta(hours=49))
    assert sla.sweep()["invoice_late"] == 1
    late = [m for m in mail.outbox if "Invoice late" in m.subject]
    assert [m.to for m in late] == [["bill@genba.example"]]


def test_the_sla_list_in_the_api(approved_request, api_as, carol, alice):
    clock.set_now(VISIT_START - timedelta(minutes=30))
    body = api_as(carol).get("sla?state=at_risk").json()
    assert [r["request_id"] for r in body["arrivals"]] == [approved_request.public_id]
    assert body["arrivals"][0]["guaranteed"] is True
    assert api_as(alice).get("sla").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_the_worker_raises_the_breach_on_time(alice, carol, ken):
    from django.core.management import call_command

    request = reload(approved(alice, carol, ken))
    clock.set_now(VISIT_START + timedelta(minutes=14))
    call_command("worker", batch=True, verbosity=0)
    assert not SlaAlert.objects.filter(request=request, kind="arrival_breached").exists()
    clock.set_now(VISIT_START + timedelta(minutes=16))
    call_command("worker", batch=True, verbosity=0)
    assert SlaAlert.objects.filter(request=request, kind="arrival_breached").exists()
