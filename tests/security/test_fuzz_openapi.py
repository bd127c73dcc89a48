"""Every status the API can answer is in its OpenAPI document, with the problem schema (issue 11).

The fuzz (test_fuzz_schemathesis.py) finds the answers an operation really gives; these tests pin
the ones every operation of a kind gives, so a new operation cannot forget them.
"""

from __future__ import annotations

import pytest

from genba.api.problems import CONTENT_TYPE, PROBLEM_SCHEMA


@pytest.fixture(scope="module")
def document():
    from genba.api.router import api

    return api.get_openapi_schema()


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def statuses(operation) -> set[str]:
    return {str(status) for status in operation["responses"]}


def test_every_operation_declares_the_answers_every_call_may_get(document):
    missing = {
        label: sorted({"401", "429"} - statuses(operation))
        for label, operation in operations(document)
        if {"401", "429"} - statuses(operation)
    }
    assert missing == {}


def test_an_operation_with_a_body_declares_its_refusals(document):
    missing = {}
    for label, operation in operations(document):
        content = operation.get("requestBody", {}).get("content", {})
        if "multipart/form-data" in content:
            # A form Django cannot read (400), one too large (413), a missing file (422).
            lacking = {"400", "413", "422"} - statuses(operation)
            if lacking:
                missing[label] = sorted(lacking)
        if "application/json" in content:
            lacking = {"413", "422"} - statuses(operation)
            if "genba_api_quotes" not in operation["operationId"]:
                # The quote document's own reader names invalid JSON as a 422 problem line.
                lacking |= {"400"} - statuses(operation)
            if lacking:
                missing[label] = sorted(lacking)
    assert missing == {}


def test_an_operation_with_an_id_in_its_path_declares_not_found(document):
    missing = [
        label
        for label, operation in operations(document)
        if any(p["in"] == "path" for p in operation.get("parameters", []))
        and "404" not in statuses(operation)
    ]
    assert missing == []


def constrained(parameter) -> bool:
    """Whether a value can be refused: anything but free text (a number, a list, an enum, a
    format, a length or a pattern)."""
    schema = {
        key: value
        for key, value in parameter.get("schema", {}).items()
        if key not in ("title", "description", "default")
    }
    return schema != {"type": "string"}


def test_an_operation_with_constrained_parameters_declares_422(document):
    missing = [
        label
        for label, operation in operations(document)
        if any(constrained(p) for p in operation.get("parameters", []))
        and "422" not in statuses(operation)
    ]
    assert missing == []


def test_every_refusal_is_a_problem_document(document):
    wrong = []
    for label, operation in operations(document):
        for status, answer in operation["responses"].items():
            if int(status) >= 400:
                schema = answer.get("content", {}).get(CONTENT_TYPE, {}).get("schema")
                if schema != PROBLEM_SCHEMA:
                    wrong.append(f"{label} {status}")
    assert wrong == []


def test_a_429_says_when_to_come_back(document):
    for _label, operation in operations(document):
        assert "Retry-After" in operation["responses"]["429"]["headers"]


def test_a_created_request_links_to_what_takes_its_id(document):
    created = document["paths"]["/api/v1/requests"]["post"]["responses"]
    assert set(created) & {201, "201"} and not {201, "201"} <= set(created)
    links = created.get(201, created.get("201"))["links"]
    targets = {link["operationId"] for link in links.values()}
    assert {"genba_api_requests_get_request", "genba_api_requests_update_request"} <= targets
    ids = {op["operationId"] for _label, op in operations(document)}
    assert targets <= ids
    assert all(
        link["parameters"] == {"request_id": "$response.body#/id"} for link in links.values()
    )


def test_a_registered_webhook_links_to_what_takes_its_id(document):
    created = document["paths"]["/api/v1/webhooks"]["post"]["responses"]
    links = created.get(201, created.get("201"))["links"]
    ids = {op["operationId"] for _label, op in operations(document)}
    assert {link["operationId"] for link in links.values()} <= ids
    assert "genba_api_webhooks_get_webhook" in {link["operationId"] for link in links.values()}
