"""Visits assigned to ken (and one to emi, another engineer), carried through the real services at
the moments each step happens; the clock is back at the suite's "now" afterwards."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from genba.accounts.models import Role
from genba.core import clock
from genba.orders import visit_services
from tests.dispatch.helpers import profile_for
from tests.factories import JST, UserFactory
from tests.orders.helpers import released


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=JST)


def on_site_at(visit, engineer, arrival: str) -> None:
    """The engineer sets out half an hour before `arrival` (JST) and arrives then."""
    with clock.frozen_at(at(arrival) - timedelta(minutes=30)):
        visit_services.visit_en_route(visit=visit, by=engineer)
    with clock.frozen_at(at(arrival)):
        visit_services.visit_arrive(visit=visit, by=engineer)


@pytest.fixture
def emi(provider):
    """Another engineer, with a dispatch profile like ken's (proposals check it)."""
    user = UserFactory(
        email="emi@genba.example",
        first_name="Emi",
        last_name="Ito",
        organization=provider,
        role=Role.ENGINEER,
        phone="+819011112222",
    )
    profile_for(user, zones=["A", "C"], work_days=[0, 1, 2, 3, 4, 5, 6])
    return user


@pytest.fixture
def make_visit(alice, carol, ken):
    """`make_visit("2026-11-30T14:00", title=..., finish=True)`: a released visit for `engineer`
    (ken by default); `finish` sets out, arrives and signs it off two hours after the start."""

    def make(start: str, *, engineer=None, customer=None, finish=False, **overrides):
        engineer = engineer or ken
        begin = at(start)
        overrides.setdefault(
            "visits", [{"scheduled_start": begin.isoformat(), "reserved_hours": "3"}]
        )
        with clock.frozen_at(begin - timedelta(days=7)):
            request = released(customer or alice, carol, engineer, **overrides)
        visit = request.visits.get()
        if finish:
            # Steps follow the clock (rulebook §3): on the way, then on site, on the day.
            with clock.frozen_at(begin - timedelta(minutes=40)):
                visit_services.visit_en_route(visit=visit, by=engineer)
            with clock.frozen_at(begin - timedelta(minutes=5)):
                visit_services.visit_arrive(visit=visit, by=engineer)
            with clock.frozen_at(begin + timedelta(hours=2)):
                visit_services.visit_sign_off(visit=visit, by=engineer, signer_name="Taro Yamada")
        return visit

    return make
