"""Visits assigned to ken (and one to emi, another engineer), carried through the real services at
the moments each step happens; the clock is back at the suite's "now" afterwards."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from genba.accounts.models import Role
from genba.core import clock
from genba.orders import visit_services
from tests.factories import JST, UserFactory
from tests.orders.helpers import released


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=JST)


@pytest.fixture
def emi(provider):
    return UserFactory(
        email="emi@genba.example",
        first_name="Emi",
        last_name="Ito",
        organization=provider,
        role=Role.ENGINEER,
        phone="+819011112222",
    )


@pytest.fixture
def make_visit(alice, carol, ken):
    """`make_visit("2026-11-30T14:00", title=..., finish=True)`: a released visit for `engineer`
    (ken by default); `finish` signs it off two hours after the start."""

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
            with clock.frozen_at(begin - timedelta(minutes=5)):
                visit_services.visit_arrive(visit=visit, by=engineer)
            with clock.frozen_at(begin + timedelta(hours=2)):
                visit_services.visit_sign_off(visit=visit, by=engineer, signer_name="Taro Yamada")
        return visit

    return make
