"""The day plan: run the optimizer, review, accept (each assignment becomes a proposal)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from genba.dispatch.models import Proposal
from genba.orders.models import RequestStatus
from tests.dispatch.helpers import engineer, profile_for
from tests.orders.helpers import reload, submitted
from tests.web.console.conftest import page

pytestmark = pytest.mark.django_db
DAY = "2026-12-08"


def test_run_review_and_accept(client_as, carol, alice, ken):
    profile = profile_for(ken)
    request = submitted(alice)
    client = client_as(carol)
    response = client.post("/console/plan/run/", {"date": DAY})
    assert response.status_code == 302 and response["Location"] == f"/console/plan/?date={DAY}"
    review = client.get(response["Location"])
    (assignment,) = review.context["assignments"]
    assert assignment["request"] == request and assignment["engineers"] == [profile]
    assert "Accept" in page(review)
    assert not Proposal.objects.exists()  # nothing stored before accept
    accepted = client.post("/console/plan/accept/", {"date": DAY}, follow=True)
    assert reload(request).status == RequestStatus.PROPOSED
    assert list(Proposal.objects.get(request=request).engineers.all()) == [ken]
    assert request.public_id in page(accepted)
    assert client.get(f"/console/plan/?date={DAY}").context["plan"] is None


def test_unassigned_requests_show_why(client_as, carol, alice, ken):
    profile_for(ken, languages=["ja"])  # the request asks for English
    request = submitted(alice)
    client = client_as(carol)
    client.post("/console/plan/run/", {"date": DAY})
    (unassigned,) = client.get(f"/console/plan/?date={DAY}").context["unassigned"]
    assert unassigned["request"] == request and "speaks" in unassigned["reason"]


def test_accepting_without_a_plan_is_refused(client_as, carol, alice, ken):
    profile_for(ken)
    request = submitted(alice)
    response = client_as(carol).post("/console/plan/accept/", {"date": DAY}, follow=True)
    assert "run the planner first" in page(response)
    assert reload(request).status == RequestStatus.SUBMITTED


def test_a_stale_plan_is_refused_per_request(client_as, carol, alice, ken):
    profile_for(ken)
    request = submitted(alice)
    client = client_as(carol)
    client.post("/console/plan/run/", {"date": DAY})
    from genba.orders import services

    services.request_decline(request=request, by=carol, reason="gone")
    response = client.post("/console/plan/accept/", {"date": DAY}, follow=True)
    assert request.public_id in page(response)
    assert not Proposal.objects.exists()


@pytest.mark.parametrize("who", ["alice", "bob", "ken", "bill"])
def test_other_roles_get_404(request, client_as, who):
    client = client_as(request.getfixturevalue(who))
    assert client.get("/console/plan/").status_code == 404
    assert client.post("/console/plan/run/", {"date": DAY}).status_code == 404


def test_running_needs_csrf(client_as, carol):
    assert (
        client_as(carol, enforce_csrf_checks=True)
        .post("/console/plan/run/", {"date": DAY})
        .status_code
        == 403
    )


def test_the_review_takes_a_fixed_number_of_queries(
    client_as, carol, alice, bob, ken, provider, django_assert_num_queries
):
    profile_for(ken)
    engineer(provider)
    submitted(alice)
    submitted(bob)
    client = client_as(carol)
    client.post("/console/plan/run/", {"date": DAY})
    with CaptureQueriesContext(connection) as two:
        client.get(f"/console/plan/?date={DAY}")
    # Counted now: the next request through the client resets Django's query log.
    expected = len(two.captured_queries)
    engineer(provider)
    submitted(
        alice, visits=[{"scheduled_start": "2026-12-08T15:00:00+09:00", "reserved_hours": "2"}]
    )
    client.post("/console/plan/run/", {"date": DAY})
    with django_assert_num_queries(expected):
        response = client.get(f"/console/plan/?date={DAY}")
    assert len(response.context["assignments"]) == 3


def test_renders_in_english_and_japanese(client_as, carol):
    assert "Day plan" in page(client_as(carol).get("/console/plan/"))
    carol.language = "ja"
    carol.save()
    assert "日別の自動計画" in page(client_as(carol).get("/console/plan/"))
