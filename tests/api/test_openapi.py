"""The API describes itself: /api/v1/openapi.json and the docs page."""

from __future__ import annotations

from django.test import Client

PATHS = {
    "/api/v1/me",
    "/api/v1/requests",
    "/api/v1/requests/{request_id}",
    "/api/v1/requests/{request_id}/submit",
    "/api/v1/requests/{request_id}/cancel",
    "/api/v1/requests/{request_id}/proposals/{proposal_id}/approve",
    "/api/v1/requests/{request_id}/proposals/{proposal_id}/decline",
    "/api/v1/requests/{request_id}/visits/{visit_id}/sign-off",
    "/api/v1/requests/{request_id}/attachments",
    "/api/v1/requests/{request_id}/attachments/{attachment_id}",
    "/api/v1/sites",
    "/api/v1/sites/{site_id}",
    "/api/v1/contacts",
    "/api/v1/contacts/{contact_id}",
    "/api/v1/invoices",
    "/api/v1/invoices/queue",
    "/api/v1/invoices/export.csv",
    "/api/v1/invoices/{invoice_id}",
    "/api/v1/invoices/{invoice_id}/pdf",
    "/api/v1/invoices/{invoice_id}/credit-note",
    "/api/v1/quotes",
    "/api/v1/engineers",
    "/api/v1/engineers/{engineer_id}/photo-id",
    "/api/v1/requests/{request_id}/availability",
    "/api/v1/requests/{request_id}/proposals",
    "/api/v1/requests/{request_id}/proposals/{proposal_id}/withdraw",
    "/api/v1/requests/{request_id}/proposals/{proposal_id}/engineers/{engineer_id}/photo-id",
    "/api/v1/requests/{request_id}/ask-info",
    "/api/v1/requests/{request_id}/record-call",
    "/api/v1/requests/{request_id}/release",
    "/api/v1/requests/{request_id}/decline",
    "/api/v1/requests/{request_id}/visits/{visit_id}/reassign",
    "/api/v1/requests/{request_id}/visits/{visit_id}/reschedule",
    "/api/v1/requests/{request_id}/visits/{visit_id}/engineers",
    "/api/v1/requests/{request_id}/visits/{visit_id}/engineers/{engineer_id}/remove",
    "/api/v1/requests/{request_id}/visits/{visit_id}/changes",
    "/api/v1/requests/{request_id}/changes",
    "/api/v1/requests/{request_id}/changes/{change_id}/confirm",
    "/api/v1/requests/{request_id}/changes/{change_id}/decline",
    "/api/v1/requests/{request_id}/visits/{visit_id}/cancel",
    "/api/v1/requests/{request_id}/visits/{visit_id}/undo-step",
    "/api/v1/visits",
    "/api/v1/visits/{visit_id}",
    "/api/v1/visits/{visit_id}/en-route",
    "/api/v1/visits/{visit_id}/arrive",
    "/api/v1/visits/{visit_id}/start-work",
    "/api/v1/visits/{visit_id}/no-access",
    "/api/v1/visits/{visit_id}/sign-off",
    "/api/v1/visits/{visit_id}/notes",
    "/api/v1/visits/{visit_id}/photos",
    "/api/v1/sla",
    "/api/v1/calendar-feeds",
    "/api/v1/calendar-feeds/{feed_id}",
}


def test_the_openapi_document_lists_every_path(db):
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Genba API"
    assert PATHS <= set(schema["paths"]), PATHS - set(schema["paths"])
    assert set(schema["paths"]["/api/v1/requests"]) == {"get", "post"}
    assert set(schema["paths"]["/api/v1/requests/{request_id}"]) == {"get", "patch"}


def test_every_request_visit_and_dispatch_operation_declares_its_refusals(db):
    """A client generated from the document knows each refusal is problem+json (with `code`)."""
    schema = Client().get("/api/v1/openapi.json").json()
    undeclared = []
    for path, operations in schema["paths"].items():
        if not path.startswith(("/api/v1/requests", "/api/v1/visits", "/api/v1/engineers")):
            continue
        for method, operation in operations.items():
            responses = operation["responses"]
            refusals = {s for s in responses if s.startswith("4")}
            problem = all(
                "application/problem+json" in responses[s].get("content", {}) for s in refusals
            )
            if "401" not in refusals or not problem:
                undeclared.append(f"{method.upper()} {path}")
            if method == "post" and "{" in path and not refusals & {"403", "404", "409"}:
                undeclared.append(f"{method.upper()} {path} (no 403/404/409)")
    assert undeclared == []


def test_actions_are_part_of_the_request_and_visit_documents(db):
    components = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "actions" in components["RequestOut"]["required"]
    assert "actions" in components["VisitOut"]["required"]
    assert "proposals" not in components["VisitRequestOut"]["properties"]


def test_the_openapi_document_declares_bearer_authentication(db):
    schema = Client().get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())


def test_the_docs_page_renders(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"openapi.json" in response.content


def test_an_unknown_api_path_is_a_problem_404(alice_api):
    response = alice_api.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_a_wrong_method_is_a_problem_405(alice_api):
    response = alice_api.client.delete("/api/v1/requests")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"
    assert "GET" in response["Allow"]


def test_the_docs_page_loads_swagger_from_our_own_static_files(client):
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
