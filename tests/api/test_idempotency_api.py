"""`Idempotency-Key` on the creating POSTs: a retry gets the first answer and creates nothing; the same
key with another body is refused; keys belong to the user who sent them."""

from __future__ import annotations

import pytest
from django.test.client import encode_multipart

from genba.api.models import IdempotencyRecord
from genba.orders.models import Attachment, ServiceRequest
from genba.sites.models import Contact, Site
from tests.api.helpers import PDF, create, error_fields, pdf_upload, problem, upload
from tests.factories import complete_order

CREATES = [
    pytest.param("requests", complete_order(), complete_order(title="Another job"), id="requests"),
    pytest.param("sites", {"name": "Otemachi"}, {"name": "Shinagawa"}, id="sites"),
    pytest.param("contacts", {"name": "Taro"}, {"name": "Jiro"}, id="contacts"),
]


def rows(path: str, user) -> int:
    organization = user.organization
    if path == "requests":
        return ServiceRequest.objects.filter(organization=organization).count()
    if path == "sites":
        return Site.objects.filter(organization=organization).count()
    return Contact.objects.filter(organization=organization).count()


@pytest.mark.parametrize(("path", "body", "_other"), CREATES)
def test_a_retry_with_the_same_key_gets_the_first_answer(alice_api, path, body, _other):
    first = alice_api.post(path, body, HTTP_IDEMPOTENCY_KEY="create-1")
    count = rows(path, alice_api.user)

    retry = alice_api.post(path, body, HTTP_IDEMPOTENCY_KEY="create-1")

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert rows(path, alice_api.user) == count
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.parametrize(("path", "body", "other"), CREATES)
def test_the_same_key_with_another_body_is_a_422_naming_the_key(alice_api, path, body, other):
    alice_api.post(path, body, HTTP_IDEMPOTENCY_KEY="create-1")
    count = rows(path, alice_api.user)

    response = alice_api.post(path, other, HTTP_IDEMPOTENCY_KEY="create-1")

    assert error_fields(problem(response, 422)) == ["Idempotency-Key"]
    assert rows(path, alice_api.user) == count


@pytest.mark.parametrize(("path", "body", "_other"), CREATES)
def test_keys_are_per_user(alice_api, bob_api, path, body, _other):
    alices = alice_api.post(path, body, HTTP_IDEMPOTENCY_KEY="shared-key").json()

    response = bob_api.post(path, body, HTTP_IDEMPOTENCY_KEY="shared-key")

    assert response.status_code == 201
    assert not response.has_header("Idempotent-Replayed")
    assert response.json()["id"] != alices["id"]
    assert rows(path, bob_api.user) == 1
    problem(alice_api.get(f"{path}/{response.json()['id']}"), 404)


def test_without_a_key_every_post_creates(alice_api):
    first, second = create(alice_api), create(alice_api)
    assert first["id"] != second["id"]
    assert IdempotencyRecord.objects.count() == 0


def test_the_same_key_on_another_endpoint_is_refused(alice_api):
    alice_api.post("sites", {"name": "Otemachi"}, HTTP_IDEMPOTENCY_KEY="k")
    response = alice_api.post("contacts", {"name": "Otemachi"}, HTTP_IDEMPOTENCY_KEY="k")
    assert error_fields(problem(response, 422)) == ["Idempotency-Key"]
    assert Contact.objects.count() == 0


def test_a_refused_create_does_not_use_up_the_key(alice_api):
    bad = complete_order(site=None, site_id="site_0000000000000000")
    problem(alice_api.post("requests", bad, HTTP_IDEMPOTENCY_KEY="k"), 422)

    response = alice_api.post("requests", complete_order(), HTTP_IDEMPOTENCY_KEY="k")

    assert response.status_code == 201
    assert not response.has_header("Idempotent-Replayed")


def test_a_key_over_200_characters_is_refused(alice_api):
    response = alice_api.post("sites", {"name": "X"}, HTTP_IDEMPOTENCY_KEY="k" * 201)
    assert error_fields(problem(response, 422)) == ["Idempotency-Key"]
    assert Site.objects.count() == 0


def test_an_upload_retried_with_the_same_key_is_stored_once(alice_api):
    request_id = create(alice_api)["id"]

    first = upload(alice_api, request_id, pdf_upload(), HTTP_IDEMPOTENCY_KEY="up-1")
    retry = upload(alice_api, request_id, pdf_upload(), HTTP_IDEMPOTENCY_KEY="up-1")

    assert first.status_code == retry.status_code == 201, first.content
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert Attachment.objects.count() == 1


def test_an_upload_retry_is_recognised_whatever_its_multipart_boundary(alice_api):
    """HTTP clients pick a new random boundary for each send: the key is about the content."""
    request_id = create(alice_api)["id"]
    url = f"/api/v1/requests/{request_id}/attachments"

    def send(boundary: str):
        body = encode_multipart(boundary, {"file": pdf_upload(), "kind": "work_instructions"})
        return alice_api.client.post(
            url,
            body,
            content_type=f"multipart/form-data; boundary={boundary}",
            HTTP_IDEMPOTENCY_KEY="up-1",
        )

    first, retry = send("a1b2c3"), send("z9y8x7")

    assert first.status_code == retry.status_code == 201, retry.content
    assert retry["Idempotent-Replayed"] == "true"
    assert Attachment.objects.count() == 1


def test_an_upload_of_another_file_with_the_same_key_is_refused(alice_api):
    request_id = create(alice_api)["id"]
    upload(alice_api, request_id, pdf_upload(), HTTP_IDEMPOTENCY_KEY="up-1")

    other = pdf_upload(content=PDF + b"% another\n")
    response = upload(alice_api, request_id, other, HTTP_IDEMPOTENCY_KEY="up-1")

    assert error_fields(problem(response, 422)) == ["Idempotency-Key"]
    assert Attachment.objects.count() == 1
