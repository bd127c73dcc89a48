"""What the fuzz found, pinned (issue 11): a multipart body Django cannot read is the client's
mistake, answered 400 (413 when too large) as problem+json and declared, never a 500.

schemathesis (ST102) sent the three upload operations `Content-Type: multipart/form-data` without
a boundary: Django's MultiPartParserError went up to the API's catch-all as a 500.
"""

from __future__ import annotations

import pytest

from genba.api.problems import CONTENT_TYPE

UPLOADS = [
    "requests/{request_id}/attachments",
    "visits/{visit_id}/photos",
    "engineers/{engineer_id}/photo-id",
]


@pytest.fixture
def paths(alice, carol, ken):
    from genba.dispatch.models import EngineerProfile
    from tests.orders.helpers import released

    request = released(alice, carol, ken)
    return {
        "request_id": request.public_id,
        "visit_id": request.visits.get().public_id,
        "engineer_id": EngineerProfile.objects.get(user=ken).public_id,
    }


@pytest.mark.parametrize("upload", UPLOADS)
def test_a_form_without_boundary_is_a_400_problem(upload, paths, carol, api_as):
    client = api_as(carol)
    response = client.client.post(
        "/api/v1/" + upload.format(**paths),
        data=b"--x\r\nnot a form\r\n",
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert response["Content-Type"] == CONTENT_TYPE
    assert response.json()["errors"][0]["field"] == "body"


@pytest.mark.parametrize("upload", UPLOADS)
def test_a_form_past_the_size_limit_is_a_413_problem(upload, paths, carol, api_as, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    client = api_as(carol)
    response = client.client.post(
        "/api/v1/" + upload.format(**paths), data={"kind": "x" * 500, "note": "y" * 500}
    )
    assert response.status_code == 413
    assert response["Content-Type"] == CONTENT_TYPE


def test_the_upload_operations_declare_both(db):
    from genba.api.router import api

    document = api.get_openapi_schema()
    for upload in UPLOADS:
        answers = document["paths"]["/api/v1/" + upload]["post"]["responses"]
        assert {"400", "413"} <= {str(status) for status in answers}, upload
