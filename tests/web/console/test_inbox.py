"""The coordinator's inbox: open requests with urgency, SLA risk and missing information."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from genba.core import clock
from tests.orders.helpers import VISIT_START, approved, new_request, submitted
from tests.web.console.conftest import page

pytestmark = pytest.mark.django_db


def test_open_requests_are_listed_drafts_are_not(client_as, carol, alice, bob):
    first, second = submitted(alice), submitted(bob, title="Swap PSU")
    draft = new_request(alice, title="Still a draft")
    html = page(client_as(carol).get("/console/"))
    assert first.public_id in html and second.public_id in html
    assert draft.public_id not in html
    assert "Swap PSU" in html and "Acme Inc." in html


@pytest.mark.parametrize("who", ["alice", "bob", "ken", "bill"])
def test_other_roles_get_404(request, client_as, who):
    assert client_as(request.getfixturevalue(who)).get("/console/").status_code == 404


def test_missing_information_is_counted_and_sorts_first(client_as, carol, alice):
    complete = submitted(alice, title="Complete one")
    incomplete = submitted(alice, title="Incomplete one", local_contact=None, reference="")
    response = client_as(carol).get("/console/?sort=findings")
    rows = response.context["rows"]
    assert [r.request for r in rows] == [incomplete, complete]
    assert rows[0].errors >= 1 and rows[1].errors == 0


def test_filters_by_status_customer_and_search(client_as, carol, alice, bob, ken):
    acme_open = submitted(alice, title="Disk swap")
    globex = submitted(bob, title="Firewall pair")
    client = client_as(carol)
    by_customer = client.get(f"/console/?customer={bob.organization.public_id}").context["rows"]
    assert [r.request for r in by_customer] == [globex]
    by_search = client.get("/console/?q=disk").context["rows"]
    assert [r.request for r in by_search] == [acme_open]
    by_status = client.get("/console/?status=proposed").context["rows"]
    assert by_status == []


def test_an_approved_request_close_to_its_target_is_at_risk_and_sorts_first_by_sla(
    client_as, carol, alice, bob, ken
):
    at_risk = approved(alice, carol, ken)
    plain = submitted(bob)
    clock.set_now(VISIT_START - timedelta(minutes=30))
    response = client_as(carol).get("/console/?sort=sla")
    rows = response.context["rows"]
    assert rows[0].request == at_risk and rows[0].sla_state == "at_risk"
    assert rows[1].request == plain and rows[1].sla_state is None
    assert "At risk" in page(response)


def test_the_inbox_takes_a_fixed_number_of_queries(
    client_as, carol, alice, bob, ken, django_assert_num_queries
):
    client = client_as(carol)
    submitted(alice)
    approved(bob, carol, ken)
    with CaptureQueriesContext(connection) as two:
        client.get("/console/")
    submitted(alice, local_contact=None)
    submitted(bob)
    approved(
        alice,
        carol,
        ken,
        visits=[{"scheduled_start": "2026-12-09T10:00:00+09:00", "reserved_hours": "2"}],
    )
    with django_assert_num_queries(len(two.captured_queries)):
        response = client.get("/console/")
    assert len(response.context["rows"]) == 5


def test_renders_in_english_and_japanese(client_as, carol, alice):
    submitted(alice)
    assert "Missing information" in page(client_as(carol).get("/console/"))
    carol.language = "ja"
    carol.save()
    html = page(client_as(carol).get("/console/"))
    assert '<html lang="ja">' in html
    assert "受信箱" in html and "提出済み" in html
