"""GET /requests: filters, pagination, and a fixed number of queries whatever the page holds (the
list and the detail must not run one query per request or per visit)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.helpers import approved, create, error_fields, pdf_upload, problem, submit, upload
from tests.dispatch.helpers import profile_for
from tests.factories import UserFactory

DAYS = (8, 9, 10, 11, 14)  # weekdays of December 2026


def visits(n: int) -> list[dict]:
    return [
        {"scheduled_start": f"2026-12-{day:02d}T10:00:00+09:00", "reserved_hours": "3"}
        for day in DAYS[:n]
    ]


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


def test_the_list_answers_newest_first_with_its_page_counts(alice_api):
    made = [create(alice_api)["id"] for _ in range(3)]

    body = alice_api.get("requests").json()

    assert [item["id"] for item in body["items"]] == made[::-1]
    assert (body["count"], body["page"], body["page_size"], body["pages"]) == (3, 1, 25, 1)


def test_an_empty_list_has_one_page(alice_api):
    body = alice_api.get("requests").json()
    assert (body["items"], body["count"], body["pages"]) == ([], 0, 1)


def test_the_status_filter_is_repeatable(alice_api):
    draft = create(alice_api)["id"]
    submitted = create(alice_api)["id"]
    submit(alice_api, submitted)
    cancelled = create(alice_api)["id"]
    alice_api.post(f"requests/{cancelled}/cancel", {})

    assert ids(alice_api.get("requests?status=draft")) == [draft]
    assert set(ids(alice_api.get("requests?status=draft&status=submitted"))) == {
        draft,
        submitted,
    }
    assert ids(alice_api.get("requests?status=cancelled")) == [cancelled]


def test_an_unknown_status_is_a_422(alice_api):
    body = problem(alice_api.get("requests?status=lost"), 422)
    assert error_fields(body) == ["status[0]"]


def test_q_searches_title_reference_and_id(alice_api):
    disk = create(alice_api, title="Replace disk", reference="PO-1")["id"]
    psu = create(alice_api, title="Swap PSU", reference="CASE-77")["id"]

    assert ids(alice_api.get("requests?q=disk")) == [disk]
    assert ids(alice_api.get("requests?q=case-77")) == [psu]
    assert ids(alice_api.get(f"requests?q={psu.upper()}")) == [psu]
    assert ids(alice_api.get("requests?q=nothing-like-it")) == []


def test_pages_split_the_list(alice_api):
    made = [create(alice_api)["id"] for _ in range(5)][::-1]

    pages = [alice_api.get(f"requests?page_size=2&page={n}").json() for n in (1, 2, 3)]

    assert [[item["id"] for item in p["items"]] for p in pages] == [made[:2], made[2:4], made[4:]]
    assert {(p["count"], p["pages"], p["page_size"]) for p in pages} == {(5, 3, 2)}
    assert ids(alice_api.get("requests?page_size=2&page=4")) == []


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page_size=101", "page_size"),
        ("page_size=0", "page_size"),
        ("page=0", "page"),
        ("page=first", "page"),
        ("q=" + "x" * 101, "q"),
    ],
)
def test_a_bad_list_parameter_is_a_422_naming_it(alice_api, query, field):
    body = problem(alice_api.get(f"requests?{query}"), 422)
    assert error_fields(body) == [field]


def test_created_after_and_before_filter_by_creation_time(alice_api):
    made = create(alice_api)["id"]  # at 2026-11-30 09:00 JST
    assert ids(alice_api.get("requests?created_after=2026-11-30T08:59:00%2B09:00")) == [made]
    assert ids(alice_api.get("requests?created_before=2026-11-30T08:59:00%2B09:00")) == []
    assert ids(alice_api.get("requests?created_before=2026-11-30T00:01:00Z")) == [made]


def test_a_creation_filter_without_offset_is_read_in_japan_time_not_a_500(alice_api):
    made = create(alice_api)["id"]
    assert ids(alice_api.get("requests?created_after=2026-11-30")) == [made]
    assert ids(alice_api.get("requests?created_before=2026-11-30T09:00:00")) == []
    assert ids(alice_api.get("requests?created_before=2026-11-30T09:00:01")) == [made]


# --- a fixed number of queries ------------------------------------------------------------------


def rich_request(api, *, carol, ken, n_visits: int) -> dict:
    """A request with every part the documents show: visits with an engineer, equipment, items,
    paperwork, an attachment and an approved proposal."""
    document, _ = approved(
        api,
        carol=carol,
        ken=ken,
        visits=visits(n_visits),
        equipment=[{"make": "HP", "model": "DL380", "serial": f"SN-{i}"} for i in range(3)],
        items_to_bring=["laptop", "label tape"],
        paperwork=[{"description": "NDA", "done": True}],
    )
    assert upload(api, document["id"], pdf_upload()).status_code == 201
    return document


def another_engineer(ken):
    """An engineer who could take the job too (a proposal checks skill, language, zone, days)."""
    user = UserFactory(organization=ken.organization, role="engineer")
    profile_for(user, zones=["A", "C"], work_days=[0, 1, 2, 3, 4, 5, 6])
    return user


def count_queries(api, path: str) -> int:
    api.get("me")  # the token's last-used stamp is written on first use only: not counted
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path)
    assert response.status_code == 200, response.content
    return len(queries)


def test_the_list_runs_the_same_queries_for_one_request_as_for_five(alice_api, carol, ken):
    rich_request(alice_api, carol=carol, ken=ken, n_visits=2)
    one = count_queries(alice_api, "requests")

    for _ in range(4):
        # Another engineer each time: one engineer cannot be confirmed on two visits at once.
        rich_request(alice_api, carol=carol, ken=another_engineer(ken), n_visits=2)
    five = count_queries(alice_api, "requests")

    assert alice_api.get("requests").json()["count"] == 5
    assert five == one


def test_the_detail_runs_the_same_queries_for_one_visit_as_for_five(alice_api, carol, ken):
    small = rich_request(alice_api, carol=carol, ken=ken, n_visits=1)
    large = rich_request(alice_api, carol=carol, ken=another_engineer(ken), n_visits=5)

    one = count_queries(alice_api, f"requests/{small['id']}")
    five = count_queries(alice_api, f"requests/{large['id']}")

    assert len(alice_api.get(f"requests/{large['id']}").json()["visits"]) == 5
    assert five == one


def test_a_coordinators_list_runs_the_same_queries_whoever_ordered(alice_api, bob_api, carol_api):
    create(alice_api)
    one = count_queries(carol_api, "requests")
    for api in (alice_api, bob_api, bob_api, alice_api):
        create(api)
    assert count_queries(carol_api, "requests") == one
