"""The life of a request through the API (rulebook §3): submit, approve or decline a proposal,
cancel, sign off. Every transition is guarded, idempotent where clients retry, and audited."""

from __future__ import annotations

from datetime import timedelta

from genba.core import clock
from genba.dispatch.models import ProposalStatus
from genba.orders.models import VisitStatus
from tests.api.helpers import (
    VISIT_DAY_END,
    approved,
    audit_count,
    create,
    error_fields,
    model,
    on_site,
    problem,
    proposed,
    submit,
)
from tests.factories import NOW
from tests.orders.helpers import VISIT_START


def test_submit_sends_the_request_to_the_provider(alice_api):
    created = create(alice_api)

    body = submit(alice_api, created["id"])

    assert body["status"] == "submitted"
    assert body["submitted_at"] == "2026-11-30T00:00:00Z"
    assert audit_count(created["id"], "submitted") == 1


def test_a_request_with_errors_can_still_be_submitted(alice_api):
    created = create(alice_api, paperwork=[{"description": "NDA", "done": False}])
    assert created["blocking"] is True
    assert submit(alice_api, created["id"])["status"] == "submitted"


def test_submitting_twice_answers_200_and_writes_one_audit_row(alice_api):
    created = create(alice_api)
    first = submit(alice_api, created["id"])

    second = submit(alice_api, created["id"])

    assert second["status"] == first["status"] == "submitted"
    assert second["submitted_at"] == first["submitted_at"]
    assert audit_count(created["id"], "submitted") == 1


def test_cancelling_before_approval_costs_nothing(alice_api):
    created = create(alice_api)
    submit(alice_api, created["id"])

    response = alice_api.post(f"requests/{created['id']}/cancel", {"reason": "Fixed remotely"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "cancelled"
    assert body["cancellation_charged"] is False
    assert body["end_reason"] == "Fixed remotely"
    assert [v["status"] for v in body["visits"]] == ["cancelled"]


def test_cancelling_a_proposed_request_withdraws_the_proposal_free_of_charge(alice_api, carol, ken):
    created, proposal = proposed(alice_api, carol=carol, ken=ken)
    body = alice_api.post(f"requests/{created['id']}/cancel", {}).json()
    assert body["cancellation_charged"] is False
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN


def test_cancelling_after_approval_charges_the_reservation(alice_api, carol, ken):
    created, _ = approved(alice_api, carol=carol, ken=ken)

    body = alice_api.post(f"requests/{created['id']}/cancel", {"reason": "Budget cut"}).json()

    assert body["status"] == "cancelled"
    assert body["cancellation_charged"] is True


def test_cancelling_twice_answers_200_and_writes_one_audit_row(alice_api):
    created = create(alice_api)
    alice_api.post(f"requests/{created['id']}/cancel", {})
    response = alice_api.post(f"requests/{created['id']}/cancel", {})
    assert response.status_code == 200
    assert audit_count(created["id"], "cancelled") == 1


def test_a_request_under_way_cannot_be_cancelled_whole(alice_api, carol, ken):
    created, _ = on_site(alice_api, carol=carol, ken=ken)
    body = problem(alice_api.post(f"requests/{created['id']}/cancel", {}), 409)
    assert body["code"] == "state"
    assert model(created["id"]).status == "in_progress"


# --- proposals ----------------------------------------------------------------------------------


def test_approval_is_refused_while_an_error_finding_is_open(alice_api, carol, ken):
    created, proposal = proposed(alice_api, carol=carol, ken=ken)
    # The customer waited: the visit is now less than 24 hours away and no call is recorded.
    clock.set_now(VISIT_START - timedelta(hours=12))

    response = alice_api.post(f"requests/{created['id']}/proposals/{proposal.public_id}/approve")

    body = problem(response, 409)
    assert body["code"] == "open_errors"
    assert [e["code"] for e in body["errors"]] == ["request.start.short_notice"]
    request = model(created["id"])
    assert request.status == "proposed"
    assert request.approved_at is None
    assert request.sla_started_at is None
    assert audit_count(created["id"], "approved") == 0


def test_approval_starts_the_sla_clock_now(alice_api, carol, ken):
    created, proposal = proposed(alice_api, carol=carol, ken=ken)

    response = alice_api.post(f"requests/{created['id']}/proposals/{proposal.public_id}/approve")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved"
    assert body["sla_started_at"] == body["approved_at"] == "2026-11-30T00:00:00Z"
    request = model(created["id"])
    assert request.sla_started_at == NOW
    assert [p["status"] for p in body["proposals"]] == ["approved"]
    assert list(request.visits.get().assigned_engineers.all()) == [ken]


def test_the_approved_proposal_names_the_engineer_while_the_request_is_open(alice_api, carol, ken):
    created, _ = approved(alice_api, carol=carol, ken=ken)
    assert created["proposals"][0]["engineers"] == [
        {"name": "Ken Sato", "email": "ken@genba.example", "phone": "+819012345678"}
    ]

    body = alice_api.post(f"requests/{created['id']}/cancel", {}).json()

    assert body["proposals"][0]["engineers"] == []


def test_approving_twice_answers_200_and_writes_one_audit_row(alice_api, carol, ken):
    created, proposal = proposed(alice_api, carol=carol, ken=ken)
    url = f"requests/{created['id']}/proposals/{proposal.public_id}/approve"

    first, second = alice_api.post(url), alice_api.post(url)

    assert first.status_code == second.status_code == 200
    assert second.json()["status"] == "approved"
    assert audit_count(created["id"], "approved") == 1
    assert audit_count(proposal.public_id, "approved") == 1


def test_a_coordinator_cannot_approve_for_the_customer(alice_api, carol_api, carol, ken):
    created, proposal = proposed(alice_api, carol=carol, ken=ken)

    response = carol_api.post(f"requests/{created['id']}/proposals/{proposal.public_id}/approve")

    assert problem(response, 403)["code"] == "role"
    assert model(created["id"]).status == "proposed"


def test_declining_with_a_reason_sends_the_request_back_to_the_provider(alice_api, carol, ken):
    created, proposal = proposed(alice_api, carol=carol, ken=ken)

    response = alice_api.post(
        f"requests/{created['id']}/proposals/{proposal.public_id}/decline",
        {"reason": "We need a Japanese speaker"},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted"
    assert body["proposals"][0]["status"] == "declined"
    assert body["proposals"][0]["decline_reason"] == "We need a Japanese speaker"
    assert body["proposals"][0]["engineers"] == []


def test_declining_without_a_reason_is_a_422_naming_reason(alice_api, carol, ken):
    created, proposal = proposed(alice_api, carol=carol, ken=ken)

    response = alice_api.post(
        f"requests/{created['id']}/proposals/{proposal.public_id}/decline", {"reason": "  "}
    )

    assert error_fields(problem(response, 422)) == ["reason"]
    assert model(created["id"]).status == "proposed"
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OPEN


def test_an_approved_proposal_cannot_be_declined(alice_api, carol, ken):
    created, proposal = approved(alice_api, carol=carol, ken=ken)
    response = alice_api.post(
        f"requests/{created['id']}/proposals/{proposal.public_id}/decline", {"reason": "Changed"}
    )
    problem(response, 409)
    assert model(created["id"]).status == "approved"


# --- sign-off -----------------------------------------------------------------------------------


def test_signing_off_the_last_visit_completes_the_request(alice_api, carol, ken):
    created, visit = on_site(alice_api, carol=carol, ken=ken)

    response = alice_api.post(f"requests/{created['id']}/visits/{visit.public_id}/sign-off", {})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "completed"
    assert body["completed_at"] == "2026-12-08T03:30:00Z"
    (signed,) = body["visits"]
    assert signed["status"] == "signed_off"
    assert signed["signed_off_by_name"] == alice_api.user.get_full_name()
    assert signed["signed_off_at"] == "2026-12-08T03:30:00Z"


def test_signing_off_twice_answers_200(alice_api, carol, ken):
    created, visit = on_site(alice_api, carol=carol, ken=ken)
    url = f"requests/{created['id']}/visits/{visit.public_id}/sign-off"
    alice_api.post(url, {"signer_name": "Taro Yamada"})
    clock.set_now(VISIT_DAY_END.replace(hour=14))

    response = alice_api.post(url, {"signer_name": "Someone else"})

    assert response.status_code == 200
    assert response.json()["visits"][0]["signed_off_by_name"] == "Taro Yamada"
    assert audit_count(visit.public_id, "signed_off") == 1


def test_a_visit_not_yet_on_site_cannot_be_signed_off(alice_api, carol, ken):
    created, _ = approved(alice_api, carol=carol, ken=ken)
    visit_id = created["visits"][0]["id"]
    response = alice_api.post(f"requests/{created['id']}/visits/{visit_id}/sign-off", {})
    assert problem(response, 409)["code"] == "state"
    assert model(created["id"]).visits.get().status == VisitStatus.PLANNED


def test_a_sign_off_time_without_offset_is_a_422_not_a_500(alice_api, carol, ken):
    created, visit = on_site(alice_api, carol=carol, ken=ken)
    response = alice_api.post(
        f"requests/{created['id']}/visits/{visit.public_id}/sign-off",
        {"signed_at": "2026-12-08T12:00:00"},
    )
    assert error_fields(problem(response, 422)) == ["signed_at"]
    assert model(created["id"]).status == "in_progress"


def test_a_sign_off_in_the_future_is_refused(alice_api, carol, ken):
    created, visit = on_site(alice_api, carol=carol, ken=ken)
    response = alice_api.post(
        f"requests/{created['id']}/visits/{visit.public_id}/sign-off",
        {"signed_at": "2026-12-08T18:00:00+09:00"},
    )
    assert error_fields(problem(response, 422)) == ["signed_at"]


def test_the_timeline_lists_every_transition(alice_api, carol, ken):
    created, visit = on_site(alice_api, carol=carol, ken=ken)

    body = alice_api.post(f"requests/{created['id']}/visits/{visit.public_id}/sign-off", {}).json()

    transitions = [
        (e["object"], e["action"], e["from_state"], e["to_state"]) for e in body["events"]
    ]
    request, proposal = created["id"], body["proposals"][0]["id"]
    assert transitions == [
        (request, "created", "", "draft"),
        (request, "submitted", "draft", "submitted"),
        (request, "proposed", "submitted", "proposed"),
        (proposal, "approved", "open", "approved"),
        (request, "approved", "proposed", "approved"),
        (visit.public_id, "released", "planned", "released"),
        (request, "released", "approved", "released"),
        (visit.public_id, "en_route", "released", "en_route"),
        (request, "started", "released", "in_progress"),
        (visit.public_id, "arrived", "en_route", "on_site"),
        (visit.public_id, "signed_off", "on_site", "signed_off"),
        (request, "completed", "in_progress", "completed"),
    ]
    assert body["events"][0]["actor"] == f"{alice_api.user.get_full_name()} <alice@acme.example>"


# --- refused by role or state -------------------------------------------------------------------


def test_a_coordinator_cannot_submit_for_the_customer(alice_api, carol_api):
    created = create(alice_api)
    assert problem(carol_api.post(f"requests/{created['id']}/submit"), 403)["code"] == "role"
    assert model(created["id"]).status == "draft"


def test_a_cancelled_request_cannot_be_submitted(alice_api):
    created = create(alice_api)
    alice_api.post(f"requests/{created['id']}/cancel", {})
    assert problem(alice_api.post(f"requests/{created['id']}/submit"), 409)["code"] == "state"
    assert model(created["id"]).status == "cancelled"


def test_a_withdrawn_proposal_cannot_be_approved(alice_api, carol, ken):
    created, proposal = proposed(alice_api, carol=carol, ken=ken)
    alice_api.post(f"requests/{created['id']}/cancel", {})

    response = alice_api.post(f"requests/{created['id']}/proposals/{proposal.public_id}/approve")

    problem(response, 409)
    assert model(created["id"]).approved_at is None


def test_billing_cannot_cancel_a_customers_request(alice_api, bill, api_as):
    created = create(alice_api)
    problem(api_as(bill).post(f"requests/{created['id']}/cancel", {}), 403)
    assert model(created["id"]).status == "draft"


def test_the_engineer_on_the_visit_cannot_cancel_the_request(alice_api, ken_api, carol, ken):
    created, _ = approved(alice_api, carol=carol, ken=ken)
    problem(ken_api.post(f"requests/{created['id']}/cancel", {}), 403)
    assert model(created["id"]).status == "approved"


def test_an_engineer_records_a_sign_off_only_naming_the_customers_signer(
    alice_api, ken_api, carol, ken
):
    created, visit = on_site(alice_api, carol=carol, ken=ken)
    url = f"requests/{created['id']}/visits/{visit.public_id}/sign-off"

    assert error_fields(problem(ken_api.post(url, {}), 422)) == ["signer_name"]
    response = ken_api.post(url, {"signer_name": "Taro Yamada"})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "completed"
    assert response.json()["visits"][0]["signed_off_by_name"] == "Taro Yamada"


def test_cancel_without_a_body_is_accepted(alice_api):
    request_id = create(alice_api)["id"]
    # As `curl -X POST` sends it: no body at all.
    response = alice_api.client.generic("POST", f"/api/v1/requests/{request_id}/cancel")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"


def test_a_customer_signs_off_without_a_body(alice_api, alice, carol, ken):
    document, visit = on_site(alice_api, carol=carol, ken=ken)
    url = f"/api/v1/requests/{document['id']}/visits/{visit.public_id}/sign-off"
    response = alice_api.client.generic("POST", url)
    assert response.status_code == 200, response.content
    assert response.json()["visits"][0]["signed_off_by_name"] == alice.get_full_name()
