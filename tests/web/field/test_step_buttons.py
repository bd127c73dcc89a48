"""Rulebook §3 on the engineer's phone: the visit page offers exactly `visit_actions`; a step not
yet due says when it opens instead of showing a button; each step asks once more before it is
recorded (a second tap, no script)."""

from __future__ import annotations

import re

import pytest

from genba.core import clock
from genba.core.models import AuditEvent
from genba.orders import visit_services
from genba.orders.actions import visit_actions
from genba.orders.models import VisitStatus
from tests.orders.helpers import reload
from tests.web.buttons import FIELD, FIELD_VISIT, offered
from tests.web.field.conftest import at, on_site_at

pytestmark = pytest.mark.django_db
# The suite's "now" is 2026-11-30 09:00 JST; steps open 3 hours before a visit's start.


def _page(client, visit) -> str:
    return client.get(f"/field/visits/{visit.public_id}/").content.decode()


def _later_today(make_visit, ken, carol):
    return make_visit("2026-11-30T14:00")  # opens at 11:00


def _in_the_window(make_visit, ken, carol):
    return make_visit("2026-11-30T10:00")


def _en_route(make_visit, ken, carol):
    visit = make_visit("2026-11-30T10:00")
    visit_services.visit_en_route(visit=visit, by=ken)
    return visit


def _on_site_early(make_visit, ken, carol):
    visit = make_visit("2026-11-30T10:00")
    visit_services.visit_en_route(visit=visit, by=ken)
    visit_services.visit_arrive(visit=visit, by=ken)
    return visit


def _working_after_the_start(make_visit, ken, carol):
    visit = _on_site_early(make_visit, ken, carol)
    visit_services.visit_start_work(visit=visit, by=ken)
    clock.set_now(at("2026-11-30T11:00"))
    return visit


def _signed_off(make_visit, ken, carol):
    return make_visit("2026-11-24T10:00", finish=True)


def _cancelled(make_visit, ken, carol):
    visit = make_visit("2026-11-30T14:00")
    visit_services.visit_cancel(visit=visit, by=carol, reason="Not needed")
    return visit


STATES = [
    _later_today,
    _in_the_window,
    _en_route,
    _on_site_early,
    _working_after_the_start,
    _signed_off,
    _cancelled,
]


@pytest.mark.parametrize("state", STATES, ids=lambda f: f.__name__.strip("_"))
def test_the_page_offers_exactly_the_visit_actions(state, make_visit, ken, carol, client_as):
    visit = state(make_visit, ken, carol)
    html = _page(client_as(ken), visit)
    shown = offered(html, FIELD)["visits"].get(visit.public_id, set())
    fresh = reload(visit)
    assert shown == visit_actions(fresh, ken) & FIELD_VISIT, fresh.status


def test_a_step_not_yet_due_says_when_it_opens(make_visit, ken, client_as):
    visit = make_visit("2026-11-30T14:00")
    client = client_as(ken)
    html = _page(client, visit)
    assert "/step/" not in html
    assert 'id="step-opens"' in html and "On my way from 11:00" in html
    # Posted anyway (an old page): refused, nothing recorded.
    before = AuditEvent.objects.count()
    response = client.post(f"/field/visits/{visit.public_id}/step/en-route/", follow=True)
    assert "Too early" in response.content.decode()
    assert reload(visit).status == VisitStatus.RELEASED
    assert AuditEvent.objects.count() == before
    clock.set_now(at("2026-11-30T11:00"))
    html = _page(client, visit)
    assert "/step/en-route/" in html and 'id="step-opens"' not in html


def test_a_step_on_another_day_names_the_day(make_visit, ken, client_as):
    visit = make_visit("2026-12-08T10:00")
    html = _page(client_as(ken), visit)
    opens = re.search(r'id="step-opens">([^<]*)<', html).group(1)
    assert opens == "On my way from 12/08/2026 7 a.m."  # 3 hours before 10:00 on 8 December


def test_when_a_step_opens_in_japanese(make_visit, ken, client_as):
    ken.language = "ja"
    ken.save()
    html = _page(client_as(ken), make_visit("2026-11-30T14:00"))
    assert "11:00 から出発を記録できます" in html


def test_arrival_is_offered_only_after_on_my_way(make_visit, ken, client_as):
    visit = make_visit("2026-11-30T10:00")
    client = client_as(ken)
    assert "/step/arrive/" not in _page(client, visit)
    refused = client.post(f"/field/visits/{visit.public_id}/step/arrive/", follow=True)
    assert "Cannot record the arrival: the visit is Released." in refused.content.decode()
    assert reload(visit).status == VisitStatus.RELEASED
    client.post(f"/field/visits/{visit.public_id}/step/en-route/")
    assert "/step/arrive/" in _page(client, visit)


@pytest.mark.parametrize(
    ("state", "step"),
    [(_in_the_window, "en-route"), (_en_route, "arrive"), (_on_site_early, "start-work")],
)
def test_each_step_asks_once_more(state, step, make_visit, ken, carol, client_as):
    visit = state(make_visit, ken, carol)
    html = _page(client_as(ken), visit)
    confirms = re.findall(r'<details class="confirm-step">(.*?)</details>', html, re.S)
    (question,) = [c for c in confirms if f"/step/{step}/" in c]
    # The first tap opens the question (<summary>), the form's button sends the step.
    assert "<summary" in question and '<button type="submit"' in question
    assert "onsubmit" not in html and "confirm(" not in html


def test_the_engineer_on_site_on_another_day_still_gets_the_steps(make_visit, ken, client_as):
    visit = make_visit("2026-11-20T10:00")
    on_site_at(visit, ken, "2026-11-20T09:50")
    html = _page(client_as(ken), visit)
    assert "/step/start-work/" in html and 'id="step-opens"' not in html
