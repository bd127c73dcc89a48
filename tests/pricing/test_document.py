"""The §9 quote document: parsing (every problem, never a partial price) and writing."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest

from genba.pricing.document import (
    QuoteRequest,
    dumps,
    format_table,
    loads,
    parse_document,
    parse_text,
    quote_to_dict,
)
from genba.pricing.engine import price

# The rulebook's §9 example, verbatim.
EXAMPLE_TEXT = """{
  "policy": "tokyo-its",
  "policy_overrides": {"grace_minutes": 15},
  "rates": {"entry": 8000, "senior": 12000, "specialist": 18000},
  "tax_treatment": "standard",
  "visits": [
    {"skill_level": "senior", "engineers": 1,
     "scheduled_start": "2026-12-04T16:00:00+09:00", "reserved_hours": 2,
     "outcome": "completed", "completed_at": "2026-12-04T19:20:00+09:00",
     "expenses": [{"description": "Shinkansen Tokyo-Osaka", "amount": 14720}]}
  ]
}"""

EXAMPLE_OUTPUT = {
    "currency": "JPY",
    "lines": [
        {"visit": 1, "kind": "reservation", "start": "2026-12-04T16:00:00+09:00",
         "end": "2026-12-04T18:00:00+09:00", "hours": 2, "after_hours": False, "overtime": False,
         "rate": 12000, "multiplier": 1, "amount": 24000},
        {"visit": 1, "kind": "reservation", "start": "2026-12-04T18:00:00+09:00",
         "end": "2026-12-04T19:00:00+09:00", "hours": 1, "after_hours": True, "overtime": False,
         "rate": 12000, "multiplier": Decimal("1.5"), "amount": 18000},
        # Overrun 20 min > the overridden 15 min grace: 30 min at 1.5 (after-hours) × 1.0.
        {"visit": 1, "kind": "overtime", "start": "2026-12-04T19:00:00+09:00",
         "end": "2026-12-04T19:30:00+09:00", "hours": Decimal("0.5"), "after_hours": True,
         "overtime": True, "rate": 12000, "multiplier": Decimal("1.5"), "amount": 9000},
        {"visit": 1, "kind": "expense", "start": None, "end": None, "hours": 0,
         "after_hours": False, "overtime": False, "rate": 14720, "multiplier": 1, "amount": 14720,
         "description": "Shinkansen Tokyo-Osaka"},
    ],
    "subtotal": 65720,
    "taxes": [{"rate": Decimal("0.1"), "base": 65720, "amount": 6572}],
    "total": 72292,
}  # fmt: skip


def example() -> dict[str, Any]:
    return loads(EXAMPLE_TEXT)


def problems_of(document: Any) -> list[str]:
    request, problems = parse_document(document)
    assert (request is None) == bool(problems), "a request only without problems"
    return problems


def priced(document: dict[str, Any]) -> dict[str, Any]:
    request, problems = parse_document(document)
    assert not problems, problems
    assert request is not None
    quote = price(request.policy, request.rates, request.visits, request.tax_treatment)
    return loads(dumps(quote_to_dict(quote)))


# --- the example ---------------------------------------------------------------------------------


def test_the_section_9_example_prices_as_expected() -> None:
    request, problems = parse_document(example())
    assert problems == []
    assert isinstance(request, QuoteRequest)
    assert request.policy.key == "tokyo-its" and request.policy.grace_minutes == 15
    assert request.rates == {"entry": 8000, "senior": 12000, "specialist": 18000}
    assert request.tax_treatment == "standard"
    assert priced(example()) == EXAMPLE_OUTPUT


def test_the_output_has_exactly_the_section_9_keys() -> None:
    out = priced(example())
    assert list(out) == ["currency", "lines", "subtotal", "taxes", "total"]
    base = ["visit", "kind", "start", "end", "hours", "after_hours", "overtime", "rate",
            "multiplier", "amount"]  # fmt: skip
    assert [list(line) for line in out["lines"]] == [base, base, base, [*base, "description"]]
    assert list(out["taxes"][0]) == ["rate", "base", "amount"]


def test_optional_fields_take_the_policy_defaults() -> None:
    document = {
        "policy": "ecorpone",
        "rates": {"entry": 8000},
        "visits": [{"scheduled_start": "2026-12-01T10:00:00+09:00", "outcome": "planned"}],
    }
    request, problems = parse_document(document)
    assert problems == [] and request is not None
    assert request.tax_treatment == "standard"
    visit = request.visits[0]
    assert (visit.skill_level, visit.engineers, visit.reserved_hours, visit.expenses) == (
        None, None, None, ()
    )  # fmt: skip
    assert priced(document)["total"] == 17600


def test_numbers_are_read_as_decimal_and_a_float_through_its_text() -> None:
    document = example()
    assert document["visits"][0]["reserved_hours"] == 2
    document["visits"][0]["reserved_hours"] = Decimal("2.5")
    request, _ = parse_document(document)
    assert request is not None and request.visits[0].reserved_hours == Decimal("2.5")
    document["visits"][0]["reserved_hours"] = 2.3  # a Python caller's float
    request, _ = parse_document(document)
    assert request is not None and request.visits[0].reserved_hours == Decimal("2.3")
    assert isinstance(loads('{"x": 1.10}')["x"], Decimal)


def test_a_whole_yen_written_with_a_decimal_point_is_accepted() -> None:
    document = example()
    document["rates"]["senior"] = Decimal("12000.0")
    request, _ = parse_document(document)
    assert request is not None and request.rates["senior"] == 12000
    assert type(request.rates["senior"]) is int


# --- problems ------------------------------------------------------------------------------------


def test_every_problem_is_reported_and_nothing_is_priced() -> None:
    document = {
        "policy": "x",
        "policy_overrides": {"grace_mins": 10},
        "rates": {"senior": 1.5, "guru": 3},
        "tax_treatment": "zero",
        "extra": True,
        "visits": [
            {"outcome": "completed", "scheduled_start": "2026-12-04T16:00:00+09:00"},
            {"outcome": "done", "scheduled_start": "2026-12-04T16:00:00", "color": "red"},
            {
                "outcome": "planned",
                "scheduled_start": "2026-12-04",
                "engineers": 11,
                "reserved_hours": 25,
                "skill_level": "guru",
                "expenses": [{"description": "", "amount": -3}, "taxi"],
            },
            {
                "outcome": "completed",
                "scheduled_start": "2026-12-04T16:00:00+09:00",
                "completed_at": "2026-12-04T15:00:00+09:00",
                "reserved_hours": 0,
                "engineers": "2",
            },
        ],
    }
    assert problems_of(document) == [
        "extra: unknown field",
        "policy: unknown policy 'x' (use ecorpone or tokyo-its)",
        "policy_overrides.grace_mins: unknown setting",
        "rates.senior: must be a positive whole number of yen",
        "rates.guru: unknown skill level (use entry, senior, specialist)",
        "tax_treatment: must be one of standard, exempt",
        "visits[0].completed_at: required when outcome is completed",
        "visits[1].color: unknown field",
        "visits[1].outcome: must be one of planned, completed, no_access, "
        "cancelled_after_approval, cancelled_before_approval",
        "visits[1].scheduled_start: needs a UTC offset, e.g. 2026-12-04T16:00:00+09:00",
        "visits[2].scheduled_start: must be an ISO 8601 date and time with a UTC offset, "
        "e.g. 2026-12-04T16:00:00+09:00",
        "visits[2].skill_level: must be one of entry, senior, specialist",
        "visits[2].engineers: must be a whole number from 1 to 10",
        "visits[2].reserved_hours: must be a number of hours above 0 and at most 24",
        "visits[2].expenses[0].description: required (what was paid for)",
        "visits[2].expenses[0].amount: must be a positive whole number of yen",
        "visits[2].expenses[1]: must be an object with description and amount",
        "visits[3].completed_at: must not be before scheduled_start",
        "visits[3].engineers: must be a whole number from 1 to 10",
        "visits[3].reserved_hours: must be a number of hours above 0 and at most 24",
    ]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d.update(visits=[]), "visits: at least one visit"),
        (lambda d: d.pop("visits"), "visits: required (at least one visit)"),
        (lambda d: d.update(visits={}), "visits: must be a list of visits"),
        (lambda d: d.pop("policy"), "policy: required (use ecorpone or tokyo-its)"),
        (lambda d: d.pop("rates"), "rates: required (yen per hour for entry, senior, specialist)"),
        (lambda d: d["rates"].pop("senior"), "rates.senior: required (skill level of visits[0])"),
        (
            lambda d: d["rates"].update(entry=True),
            "rates.entry: must be a positive whole number of yen",
        ),
        (
            lambda d: d["rates"].update(entry=0),
            "rates.entry: must be a positive whole number of yen",
        ),
        (
            lambda d: d.update(policy_overrides=[]),
            "policy_overrides: must be an object of settings",
        ),
        (
            lambda d: d["policy_overrides"].update(after_hours_multiplier="lots"),
            "policy_overrides.after_hours_multiplier: must be a number",
        ),
        (
            lambda d: d["policy_overrides"].update(business_end="09:00"),
            "policy_overrides.business_end: must be after business_start",
        ),
        (
            lambda d: d["policy_overrides"].update(standard_equipment=[]),
            "policy_overrides.standard_equipment: not a pricing setting",
        ),
        (
            lambda d: d["visits"][0].update(reserved_hours=Decimal("1.255")),
            "visits[0].reserved_hours: must have at most 2 decimal places",
        ),
        (
            lambda d: d["visits"][0].update(completed_at=12),
            "visits[0].completed_at: must be a date and time with a UTC offset, "
            "e.g. 2026-12-04T16:00:00+09:00",
        ),
        (
            lambda d: d["visits"][0]["expenses"][0].update(amount=Decimal("10.5")),
            "visits[0].expenses[0].amount: must be a positive whole number of yen",
        ),
        (
            lambda d: d["visits"][0]["expenses"][0].update(vat=True),
            "visits[0].expenses[0].vat: unknown field",
        ),
        (
            lambda d: d["visits"][0].update(expenses={}),
            "visits[0].expenses: must be a list of expenses",
        ),
        (lambda d: d["visits"].append(3), "visits[1]: must be an object"),
    ],
)
def test_one_problem(change: Any, problem: str) -> None:
    document = copy.deepcopy(example())
    change(document)
    assert problems_of(document) == [problem]


def test_a_document_that_is_no_object_is_one_problem() -> None:
    assert problems_of([1, 2]) == ["document: must be a JSON object"]
    assert problems_of(None) == ["document: must be a JSON object"]


def test_a_visit_cancelled_before_approval_needs_no_rate() -> None:
    document = {
        "policy": "ecorpone",
        "rates": {},
        "visits": [
            {
                "scheduled_start": "2026-12-01T10:00:00+09:00",
                "outcome": "cancelled_before_approval",
                "skill_level": "specialist",
                "expenses": [{"description": "Hotel", "amount": 9800}],
            }
        ],
    }
    assert priced(document)["total"] == 10780


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("nope", "document: not valid JSON (Expecting value: line 1 column 1 (char 0))"),
        ('{"policy": NaN}', "document: not valid JSON (NaN is not a number JSON allows)"),
        (b"\xff\xfe\x00", "document: not UTF-8 text"),
    ],
)
def test_text_that_is_not_json_is_one_problem(text: str | bytes, problem: str) -> None:
    assert parse_text(text) == (None, [problem])


# --- writing -------------------------------------------------------------------------------------


def test_dumps_writes_decimals_as_literal_numbers() -> None:
    value = {
        "h": Decimal("1.50"),
        "m": Decimal("1.875"),
        "z": Decimal("2.00"),
        "e": Decimal("1E+1"),
    }
    assert dumps(value) == '{"h": 1.5, "m": 1.875, "z": 2, "e": 10}'
    # A string that merely looks like a number stays a string.
    assert dumps({"s": "1.5", "t": "日本"}) == '{"s": "1.5", "t": "日本"}'
    assert json.loads(dumps(value, indent=2)) == {"h": 1.5, "m": 1.875, "z": 2, "e": 10}


def test_dumps_refuses_what_is_not_json() -> None:
    with pytest.raises(TypeError):
        dumps({"x": Decimal("NaN")})
    with pytest.raises(TypeError):
        dumps({"x": object()})


def test_quote_to_dict_keeps_numbers_exact() -> None:
    request, _ = parse_document(example())
    assert request is not None
    out = quote_to_dict(price(request.policy, request.rates, request.visits))
    assert out["lines"][2]["hours"] == Decimal("0.5") and isinstance(
        out["lines"][2]["hours"], Decimal
    )
    assert '"hours": 0.5' in dumps(out) and '"multiplier": 1.5' in dumps(out)
    assert all(type(line["amount"]) is int for line in out["lines"])


def test_the_table_is_aligned_with_yen_separators() -> None:
    request, _ = parse_document(example())
    assert request is not None
    table = format_table(price(request.policy, request.rates, request.visits))
    lines = table.splitlines()
    assert lines[0].split() == [
        "visit",
        "kind",
        "when",
        "(local)",
        "hours",
        "time",
        "OT",
        "rate",
        "×",
        "amount",
    ]
    assert (
        "2026-12-04 Fri 16:00–18:00" in lines[2]
        and "business" in lines[2]
        and "¥24,000" in lines[2]
    )
    assert "after-hours" in lines[4] and "yes" in lines[4] and "0.5" in lines[4]
    assert "Shinkansen Tokyo-Osaka" in lines[5] and "¥14,720" in lines[5]
    assert lines[-3].split()[-1] == "¥65,720" and "subtotal" in lines[-3]
    assert "consumption tax 10% on ¥65,720" in lines[-2] and lines[-2].endswith("¥6,572")
    assert lines[-1].split()[-1] == "¥72,292" and "total" in lines[-1]
    # Every amount ends in the same column.
    assert len({len(line) for line in lines[2:6]}) == 1
