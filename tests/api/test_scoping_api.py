"""Rulebook §7: who sees what. A lookup outside a user's scope answers 404, exactly as for an id
that does not exist; a request without a valid token answers 401."""

from __future__ import annotations

import pytest
from django.test import Client

from genba.accounts.models import ApiToken
from genba.core import clock
from genba.orders.models import Attachment
from tests.api.helpers import (
    create,
    error_fields,
    model,
    pdf_upload,
    problem,
    proposed,
    upload,
)
from tests.factories import complete_order

MISSING = {
    "rid": "req_0000000000000000",
    "pid": "prop_0000000000000000",
    "vid": "vis_0000000000000000",
    "aid": "att_0000000000000000",
    "sid": "site_0000000000000000",
    "cid": "con_0000000000000000",
}


def endpoint(method: str, path: str, body=None):
    return pytest.param(method, path, body, id=f"{method} {path}")


# Every endpoint that names an object ("upload" is a multipart POST).
OBJECT_ENDPOINTS = [
    endpoint("get", "requests/{rid}"),
    endpoint("patch", "requests/{rid}", {"title": "Taken over"}),
    endpoint("post", "requests/{rid}/submit", {}),
    endpoint("post", "requests/{rid}/cancel", {"reason": "not mine"}),
    endpoint("post", "requests/{rid}/proposals/{pid}/approve", {}),
    endpoint("post", "requests/{rid}/proposals/{pid}/decline", {"reason": "not mine"}),
    endpoint("post", "requests/{rid}/visits/{vid}/sign-off", {"signer_name": "Bob"}),
    endpoint("upload", "requests/{rid}/attachments"),
    endpoint("get", "requests/{rid}/attachments/{aid}"),
    endpoint("get", "sites/{sid}"),
    endpoint("get", "contacts/{cid}"),
]


@pytest.fixture
def alices_objects(alice_api, carol, ken):
    """Alice's request (proposed, with a visit and an attachment), site and contact."""
    document, proposal = proposed(alice_api, carol=carol, ken=ken)
    attachment = upload(alice_api, document["id"], pdf_upload())
    assert attachment.status_code == 201, attachment.content
    site = alice_api.post("sites", {"name": "Alice's office"}).json()
    contact = alice_api.post("contacts", {"name": "Hanako", "phone": "03-1234-5678"}).json()
    return {
        "rid": document["id"],
        "pid": proposal.public_id,
        "vid": document["visits"][0]["id"],
        "aid": attachment.json()["id"],
        "sid": site["id"],
        "cid": contact["id"],
    }


def call(api, method: str, path: str, body):
    if method == "upload":
        request_id = path.split("/")[1]
        return upload(api, request_id, pdf_upload())
    if method == "get":
        return api.get(path)
    return getattr(api, method)(path, body)


@pytest.mark.parametrize(("method", "path", "body"), OBJECT_ENDPOINTS)
def test_another_customers_object_is_404_exactly_as_a_missing_one(
    alices_objects, bob_api, method, path, body
):
    theirs = call(bob_api, method, path.format(**alices_objects), body)
    missing = call(bob_api, method, path.format(**MISSING), body)

    assert problem(theirs, 404) == problem(missing, 404)
    assert theirs.content == missing.content
    request = model(alices_objects["rid"])
    assert request.status == "proposed"
    assert request.title == complete_order()["title"]
    assert Attachment.objects.filter(request=request).count() == 1


def test_a_proposal_is_found_only_under_its_own_request(alices_objects, alice_api):
    other = create(alice_api)
    response = alice_api.post(f"requests/{other['id']}/proposals/{alices_objects['pid']}/approve")
    problem(response, 404)
    assert model(alices_objects["rid"]).status == "proposed"


def test_a_visit_is_found_only_under_its_own_request(alices_objects, alice_api):
    other = create(alice_api)
    response = alice_api.post(f"requests/{other['id']}/visits/{alices_objects['vid']}/sign-off", {})
    problem(response, 404)


def test_no_token_is_401_with_www_authenticate(db):
    response = Client().get("/api/v1/requests")
    body = problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Bearer" in body["detail"]


def test_an_unknown_token_is_401(db):
    response = Client(HTTP_AUTHORIZATION="Bearer gnb_not-a-real-token").get("/api/v1/me")
    problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_is_401(alice_api):
    assert alice_api.get("me").status_code == 200
    ApiToken.objects.filter(user=alice_api.user).update(revoked_at=clock.now())
    problem(alice_api.get("me"), 401)


def test_the_token_of_a_deactivated_user_is_401(alice_api):
    alice_api.user.is_active = False
    alice_api.user.save(update_fields=["is_active"])
    problem(alice_api.get("requests"), 401)


def test_me_answers_who_the_token_belongs_to(alice_api):
    response = alice_api.get("me")
    assert response.status_code == 200
    assert response.json() == {
        "email": "alice@acme.example",
        "name": alice_api.user.get_full_name(),
        "role": "customer",
        "organization": "Acme Inc.",
        "language": "en",
        "time_zone": "Asia/Tokyo",
    }


def test_a_customer_lists_only_its_own_organizations_requests(alice_api, bob_api):
    alices = {create(alice_api)["id"], create(alice_api)["id"]}
    bobs = create(bob_api)["id"]

    body = bob_api.get("requests").json()
    assert [item["id"] for item in body["items"]] == [bobs]
    assert body["count"] == 1
    assert {item["id"] for item in alice_api.get("requests").json()["items"]} == alices


def test_a_customer_lists_only_its_own_sites_and_contacts(alice_api, bob_api):
    create(alice_api)
    alice_api.post("contacts", {"name": "Hanako"})
    assert bob_api.get("sites").json() == []
    assert bob_api.get("contacts").json() == []
    assert len(alice_api.get("sites").json()) == 1


def test_a_customer_cannot_order_for_another_customers_site(alice_api, bob_api):
    bobs_site = bob_api.post("sites", {"name": "Globex HQ"}).json()["id"]
    theirs = alice_api.post("requests", complete_order(site=None, site_id=bobs_site))
    missing = alice_api.post("requests", complete_order(site=None, site_id=MISSING["sid"]))

    body = problem(theirs, 422)
    assert error_fields(body) == ["site_id"]
    assert body["errors"] == problem(missing, 422)["errors"]
    assert alice_api.get("requests").json()["count"] == 0


def test_a_customer_cannot_name_another_customers_contact(alice_api, bob_api):
    bobs_contact = bob_api.post("contacts", {"name": "Bob's man"}).json()["id"]
    response = alice_api.post(
        "requests", complete_order(local_contact=None, local_contact_id=bobs_contact)
    )
    assert error_fields(problem(response, 422)) == ["local_contact_id"]


def test_a_coordinator_sees_every_customers_requests(alice_api, bob_api, carol_api):
    ids = {create(alice_api)["id"], create(bob_api)["id"]}
    assert {item["id"] for item in carol_api.get("requests").json()["items"]} == ids


def test_an_engineer_sees_a_request_only_once_assigned_to_its_visit(alice_api, ken_api, carol, ken):
    document, proposal = proposed(alice_api, carol=carol, ken=ken)
    problem(ken_api.get(f"requests/{document['id']}"), 404)
    assert ken_api.get("requests").json()["count"] == 0

    alice_api.post(f"requests/{document['id']}/proposals/{proposal.public_id}/approve")

    assert ken_api.get(f"requests/{document['id']}").status_code == 200
    assert [item["id"] for item in ken_api.get("requests").json()["items"]] == [document["id"]]


def test_an_engineer_sees_no_customer_sites(alice_api, ken_api):
    create(alice_api)
    assert ken_api.get("sites").json() == []
