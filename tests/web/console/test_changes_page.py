"""The console's page of changes after approval: confirm or decline the customer's ask, add or
remove an engineer; refusals under the field; 404 for what is not there."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from genba.dispatch.models import EngineerProfile
from genba.orders.models import ChangeStatus, Visit, VisitChange
from genba.orders.visit_changes import visit_change_request
from tests.dispatch.helpers import engineer
from tests.orders.helpers import VISIT_START, approved

pytestmark = pytest.mark.django_db


def page(request):
    return reverse("console-changes:page", args=[request.public_id])


def _ask(alice, visit):
    return visit_change_request(
        visit=visit, by=alice, scheduled_start=VISIT_START + timedelta(days=1), reason="Moved."
    )


def test_the_coordinator_confirms_the_customers_ask(alice, carol, ken, client_as):
    request = approved(alice, carol, ken)
    change = _ask(alice, request.visits.get())
    client = client_as(carol)
    assert client.get(page(request)).status_code == 200
    response = client.post(
        reverse("console-changes:confirm", args=[request.public_id, change.public_id])
    )
    assert response.status_code == 302
    assert VisitChange.objects.get().status == ChangeStatus.CONFIRMED
    assert Visit.objects.get().scheduled_start == VISIT_START + timedelta(days=1)


def test_decline_needs_a_reason_under_the_field(alice, carol, ken, client_as):
    request = approved(alice, carol, ken)
    change = _ask(alice, request.visits.get())
    url = reverse("console-changes:decline", args=[request.public_id, change.public_id])
    response = client_as(carol).post(url, {f"dc-{change.public_id}-reason": ""})
    assert response.status_code == 422
    assert "reason" in response.context["changes"][0]["decline_form"].errors
    assert VisitChange.objects.get().status == ChangeStatus.REQUESTED
    response = client_as(carol).post(url, {f"dc-{change.public_id}-reason": "Nobody free."})
    assert response.status_code == 302
    assert VisitChange.objects.get().status == ChangeStatus.DECLINED


def test_add_and_remove_an_engineer(alice, carol, ken, provider, client_as):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    other = engineer(provider)
    client = client_as(carol)
    prefix = f"add-{visit.public_id}"
    response = client.post(
        reverse("console-changes:engineer-add", args=[request.public_id, visit.public_id]),
        {f"{prefix}-engineer_id": other.public_id, f"{prefix}-reason": "Two racks"},
    )
    assert response.status_code == 302
    assert set(Visit.objects.get().assigned_engineers.all()) == {ken, other.user}
    ken_id = EngineerProfile.objects.get(user=ken).public_id
    response = client.post(
        reverse(
            "console-changes:engineer-remove", args=[request.public_id, visit.public_id, ken_id]
        )
    )
    assert response.status_code == 302
    assert list(Visit.objects.get().assigned_engineers.all()) == [other.user]


def test_an_unfit_engineer_is_refused_under_the_field(alice, bob, carol, ken, provider, client_as):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    busy = engineer(provider)
    approved(bob, carol, busy.user)
    prefix = f"add-{visit.public_id}"
    response = client_as(carol).post(
        reverse("console-changes:engineer-add", args=[request.public_id, visit.public_id]),
        {f"{prefix}-engineer_id": busy.public_id},
    )
    assert response.status_code == 422
    (row,) = response.context["visits"]
    assert row["add_form"].errors
    assert list(Visit.objects.get(pk=visit.pk).assigned_engineers.all()) == [ken]


def test_what_is_not_there_is_404_and_customers_are_kept_out(alice, bob, carol, ken, client_as):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    change = _ask(alice, visit)
    other = approved(bob, carol, engineer(ken.organization).user)
    client = client_as(carol)
    # A change or visit under another request is 404.
    url = reverse("console-changes:confirm", args=[other.public_id, change.public_id])
    assert client.post(url).status_code == 404
    url = reverse("console-changes:engineer-add", args=[other.public_id, visit.public_id])
    assert client.post(url, {}).status_code == 404
    # Customers do not reach the console.
    assert client_as(bob).get(page(request)).status_code in (403, 404)
    assert VisitChange.objects.get(pk=change.pk).status == ChangeStatus.REQUESTED


def test_query_count_does_not_grow_with_the_changes(
    alice, carol, ken, client_as, django_assert_max_num_queries
):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    client = client_as(carol)
    _ask(alice, visit)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(page(request))
    for _ in range(3):
        _ask(alice, Visit.objects.get(pk=visit.pk))
    with django_assert_max_num_queries(len(one)):
        client.get(page(request))


def test_the_request_page_links_to_the_changes_once_approved(alice, carol, ken, client_as):
    request = approved(alice, carol, ken)
    response = client_as(carol).get(reverse("console:request", args=[request.public_id]))
    assert page(request) in response.content.decode()
