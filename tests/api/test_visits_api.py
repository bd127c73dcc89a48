"""/api/v1/visits and a coordinator's changes to a visit (rulebook §3, §7).

An engineer reads and works only the visits assigned to him or her; the steps follow the clock and
each other; coordinators may record a step for the engineer and change an approved visit; customers
and billing have no /visits. Every refusal is problem+json with the service's code, and changes
nothing.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from genba.core import clock
from genba.core.models import AuditEvent
from genba.dispatch.models import Booking, BookingStatus, Leave
from genba.orders import visit_services
from genba.orders.models import AttachmentKind, RequestStatus, VisitStatus
from tests.api.helpers import error_fields, problem
from tests.dispatch.helpers import engineer
from tests.orders.helpers import VISIT_START, on_the_day, released, reload, submitted

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def png(name: str = "rack.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def photo(api, visit_id: str, **extra):
    return api.client.post(f"/api/v1/visits/{visit_id}/photos", {"file": png()}, **extra)


@pytest.fixture
def job(alice, carol, ken):
    """Ken's released visit (Tuesday 2026-12-08 10:00 JST); the clock is a week before."""
    request = released(
        alice, carol, ken, equipment=[{"make": "NetApp", "model": "FAS2750", "serial": "SN-9"}]
    )
    return request, request.visits.get()


@pytest.fixture
def other(provider):
    """Another engineer who fits the job (senior, en/ja, zones A and C, every day)."""
    return engineer(provider, zones=["A", "C"], work_days=[0, 1, 2, 3, 4, 5, 6]).user


# --- reading ------------------------------------------------------------------------------------


def test_an_engineer_lists_his_visits_with_what_the_job_needs(ken_api, job):
    request, visit = job

    body = ken_api.get("visits").json()

    assert body["count"] == 1
    (item,) = body["items"]
    assert item["id"] == visit.public_id
    assert item["status"] == "released"
    assert [e["email"] for e in item["engineers"]] == ["ken@genba.example"]
    assert item["request"]["id"] == request.public_id
    assert item["request"]["customer"] == "Acme Inc."
    assert item["request"]["site"]["postal_code"] == "100-0004"
    assert item["request"]["local_contact"]["name"] == "Taro Yamada"
    assert item["request"]["equipment"][0]["serial"] == "SN-9"
    assert item["request"]["work_description"] == request.work_description
    # A week before the visit: the day's steps are not open yet, notes and photos are.
    assert item["actions"] == ["add_expense", "notes", "photos"]


def test_an_engineer_does_not_see_a_colleagues_visit(ken_api, alice, carol, other, job):
    _, theirs = job
    released(alice, carol, other, visits=[{"scheduled_start": "2026-12-09T10:00:00+09:00"}])

    other_api_ids = [v["id"] for v in ken_api.get("visits").json()["items"]]

    assert other_api_ids == [theirs.public_id]


def test_another_engineer_gets_404_for_the_visit_and_its_steps(api_as, other, job):
    _, visit = job
    api = api_as(other)
    on_the_day()

    assert problem(api.get(f"visits/{visit.public_id}"), 404) == problem(
        api.get("visits/vis_doesnotexist0000"), 404
    )
    problem(api.post(f"visits/{visit.public_id}/en-route"), 404)
    problem(api.post(f"visits/{visit.public_id}/notes", {"text": "Was here"}), 404)
    assert reload(visit).status == VisitStatus.RELEASED
    assert reload(visit).notes == ""


@pytest.mark.parametrize("who", ["alice_api", "bill_api"])
def test_customers_and_billing_have_no_visits(request, who, job):
    _, visit = job
    api = request.getfixturevalue(who)
    on_the_day()

    problem(api.get("visits"), 404)
    problem(api.get(f"visits/{visit.public_id}"), 404)
    problem(api.post(f"visits/{visit.public_id}/en-route"), 404)
    assert reload(visit).status == VisitStatus.RELEASED


def test_a_coordinator_sees_every_visit(carol_api, job):
    _, visit = job
    assert [v["id"] for v in carol_api.get("visits").json()["items"]] == [visit.public_id]
    assert carol_api.get(f"visits/{visit.public_id}").json()["actions"] == [
        "add_engineer",
        "add_expense",
        "cancel",
        "notes",
        "photos",
        "reassign",
        "reschedule",
    ]


def test_visits_come_by_scheduled_start_and_filter_by_status_and_time(ken_api, alice, carol, ken):
    request = released(
        alice,
        carol,
        ken,
        visits=[
            {"scheduled_start": "2026-12-09T10:00:00+09:00", "reserved_hours": "2"},
            {"scheduled_start": "2026-12-08T10:00:00+09:00", "reserved_hours": "2"},
        ],
    )
    later, earlier = request.visits.order_by("position")

    def ids(query=""):
        response = ken_api.get(f"visits{query}")
        assert response.status_code == 200, response.content
        return [v["id"] for v in response.json()["items"]]

    assert ids() == [earlier.public_id, later.public_id]
    assert ids("?order=-scheduled_start") == [later.public_id, earlier.public_id]
    assert ids("?scheduled_after=2026-12-09T00:00:00%2B09:00") == [later.public_id]
    assert ids("?scheduled_before=2026-12-09") == [earlier.public_id]
    assert ids("?status=signed_off") == []
    assert error_fields(problem(ken_api.get("visits?order=price"), 422)) == ["order"]


def test_the_visit_list_runs_the_same_queries_for_one_visit_as_for_five(
    api_as, alice, carol, ken, provider
):
    def count(api):
        api.get("me")  # the token's first-use stamp is not counted
        with CaptureQueriesContext(connection) as queries:
            assert api.get("visits").status_code == 200
        return len(queries)

    api = api_as(carol)
    released(alice, carol, ken)
    one = count(api)
    for day in (9, 10, 11, 14):
        crew = engineer(provider, zones=["A", "C"], work_days=[0, 1, 2, 3, 4, 5, 6]).user
        released(
            alice, carol, crew, visits=[{"scheduled_start": f"2026-12-{day:02d}T10:00:00+09:00"}]
        )
    assert api.get("visits").json()["count"] == 5
    assert count(api) == one


# --- the steps ----------------------------------------------------------------------------------


def test_on_my_way_too_early_is_a_409_too_early_and_changes_nothing(ken_api, job):
    _, visit = job

    body = problem(ken_api.post(f"visits/{visit.public_id}/en-route"), 409)

    assert body["code"] == "too_early"
    assert "2026-12-08 07:00 JST" in body["detail"]
    assert reload(visit).status == VisitStatus.RELEASED
    assert reload(visit).en_route_at is None


def test_the_day_step_by_step_to_sign_off(ken_api, job):
    request, visit = job
    url = f"visits/{visit.public_id}"
    on_the_day(minutes_before=40)

    body = ken_api.post(f"{url}/en-route").json()
    assert (body["status"], body["actions"]) == (
        "en_route",
        ["add_expense", "arrive", "no_access", "notes", "photos"],
    )
    assert body["en_route_at"] == "2026-12-08T00:20:00Z"
    assert reload(request).status == RequestStatus.IN_PROGRESS

    on_the_day()
    assert ken_api.post(f"{url}/arrive").json()["status"] == "on_site"
    body = ken_api.post(f"{url}/start-work").json()
    assert body["status"] == "working"
    assert body["actions"] == [
        "add_expense",
        "notes",
        "photos",
    ]  # sign-off opens at the scheduled start

    clock.set_now(VISIT_START + timedelta(hours=2))
    assert "sign_off" in ken_api.get(url).json()["actions"]
    body = ken_api.post(f"{url}/sign-off", {"signer_name": "Taro Yamada"}).json()
    assert (body["status"], body["signed_off_by_name"]) == ("signed_off", "Taro Yamada")
    assert body["request"]["status"] == "completed"


def test_arrival_before_on_my_way_is_refused(ken_api, job):
    _, visit = job
    on_the_day()

    body = problem(ken_api.post(f"visits/{visit.public_id}/arrive"), 409)

    assert body["code"] == "state"
    assert reload(visit).status == VisitStatus.RELEASED


def test_no_access_needs_a_reason_and_then_ends_the_request(ken_api, job):
    request, visit = job
    on_the_day()
    url = f"visits/{visit.public_id}/no-access"

    assert error_fields(problem(ken_api.post(url, {"reason": " "}), 422)) == ["reason"]
    assert reload(visit).status == VisitStatus.RELEASED

    body = ken_api.post(url, {"reason": "Nobody at the security desk"}).json()
    assert (body["status"], body["ended_reason"]) == ("no_access", "Nobody at the security desk")
    assert reload(request).status == RequestStatus.COMPLETED


def test_a_coordinator_records_a_step_for_the_engineer(carol_api, carol, job):
    _, visit = job
    on_the_day()

    response = carol_api.post(f"visits/{visit.public_id}/en-route")

    assert response.status_code == 200, response.content
    assert AuditEvent.objects.get(object_id=visit.public_id, action="en_route").actor == carol


# --- notes and photos ---------------------------------------------------------------------------


def test_notes_are_appended_once_per_idempotency_key(ken_api, job):
    _, visit = job
    url = f"visits/{visit.public_id}/notes"

    first = ken_api.post(url, {"text": "Rack 12 is labelled B7"}, HTTP_IDEMPOTENCY_KEY="n-1")
    again = ken_api.post(url, {"text": "Rack 12 is labelled B7"}, HTTP_IDEMPOTENCY_KEY="n-1")

    assert first.status_code == again.status_code == 200, first.content
    assert again["Idempotent-Replayed"] == "true"
    assert reload(visit).notes.count("Rack 12 is labelled B7") == 1
    assert first.json()["notes"].endswith("Ken Sato\nRack 12 is labelled B7")
    assert error_fields(problem(ken_api.post(url, {"text": ""}), 422)) == ["text"]


def test_a_photo_joins_the_requests_files(ken_api, job):
    request, visit = job

    response = photo(ken_api, visit.public_id)

    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["content_type"]) == ("photo", "image/png")
    assert request.attachments.get().kind == AttachmentKind.PHOTO
    document = ken_api.get(f"visits/{visit.public_id}").json()
    assert [a["id"] for a in document["request"]["attachments"]] == [response.json()["id"]]


def test_no_note_or_photo_on_a_cancelled_visit(ken_api, carol, job):
    request, visit = job
    visit_services.visit_cancel(visit=visit, by=carol, reason="Not needed")

    # An expense still counts (a ticket that cannot be refunded); notes and photos no longer.
    assert ken_api.get(f"visits/{visit.public_id}").json()["actions"] == ["add_expense"]
    note = problem(ken_api.post(f"visits/{visit.public_id}/notes", {"text": "Late note"}), 409)
    assert note["code"] == "state"
    assert problem(photo(ken_api, visit.public_id), 409)["code"] == "state"
    assert not request.attachments.exists()
    assert reload(visit).notes == ""


def test_a_photo_that_is_not_an_image_or_pdf_is_a_422(ken_api, job):
    _, visit = job
    fake = SimpleUploadedFile("rack.png", b"MZ\x90\x00 not a picture", content_type="image/png")
    response = ken_api.client.post(f"/api/v1/visits/{visit.public_id}/photos", {"file": fake})
    assert error_fields(problem(response, 422)) == ["file"]


# --- the coordinator's changes ------------------------------------------------------------------


def _confirmed(visit):
    return list(
        Booking.objects.filter(visit=visit, status=BookingStatus.CONFIRMED).values_list(
            "engineer__email", "starts_at"
        )
    )


def test_reassign_gives_the_visit_to_another_engineer(carol_api, ken_api, api_as, other, job):
    request, visit = job
    profile = other.engineer_profile

    response = carol_api.post(
        f"requests/{request.public_id}/visits/{visit.public_id}/reassign",
        {"engineer_ids": [profile.public_id], "reason": "Ken is ill"},
    )

    assert response.status_code == 200, response.content
    assert list(reload(visit).assigned_engineers.all()) == [other]
    # The engineer taken off no longer sees the visit; the new one does.
    problem(ken_api.get(f"visits/{visit.public_id}"), 404)
    assert api_as(other).get(f"visits/{visit.public_id}").status_code == 200


def test_reassign_to_an_engineer_on_leave_is_refused_and_nothing_changes(
    carol_api, ken, other, job
):
    request, visit = job
    Leave.objects.create(
        engineer=other,
        starts_at=VISIT_START - timedelta(days=1),
        ends_at=VISIT_START + timedelta(days=1),
        reason="Holiday",
    )
    before = _confirmed(visit)

    body = problem(
        carol_api.post(
            f"requests/{request.public_id}/visits/{visit.public_id}/reassign",
            {"engineer_ids": [other.engineer_profile.public_id]},
        ),
        409,
    )

    assert body["code"] in ("engineer_unfit", "booking_conflict")
    assert error_fields(body) == ["engineer_ids"]
    assert list(reload(visit).assigned_engineers.all()) == [ken]
    assert _confirmed(visit) == before
    assert not AuditEvent.objects.filter(action="reassigned").exists()


def test_reassign_to_an_unknown_engineer_is_a_422(carol_api, ken, job):
    request, visit = job
    response = carol_api.post(
        f"requests/{request.public_id}/visits/{visit.public_id}/reassign",
        {"engineer_ids": ["eng_nobody0000000"]},
    )
    assert error_fields(problem(response, 422)) == ["engineer_ids"]
    assert list(reload(visit).assigned_engineers.all()) == [ken]


@pytest.mark.parametrize("op", ["reassign", "reschedule", "cancel", "undo-step"])
@pytest.mark.parametrize("who", ["alice_api", "ken_api"])
def test_only_coordinators_change_a_visit(request, who, op, other, job):
    target, visit = job
    api = request.getfixturevalue(who)
    body = {
        "engineer_ids": [other.engineer_profile.public_id],
        "scheduled_start": "2026-12-09T10:00:00+09:00",
        "reason": "Because",
    }

    refused = problem(
        api.post(f"requests/{target.public_id}/visits/{visit.public_id}/{op}", body), 403
    )

    assert refused["code"] == "role"
    assert reload(visit).status == VisitStatus.RELEASED
    assert reload(visit).scheduled_start == VISIT_START


def test_another_customers_request_is_404_for_its_visit(bob_api, job):
    request, visit = job
    body = problem(
        bob_api.post(f"requests/{request.public_id}/visits/{visit.public_id}/sign-off"), 404
    )
    assert body["type"].endswith("/not-found")


def test_reschedule_moves_the_visit_and_its_booking(carol_api, job):
    request, visit = job
    url = f"requests/{request.public_id}/visits/{visit.public_id}/reschedule"

    response = carol_api.post(
        url,
        {"scheduled_start": "2026-12-09T13:00:00+09:00", "reserved_hours": "2", "reason": "Asked"},
    )

    assert response.status_code == 200, response.content
    (moved,) = response.json()["visits"]
    assert (moved["scheduled_start"], moved["reserved_hours"]) == ("2026-12-09T04:00:00Z", "2.00")
    assert _confirmed(visit)[0][1].isoformat() == "2026-12-09T04:00:00+00:00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"scheduled_start": "2026-12-09T13:00:00"}, "scheduled_start"),
        ({"scheduled_start": "2026-11-01T13:00:00+09:00"}, "scheduled_start"),
        ({"scheduled_start": "2026-12-09T13:00:00+09:00", "reserved_hours": "0"}, "reserved_hours"),
        ({"scheduled_start": "2026-12-09T13:00:00+09:00", "reserved_hours": "x"}, "reserved_hours"),
    ],
)
def test_a_bad_new_time_is_a_422_naming_it(carol_api, job, body, field):
    request, visit = job
    url = f"requests/{request.public_id}/visits/{visit.public_id}/reschedule"
    assert error_fields(problem(carol_api.post(url, body), 422)) == [field]
    assert reload(visit).scheduled_start == VISIT_START


def test_cancel_a_visit(carol_api, job):
    request, visit = job
    response = carol_api.post(
        f"requests/{request.public_id}/visits/{visit.public_id}/cancel",
        {"reason": "Fixed remotely"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["visits"][0]["status"] == "cancelled"
    assert _confirmed(visit) == []


def test_a_started_visit_cannot_be_rescheduled(carol_api, ken, job):
    request, visit = job
    on_the_day()
    visit_services.visit_en_route(visit=visit, by=ken)
    url = f"requests/{request.public_id}/visits/{visit.public_id}/reschedule"

    body = problem(carol_api.post(url, {"scheduled_start": "2026-12-09T10:00:00+09:00"}), 409)

    assert body["code"] == "state"
    assert reload(visit).scheduled_start == VISIT_START


def test_undo_step_takes_back_on_my_way(carol_api, ken, job):
    request, visit = job
    on_the_day()
    visit_services.visit_en_route(visit=visit, by=ken)
    url = f"requests/{request.public_id}/visits/{visit.public_id}/undo-step"

    assert error_fields(problem(carol_api.post(url, {"reason": ""}), 422)) == ["reason"]
    body = carol_api.post(url, {"reason": "Pressed by mistake"}).json()

    assert body["visits"][0]["status"] == "released"
    assert body["visits"][0]["en_route_at"] is None
    assert body["status"] == "released"


# --- request operations the pages have ----------------------------------------------------------


def test_a_coordinator_declines_a_request(carol_api, alice_api, alice):
    request = submitted(alice)
    url = f"requests/{request.public_id}/decline"

    assert problem(alice_api.post(url, {"reason": "No"}), 403)["code"] == "role"
    assert error_fields(problem(carol_api.post(url, {"reason": ""}), 422)) == ["reason"]
    body = carol_api.post(url, {"reason": "Outside our coverage"}).json()

    assert (body["status"], body["end_reason"]) == ("declined", "Outside our coverage")
    assert problem(carol_api.post(url, {"reason": "Again"}), 409)["code"] == "state"
