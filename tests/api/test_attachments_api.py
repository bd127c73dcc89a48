"""Attachments: checked for size and type on the way in (the content must match the name), stored
privately, and served as a download only to those who may see the request."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from genba.orders.models import Attachment
from tests.api.helpers import (
    PDF,
    approved,
    codes,
    create,
    error_fields,
    order_without,
    pdf_upload,
    problem,
    upload,
)


@pytest.fixture
def request_id(alice_api):
    return create(alice_api)["id"]


def download(api, request_id: str, attachment_id: str):
    return api.get(f"requests/{request_id}/attachments/{attachment_id}")


def test_an_uploaded_pdf_is_listed_on_the_request(alice_api, request_id):
    response = upload(alice_api, request_id, pdf_upload())

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["kind"] == "work_instructions"
    assert body["name"] == "instructions.pdf"
    assert body["content_type"] == "application/pdf"
    assert body["size"] == len(PDF)
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["download_url"] == f"/api/v1/requests/{request_id}/attachments/{body['id']}"
    attachments = alice_api.get(f"requests/{request_id}").json()["attachments"]
    assert attachments == [body]


def test_work_instructions_stand_in_for_a_remote_engineer_on_an_entry_level_job(alice_api):
    created = create(alice_api, order_without("remote_engineer", skill_level="entry"))
    assert "request.assistance.required" in codes(created)

    upload(alice_api, created["id"], pdf_upload(), kind="work_instructions")

    after = alice_api.get(f"requests/{created['id']}").json()
    assert "request.assistance.required" not in codes(after)
    # The policy still wants a remote engineer; only the assistance rule is met.
    assert "contact.remote_engineer.missing" in codes(after)


def test_another_kind_of_file_does_not_count_as_work_instructions(alice_api):
    created = create(alice_api, order_without("remote_engineer", skill_level="entry"))
    upload(alice_api, created["id"], pdf_upload(), kind="diagram")
    after = alice_api.get(f"requests/{created['id']}").json()
    assert "request.assistance.required" in codes(after)


def test_a_download_returns_the_bytes_as_an_attachment(alice_api, request_id):
    attachment_id = upload(alice_api, request_id, pdf_upload()).json()["id"]

    response = download(alice_api, request_id, attachment_id)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="instructions.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_another_customer_cannot_download(alice_api, bob_api, request_id):
    attachment_id = upload(alice_api, request_id, pdf_upload()).json()["id"]
    problem(download(bob_api, request_id, attachment_id), 404)


def test_the_engineer_on_the_visit_can_download(alice_api, ken_api, carol, ken):
    created, _ = approved(alice_api, carol=carol, ken=ken)
    attachment_id = upload(alice_api, created["id"], pdf_upload()).json()["id"]
    assert download(ken_api, created["id"], attachment_id).status_code == 200


def test_an_attachment_is_found_only_under_its_own_request(alice_api, request_id):
    attachment_id = upload(alice_api, request_id, pdf_upload()).json()["id"]
    other = create(alice_api)["id"]
    problem(download(alice_api, other, attachment_id), 404)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00", id="exe"),
        pytest.param("report.pdf", b"MZ\x90\x00 not a pdf at all", id="pdf-name-other-content"),
        pytest.param("photo.png", PDF, id="png-name-pdf-content"),
        pytest.param("notes.txt", b"\xff\xfe\x00\x00binary", id="txt-binary"),
    ],
)
def test_a_file_whose_type_is_not_accepted_is_a_422_naming_file(
    alice_api, request_id, name, content
):
    file = SimpleUploadedFile(name, content, content_type="application/pdf")

    body = problem(upload(alice_api, request_id, file), 422)

    assert error_fields(body) == ["file"]
    assert Attachment.objects.count() == 0


@override_settings(GENBA_ATTACHMENT_MAX_BYTES=10)
def test_a_file_over_the_size_limit_is_a_422_naming_file(alice_api, request_id):
    body = problem(upload(alice_api, request_id, pdf_upload()), 422)
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("file", "too_large")]
    assert Attachment.objects.count() == 0


@override_settings(GENBA_ATTACHMENT_MAX_BYTES=500_000)
def test_the_size_refusal_states_the_real_limit(alice_api, request_id):
    big = pdf_upload(content=PDF + b"%" * 500_000)
    (error,) = problem(upload(alice_api, request_id, big), 422)["errors"]
    # Not "larger than 0 MB" (the limit was once floored to whole MiB).
    assert "0 MB" not in error["message"]
    assert "488" in error["message"]  # 500,000 bytes = 488.3 KiB


def test_an_empty_file_is_refused(alice_api, request_id):
    body = problem(upload(alice_api, request_id, pdf_upload(content=b"")), 422)
    assert error_fields(body) == ["file"]


def test_an_upload_without_a_file_is_a_422_naming_file(alice_api, request_id):
    body = problem(upload(alice_api, request_id, None), 422)
    assert error_fields(body) == ["file"]


def test_an_unknown_kind_is_a_422_naming_kind(alice_api, request_id):
    body = problem(upload(alice_api, request_id, pdf_upload(), kind="selfie"), 422)
    assert error_fields(body) == ["kind"]
    assert Attachment.objects.count() == 0


def test_the_stored_name_keeps_no_path(alice_api, request_id):
    body = upload(alice_api, request_id, pdf_upload(name="../../etc/instructions.pdf")).json()
    assert body["name"] == "instructions.pdf"
    stored = Attachment.objects.get(public_id=body["id"])
    assert stored.file.name == f"attachments/{request_id}/{body['id']}"


def test_nothing_is_added_to_a_cancelled_request(alice_api, request_id):
    alice_api.post(f"requests/{request_id}/cancel", {})
    problem(upload(alice_api, request_id, pdf_upload()), 409)
    assert Attachment.objects.count() == 0
