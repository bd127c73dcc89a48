"""The requests list: the organization's requests only, newest first, filters, search, pages."""

from __future__ import annotations

import pytest

from genba.orders.models import ServiceRequest
from tests.orders.helpers import new_request, submitted

pytestmark = pytest.mark.django_db


def test_lists_only_the_organizations_requests_newest_first(alice, bob, client_as):
    old = new_request(alice, title="Older job")
    new = submitted(alice, title="Newer job")
    new_request(bob, title="Globex secret job")
    page = client_as(alice).get("/portal/").content.decode()
    assert "Globex secret job" not in page
    assert page.index("Newer job") < page.index("Older job")
    assert f"/portal/requests/{new.public_id}/" in page and old.public_id in page
    assert "badge badge-submitted" in page and "badge badge-draft" in page
    assert 'href="/portal/requests/new/"' in page
    assert 'aria-current="page">Requests' in page


def test_filter_by_status_and_search(alice, client_as):
    new_request(alice, title="Disk swap", reference="PO-1")
    submitted(alice, title="Switch power supply", reference="PO-2")
    client = client_as(alice)
    page = client.get("/portal/", {"status": "submitted"}).content.decode()
    assert "Switch power supply" in page and "Disk swap" not in page
    page = client.get("/portal/", {"q": "po-1"}).content.decode()
    assert "Disk swap" in page and "Switch power supply" not in page
    page = client.get("/portal/", {"q": "Otemachi"}).content.decode()  # the site's name
    assert "Disk swap" in page and "Switch power supply" in page
    page = client.get("/portal/", {"q": "nothing like this"}).content.decode()
    assert "No request matches these filters." in page


def test_counts_open_findings_per_request(alice, client_as):
    new_request(alice, title="Gaps", languages=[], work_description="")
    page = client_as(alice).get("/portal/").content.decode()
    assert "2 missing" in page


def test_paginates_by_25_keeping_the_filters(alice, client_as):
    for n in range(27):
        new_request(alice, title=f"Job {n:02d}")
    client = client_as(alice)
    first = client.get("/portal/", {"status": "draft"}).content.decode()
    assert "Page 1 of 2" in first and "status=draft&amp;page=2" in first
    second = client.get("/portal/", {"status": "draft", "page": 2}).content.decode()
    assert "Job 00" in second and "Job 26" not in second


def test_empty_list_invites_a_first_request(alice, client_as):
    page = client_as(alice).get("/portal/").content.decode()
    assert "No requests yet" in page


@pytest.mark.parametrize("who", ["carol", "ken", "bill"])
def test_other_roles_get_404(request, client_as, who):
    assert client_as(request.getfixturevalue(who)).get("/portal/").status_code == 404


def test_query_count_does_not_grow_with_the_list(alice, client_as, django_assert_num_queries):
    client = client_as(alice)
    new_request(alice)
    submitted(alice)
    client.get("/portal/")  # warm the session and the caches
    with django_assert_num_queries(15) as two:  # +2: the provider's numbers (findings, footer)
        client.get("/portal/")
    new_request(alice)
    submitted(alice)
    with django_assert_num_queries(len(two.captured_queries)):
        client.get("/portal/")
    assert ServiceRequest.objects.count() == 4


def test_renders_in_japanese(alice, client_as):
    alice.language = "ja"
    alice.save()
    submitted(alice)
    page = client_as(alice).get("/portal/").content.decode()
    assert '<html lang="ja">' in page
    assert "新規依頼" in page and "依頼一覧" in page
