"""Headers (issue 11: "no Content-Security-Policy or Permissions-Policy header") and the API's
answer to an unexpected error in production ("a 500 from the API is an HTML page")."""

from __future__ import annotations

import base64
import hashlib
import logging
import re
from pathlib import Path

import django
import pytest
from django.conf import settings
from django.test import Client, override_settings

import genba
from genba.accounts.models import ApiToken, User

SRC = Path(genba.__file__).resolve().parent


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/api/v1/docs", "/api/v1/openapi.json", "/admin/login/"]
)
def test_every_answer_carries_a_csp_without_unsafe_inline_and_the_other_headers(db, path):
    response = Client().get(path)

    assert response.status_code == 200
    csp = directives(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"][0] == "'self'" and all(
        v == "'self'" or v.startswith("'nonce-") for v in csp["script-src"]
    )
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    permissions = response["Permissions-Policy"]
    for feature in ("camera=(self)", "geolocation=()", "microphone=()", "payment=()"):
        assert feature in permissions
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_refusals_carry_the_headers_too(db):
    response = Client().get("/api/v1/me")
    assert response.status_code == 401
    assert "Content-Security-Policy" in response and "Permissions-Policy" in response


# --- The templates keep to the policy: nothing inline that it would block -----------------------

# The invoice template is rendered to PDF by WeasyPrint, never served to a browser.
PDF_ONLY = {SRC / "billing/templates/billing/invoice.html"}
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*\bnonce=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style(?![^>]*\bnonce=)[^>]*>", re.I), "inline <style>"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I), "javascript: URL"),
]


def test_no_template_served_to_a_browser_has_inline_script_style_or_handlers():
    templates = [
        path for path in SRC.rglob("templates/**/*.html") if path.resolve() not in PDF_ONLY
    ]
    assert len(templates) > 20
    found = [
        f"{path.relative_to(SRC)}: {what}"
        for path in templates
        for pattern, what in INLINE
        if pattern.search(path.read_text())
    ]
    assert found == []


def test_the_admin_change_list_style_hash_is_djangos():
    """The one hash in style-src: Django's change list without actions has a <style> block."""
    template = Path(django.__file__).parent / "contrib/admin/templates/admin/change_list.html"
    block = re.search(r"<style>(.*?)</style>", template.read_text(), re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
    assert settings.ADMIN_CHANGELIST_STYLE_HASH == f"'sha256-{digest}'"


# --- An unexpected error in the API is problem+json, also in production --------------------------


def crash(self):
    raise RuntimeError("database said something private: row 42 of secret_table")


@override_settings(DEBUG=False)
def test_an_unexpected_api_error_is_a_500_problem_without_details(alice, monkeypatch, caplog):
    # No API path crashes on purpose (issue 11 removed the known ones): a fault is injected where
    # /me reads the user, as a bug or a lost database connection would surface.
    monkeypatch.setattr(User, "get_full_name", crash)
    _, token = ApiToken.issue(user=alice)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", raise_request_exception=False)

    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/api/v1/me")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 500
    assert body["type"].endswith("/server-error")
    assert "secret_table" not in response.content.decode()
    assert "Traceback" not in response.content.decode()
    # The traceback is in the log, for the operator.
    logged = [r for r in caplog.records if r.exc_info and r.exc_info[0] is RuntimeError]
    assert logged and "/api/v1/me" in logged[0].getMessage()


@override_settings(DEBUG=False)
def test_the_500_problem_is_in_the_callers_language(alice, monkeypatch):
    monkeypatch.setattr(User, "get_full_name", crash)
    _, token = ApiToken.issue(user=alice)
    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="ja",
        raise_request_exception=False,
    )
    response = client.get("/api/v1/me")
    assert response.status_code == 500
    assert response.json()["title"] == "サーバー側でエラーが発生しました。"
