"""POST /api/v1/quotes: the same document as `genba quote`, the same answer."""

from __future__ import annotations

import json
from pathlib import Path

from tests.api.helpers import problem
from tests.pricing.test_document import EXAMPLE_TEXT
from tests.pricing.test_quote_command import run_quote


def post_quote(api, text: str):
    return api.client.post("/api/v1/quotes", data=text, content_type="application/json")


def test_the_api_answers_exactly_what_the_cli_prints(alice_api, tmp_path: Path):
    response = post_quote(alice_api, EXAMPLE_TEXT)
    assert response.status_code == 200, response.content
    cli = run_quote(tmp_path, stdin=EXAMPLE_TEXT)
    assert cli.returncode == 0, cli.stderr
    assert json.loads(response.content) == json.loads(cli.stdout)


def test_worked_example_tokyo_its(alice_api):
    document = {
        "policy": "tokyo-its",
        "rates": {"senior": 12000},
        "visits": [
            {
                "skill_level": "senior",
                "scheduled_start": "2026-12-04T16:00:00+09:00",
                "reserved_hours": 2,
                "outcome": "planned",
            }
        ],
    }
    body = post_quote(alice_api, json.dumps(document)).json()
    assert [(line["after_hours"], line["amount"]) for line in body["lines"]] == [
        (False, 24000),
        (True, 18000),
    ]
    assert (body["subtotal"], body["taxes"][0]["amount"], body["total"]) == (42000, 4200, 46200)


def test_a_bad_document_is_a_problem_naming_each_field(alice_api):
    document = {
        "policy": "tokyo-its",
        "rates": {"senior": 12000},
        "visits": [{"outcome": "completed", "scheduled_start": "2026-12-04T16:00:00+09:00"}],
    }
    body = problem(post_quote(alice_api, json.dumps(document)), 422)
    assert "visits[0].completed_at" in [e["field"] for e in body["errors"]]


def test_not_json_is_a_problem(alice_api):
    problem(post_quote(alice_api, "{nope"), 422)


def test_quotes_need_a_token(client):
    assert (
        client.post("/api/v1/quotes", data="{}", content_type="application/json").status_code == 401
    )
