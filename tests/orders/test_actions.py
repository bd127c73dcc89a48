"""One rulebook (rulebook §3: "whatever a page or the API offers a person is exactly what the
services would accept from that person now"): for every state a request and its visit reach, for
every role, and for every action name, `allowed_actions` / `visit_actions` list the action exactly
when its one service accepts it.

Each call runs in a savepoint that is rolled back, so one built state serves every role and action.
An unlisted action must be refused (a GenbaError), or be a repeat that changes nothing (submit,
approve, cancel, release, sign-off, no access and paid answer a retry with the state as it is).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import translation

from genba.accounts.models import Role
from genba.billing.services import credit_note_issue, invoice_issue
from genba.contracts.models import Policy
from genba.core import clock
from genba.orders import services, visit_services
from genba.orders.actions import REQUEST_ACTIONS, VISIT_ACTIONS, allowed_actions, visit_actions
from genba.orders.models import RequestStatus, ServiceRequest, Visit, VisitStatus
from genba.orders.selectors import request_findings
from tests.billing.helpers import issuer
from tests.dispatch.helpers import engineer
from tests.factories import NOW, UserFactory
from tests.orders.action_calls import (
    REQUEST_CALLS,
    VISIT_CALLS,
    fresh,
    fresh_visit,
    judge,
    try_call,
)
from tests.orders.helpers import VISIT_START, approved, new_request, proposed, released, submitted

pytestmark = pytest.mark.django_db

ROLES = (
    "customer",
    "other_customer",
    "coordinator",
    "admin",
    "engineer",
    "other_engineer",
    "billing",
)


@dataclass
class World:
    customer: object
    other_customer: object
    coordinator: object
    admin: object
    engineer: object
    other_engineer: object
    billing: object


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def world(alice, bob, carol, ken, bill, provider):
    issuer()
    admin = UserFactory(email="admin@genba.example", organization=provider, role=Role.ADMIN)
    # Qualified for the visit (senior, English, Tokyo, works Tuesday and Wednesday): the one a
    # coordinator reassigns to.
    yui = engineer(provider, work_days=[0, 1, 2, 3, 4, 5, 6]).user
    return World(alice, bob, carol, admin, ken, yui, bill)


def test_every_action_name_has_its_service():
    assert set(REQUEST_CALLS) == set(REQUEST_ACTIONS)
    assert set(VISIT_CALLS) == set(VISIT_ACTIONS)


# --- the states --------------------------------------------------------------------------------
# Each builder carries a request through the real services and returns it with the visit to
# inspect; the clock is left where the state is looked at.


def _at(moment):
    clock.set_now(moment)


def _the_day(minutes_before=10):
    _at(VISIT_START - timedelta(minutes=minutes_before))


def _released(w, **overrides):
    return released(w.customer, w.coordinator, w.engineer, **overrides)


def _en_route(w):
    request = _released(w)
    _the_day(40)
    visit_services.visit_en_route(visit=request.visits.get(), by=w.engineer)
    return request


def _on_site(w):
    request = _en_route(w)
    _the_day(10)
    visit_services.visit_arrive(visit=request.visits.get(), by=w.engineer)
    return request


def _working(w):
    request = _on_site(w)
    _at(VISIT_START + timedelta(minutes=5))
    visit_services.visit_start_work(visit=request.visits.get(), by=w.engineer)
    return request


def _completed(w):
    request = _working(w)
    _at(VISIT_START + timedelta(hours=2))
    visit_services.visit_sign_off(visit=request.visits.get(), by=w.customer, signer_name="Taro")
    return request


def _invoiced(w):
    request = _completed(w)
    invoice_issue(request=request, by=w.billing)
    return request


def _invoiced_then_credited(w):
    request = _invoiced(w)
    credit_note_issue(invoice=request.invoices.get(), by=w.billing, reason="Wrong hours.")
    return request


def _paid(w):
    request = _invoiced(w)
    services.request_mark_paid(request=request, by=w.billing)
    return request


def _no_access(w):
    request = _released(w)
    _the_day(5)
    visit_services.visit_no_access(visit=request.visits.get(), by=w.engineer, reason="Locked.")
    return request


def _cancelled_before_approval(w):
    request, _proposal = proposed(w.customer, w.coordinator, w.engineer)
    services.request_cancel(request=request, by=w.customer, reason="Not needed.")
    return request


def _cancelled_after_approval(w):
    request = approved(w.customer, w.coordinator, w.engineer)
    services.request_cancel(request=request, by=w.customer, reason="Not needed.")
    return request


def _cancelled_and_invoiced(w):
    request = _cancelled_after_approval(w)
    invoice_issue(request=request, by=w.billing)
    return request


def _declined(w):
    request = submitted(w.customer)
    services.request_decline(request=request, by=w.coordinator, reason="Not covered.")
    return request


def _info_requested(w):
    request = submitted(w.customer)
    services.request_ask_info(request=request, by=w.coordinator)
    return request


def _submitted_with_errors(w):
    request = submitted(w.customer, work_description="")
    assert any(f.severity == "error" for f in request_findings(request))
    return request


def _approved_reference_required(w):
    """Approved without a reference, then the policy starts to need one before release."""
    request = approved(w.customer, w.coordinator, w.engineer, reference="")
    Policy.objects.filter(pk=request.policy_id).update(reference_required_before_release=True)
    return request


def _two_visits_one_cancelled(w):
    """A running request whose second visit the coordinator dropped: the dropped visit is looked at."""
    second = (VISIT_START + timedelta(days=1)).isoformat()
    request = _released(
        w,
        visits=[
            {"scheduled_start": VISIT_START.isoformat(), "reserved_hours": "3"},
            {"scheduled_start": second, "reserved_hours": "3"},
        ],
    )
    first, later = request.visits.order_by("scheduled_start")
    _the_day(30)
    visit_services.visit_en_route(visit=first, by=w.engineer)
    visit_services.visit_cancel(visit=later, by=w.coordinator, reason="Done in one day.")
    return request, later


def _first(builder):
    def build(w):
        return builder(w), None

    return build


# name -> (builder, request status, visit status)
STATES = {
    "draft": (_first(lambda w: new_request(w.customer)), "draft", "planned"),
    "submitted": (_first(lambda w: submitted(w.customer)), "submitted", "planned"),
    "submitted_with_errors": (_first(_submitted_with_errors), "submitted", "planned"),
    "info_requested": (_first(_info_requested), "info_requested", "planned"),
    "proposed": (
        _first(lambda w: proposed(w.customer, w.coordinator, w.engineer)[0]),
        "proposed",
        "planned",
    ),
    "approved": (
        _first(lambda w: approved(w.customer, w.coordinator, w.engineer)),
        "approved",
        "planned",
    ),
    "approved_reference_required": (_first(_approved_reference_required), "approved", "planned"),
    "released_days_ahead": (_first(_released), "released", "released"),
    "released_on_the_day": (
        _first(lambda w: (_released(w), _the_day(10))[0]),
        "released",
        "released",
    ),
    "en_route": (_first(_en_route), "in_progress", "en_route"),
    "on_site_before_start": (_first(_on_site), "in_progress", "on_site"),
    "on_site_after_start": (
        _first(lambda w: (_on_site(w), _at(VISIT_START + timedelta(minutes=1)))[0]),
        "in_progress",
        "on_site",
    ),
    "working": (_first(_working), "in_progress", "working"),
    "completed": (_first(_completed), "completed", "signed_off"),
    "completed_no_access": (_first(_no_access), "completed", "no_access"),
    "invoiced": (_first(_invoiced), "invoiced", "signed_off"),
    "invoiced_then_credited": (_first(_invoiced_then_credited), "invoiced", "signed_off"),
    "paid": (_first(_paid), "paid", "signed_off"),
    "cancelled_before_approval": (_first(_cancelled_before_approval), "cancelled", "cancelled"),
    "cancelled_after_approval": (_first(_cancelled_after_approval), "cancelled", "cancelled"),
    "cancelled_and_invoiced": (_first(_cancelled_and_invoiced), "cancelled", "cancelled"),
    "declined": (_first(_declined), "declined", "cancelled"),
    "running_visit_cancelled": (_two_visits_one_cancelled, "in_progress", "cancelled"),
}


def _disagreements(w, request_pk, visit_pk) -> list[str]:
    found = []
    for role in ROLES:
        user = getattr(w, role)
        listed = allowed_actions(fresh(request_pk), user)
        for action in REQUEST_ACTIONS:
            outcome, why, _ = try_call(
                lambda action=action, user=user: REQUEST_CALLS[action](
                    ServiceRequest.objects.get(pk=request_pk), user, w
                )
            )
            found += judge(role, f"request.{action}", action in listed, outcome, why)
        listed = visit_actions(fresh_visit(visit_pk), user)
        for action in VISIT_ACTIONS:
            outcome, why, _ = try_call(
                lambda action=action, user=user: VISIT_CALLS[action](
                    Visit.objects.get(pk=visit_pk), user, w
                )
            )
            found += judge(role, f"visit.{action}", action in listed, outcome, why)
    return found


@pytest.mark.parametrize("state", list(STATES))
def test_offered_exactly_when_the_service_accepts(world, state):
    builder, request_status, visit_status = STATES[state]
    request, visit = builder(world)
    visit = visit or request.visits.get()
    request.refresh_from_db()
    visit.refresh_from_db()
    assert (request.status, visit.status) == (request_status, visit_status)
    found = _disagreements(world, request.pk, visit.pk)
    assert not found, "\n".join(found)


def test_on_my_way_is_offered_from_the_policy_window_and_not_a_minute_before(world):
    request = _released(world)
    visit = request.visits.get()
    window = timedelta(hours=request.policy.en_route_window_hours)
    engineer = world.engineer

    _at(VISIT_START - window - timedelta(minutes=1))
    assert "en_route" not in visit_actions(fresh_visit(visit.pk), engineer)
    outcome, why, _ = try_call(lambda: visit_services.visit_en_route(visit=visit, by=engineer))
    assert outcome == "refused" and "Too early" in why

    _at(VISIT_START - window)
    assert {"en_route", "no_access"} <= visit_actions(fresh_visit(visit.pk), engineer)
    visit_services.visit_en_route(visit=visit, by=engineer)
    assert Visit.objects.get(pk=visit.pk).status == VisitStatus.EN_ROUTE
    assert ServiceRequest.objects.get(pk=request.pk).status == RequestStatus.IN_PROGRESS


def test_a_listed_action_that_the_service_refuses_is_reported(world):
    """The check itself can fail: an action offered where the service refuses it is named."""
    request = submitted(world.customer)
    _at(NOW)
    outcome, why, _ = try_call(
        lambda: services.request_release(request=fresh(request.pk), by=world.coordinator)
    )
    assert judge("coordinator", "request.release", True, outcome, why) == [
        "coordinator request.release: offered, but the service refused it "
        "TransitionRefused: No engineer is released without the customer's approval."
    ]
