"""The portal's page to ask for another time for an approved visit (issue 13 item 5)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.urls import reverse

from genba.orders.models import ChangeStatus, VisitChange
from tests.orders.helpers import VISIT_START, approved, submitted

pytestmark = pytest.mark.django_db


def url(request, visit):
    return reverse("portal:visit-change", args=[request.public_id, visit.public_id])


def test_the_request_page_links_to_the_form_and_the_form_sends_the_ask(
    alice, carol, ken, client_as
):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    client = client_as(alice)
    page = client.get(reverse("portal:request", args=[request.public_id]))
    assert url(request, visit) in page.content.decode()
    assert client.get(url(request, visit)).status_code == 200
    response = client.post(
        url(request, visit),
        {"date": "2026-12-09", "time": "13:00", "hours": "", "reason": "Our slot moved."},
    )
    assert response.status_code == 302
    change = VisitChange.objects.get()
    assert change.status == ChangeStatus.REQUESTED and change.requested_by == alice
    assert change.scheduled_start == datetime.fromisoformat("2026-12-09T13:00:00+09:00")
    assert visit.scheduled_start == VISIT_START  # nothing moved


def test_errors_show_under_the_fields_and_nothing_is_saved(alice, carol, ken, client_as):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    response = client_as(alice).post(
        url(request, visit), {"date": "2026-11-01", "time": "10:00", "reason": "Moved."}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["date"]  # in the past: next to the date
    response = client_as(alice).post(url(request, visit), {"date": "2026-12-09", "time": ""})
    assert set(response.context["form"].errors) == {"time", "reason"}
    assert not VisitChange.objects.exists()


def test_not_offered_before_approval(alice, client_as):
    request = submitted(alice)
    visit = request.visits.get()
    page = client_as(alice).get(reverse("portal:request", args=[request.public_id]))
    assert url(request, visit) not in page.content.decode()
    response = client_as(alice).post(
        url(request, visit), {"date": "2026-12-09", "time": "13:00", "reason": "Moved."}
    )
    assert response.status_code == 400
    assert not VisitChange.objects.exists()


def test_another_organization_gets_404(alice, bob, carol, ken, client_as):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    client = client_as(bob)
    assert client.get(url(request, visit)).status_code == 404
    response = client.post(
        url(request, visit), {"date": "2026-12-09", "time": "13:00", "reason": "Moved."}
    )
    assert response.status_code == 404
    assert not VisitChange.objects.exists()
