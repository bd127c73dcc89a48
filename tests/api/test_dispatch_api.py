"""Coordinators through the API: from a submitted request to an approved proposal; photo IDs shown
only on a proposal made to the customer, every view logged."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from genba.core.models import AuditEvent
from tests.api.helpers import create, problem
from tests.dispatch.helpers import profile_for

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def ken_profile(ken):
    return profile_for(ken)


def submitted_id(api) -> str:
    request_id = create(api)["id"]
    assert api.post(f"requests/{request_id}/submit").status_code == 200
    return request_id


def test_coordinator_goes_from_submitted_to_an_approved_proposal(alice_api, carol_api, ken_profile):
    request_id = submitted_id(alice_api)
    offer = carol_api.get(f"requests/{request_id}/availability").json()
    assert [c["id"] for c in offer["available"]] == [ken_profile.public_id]
    assert offer["available"][0]["reasons"]
    proposed = carol_api.post(
        f"requests/{request_id}/proposals",
        {"engineer_ids": [ken_profile.public_id], "message": "Ken"},
    )
    assert proposed.status_code == 201, proposed.content
    (proposal,) = proposed.json()["proposals"]
    assert proposal["estimate"]["total"] > 0
    seen = alice_api.get(f"requests/{request_id}").json()["proposals"][0]
    assert (
        seen["engineers"][0]["name"] == "Ken Sato"
        and seen["engineers"][0]["phone"] == "+819012345678"
    )
    approved = alice_api.post(f"requests/{request_id}/proposals/{proposal['id']}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    released = carol_api.post(f"requests/{request_id}/release")
    assert released.json()["status"] == "released"


def test_coordinator_asks_for_information_and_records_a_call(alice_api, carol_api):
    request_id = submitted_id(alice_api)
    assert carol_api.post(
        f"requests/{request_id}/record-call", {"note": "Confirmed with Jane"}
    ).json()["call_recorded_at"]
    asked = carol_api.post(f"requests/{request_id}/ask-info", {"message": "Please add the NDA"})
    assert asked.json()["status"] == "info_requested"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "engineers"),
        ("get", "requests/{id}/availability"),
        ("post", "requests/{id}/proposals"),
        ("post", "requests/{id}/release"),
        ("post", "requests/{id}/ask-info"),
        ("post", "requests/{id}/record-call"),
    ],
)
def test_customers_cannot_use_coordinator_endpoints(alice_api, method, path, ken_profile):
    request_id = submitted_id(alice_api)
    url = path.format(id=request_id)
    body = {"engineer_ids": [ken_profile.public_id], "note": "x"} if method == "post" else None
    response = alice_api.post(url, body) if method == "post" else alice_api.get(url)
    problem(response, 403)


def test_an_unknown_engineer_is_a_422(alice_api, carol_api):
    request_id = submitted_id(alice_api)
    body = problem(
        carol_api.post(
            f"requests/{request_id}/proposals", {"engineer_ids": ["eng_nobody00000000"]}
        ),
        422,
    )
    assert body["errors"][0]["field"] == "engineer_ids"


# --- photo IDs -----------------------------------------------------------------------------------


@pytest.fixture
def offer(alice_api, carol_api, carol, ken_profile):
    from genba.dispatch.photo_ids import photo_id_set

    photo_id_set(
        profile=ken_profile, upload=SimpleUploadedFile("ken.png", PNG, "image/png"), by=carol
    )
    request_id = submitted_id(alice_api)
    proposal = carol_api.post(
        f"requests/{request_id}/proposals", {"engineer_ids": [ken_profile.public_id]}
    ).json()
    return request_id, proposal["proposals"][0]["id"], ken_profile.public_id


def photo_url(offer) -> str:
    request_id, proposal_id, engineer_id = offer
    return f"requests/{request_id}/proposals/{proposal_id}/engineers/{engineer_id}/photo-id"


def test_the_customer_sees_the_photo_id_on_its_proposal_and_the_view_is_logged(
    alice_api, alice, offer
):
    response = alice_api.get(photo_url(offer))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    assert response["Cache-Control"] == "private, no-store"
    logged = AuditEvent.objects.get(action="photo_id_viewed")
    assert logged.actor == alice and logged.data["proposal"] == offer[1]


def test_another_customer_gets_404_for_the_photo_id(bob_api, offer):
    problem(bob_api.get(photo_url(offer)), 404)
    assert not AuditEvent.objects.filter(action="photo_id_viewed").exists()


def test_no_photo_id_once_the_request_is_closed(alice_api, offer):
    alice_api.post(f"requests/{offer[0]}/cancel", {"reason": "no longer needed"})
    problem(alice_api.get(photo_url(offer)), 404)


def test_no_photo_id_on_a_declined_proposal(alice_api, offer):
    alice_api.post(f"requests/{offer[0]}/proposals/{offer[1]}/decline", {"reason": "another day"})
    problem(alice_api.get(photo_url(offer)), 404)


def test_an_engineer_not_on_the_proposal_is_404(alice_api, offer, provider):
    from tests.dispatch.helpers import engineer

    other = engineer(provider)
    request_id, proposal_id, _ = offer
    problem(
        alice_api.get(
            f"requests/{request_id}/proposals/{proposal_id}/engineers/{other.public_id}/photo-id"
        ),
        404,
    )


def test_a_photo_id_must_be_an_image_or_pdf(carol_api, ken_profile):
    response = carol_api.client.post(
        f"/api/v1/engineers/{ken_profile.public_id}/photo-id",
        {"file": SimpleUploadedFile("ken.exe", b"MZ\x90\x00", "application/octet-stream")},
    )
    assert problem(response, 422)["errors"][0]["field"] == "file"
