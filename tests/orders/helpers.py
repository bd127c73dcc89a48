"""Builders that carry a request to a given state through the real services."""

from __future__ import annotations

from datetime import datetime, timedelta

from genba.core import clock
from genba.dispatch import services as dispatch
from genba.orders import services, visit_services
from genba.orders.inputs import RequestIn
from tests.factories import complete_order

# complete_order()'s visit: Tuesday 2026-12-08 10:00 JST.
VISIT_START = datetime.fromisoformat("2026-12-08T10:00:00+09:00")


def new_request(customer, **overrides):
    return services.request_create(
        by=customer, data=RequestIn.model_validate(complete_order(**overrides))
    )


def submitted(customer, **overrides):
    request = new_request(customer, **overrides)
    services.request_submit(request=request, by=customer)
    return request


def proposed(customer, coordinator, engineer, **overrides):
    request = submitted(customer, **overrides)
    proposal = dispatch.proposal_create(request=request, by=coordinator, engineers=[engineer])
    return request, proposal


def approved(customer, coordinator, engineer, **overrides):
    request, proposal = proposed(customer, coordinator, engineer, **overrides)
    dispatch.proposal_approve(proposal=proposal, by=customer)
    return request


def released(customer, coordinator, engineer, **overrides):
    request = approved(customer, coordinator, engineer, **overrides)
    services.request_release(request=request, by=coordinator)
    return request


def on_the_day(minutes_before: int = 10) -> None:
    """Move the clock to the visit's day, inside the window in which the engineer's steps count."""
    clock.set_now(VISIT_START - timedelta(minutes=minutes_before))


def on_site(customer, coordinator, engineer, **overrides):
    """Released, then the engineer sets out and arrives on the visit's day (the clock moves
    there: steps follow the clock, rulebook §3)."""
    request = released(customer, coordinator, engineer, **overrides)
    visit = request.visits.get()
    on_the_day(minutes_before=40)
    visit_services.visit_en_route(visit=visit, by=engineer)
    on_the_day()
    visit_services.visit_arrive(visit=visit, by=engineer)
    return request, request.visits.get()


def reload(obj):
    return type(obj).objects.get(pk=obj.pk)
