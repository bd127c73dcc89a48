"""Travel in the price (issue 13 item 2, docs/pricing.md "Travel"): expected costs at cost, travel
time at the policy's rate or the zone's flat fee, each its own line, taxed with the rest."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from genba.pricing.document import dumps, loads, parse_document, quote_to_dict
from genba.pricing.engine import Expense, PricingError, TaxLine, VisitInput, price
from genba.pricing.policy import PolicyError, PricingPolicy, load_preset, with_overrides

JST = ZoneInfo("Asia/Tokyo")
RATES = {"entry": 8000, "senior": 12000, "specialist": 18000}
SHINKANSEN = Expense("Shinkansen Tokyo–Shin-Osaka return", 29440)
HOTEL = Expense("Hotel 1 night", 12000)


def osaka(**travel) -> VisitInput:
    # Tuesday 2026-12-08 10:00 JST, 3 h within tokyo-its business hours: ¥36,000.
    return VisitInput(datetime(2026, 12, 8, 10, tzinfo=JST), "planned", "senior", **travel)


def kinds(quote) -> list[tuple[str, str, int]]:
    return [(line.kind, line.description, line.amount) for line in quote.lines]


def test_worked_example_osaka_estimate_with_travel_time() -> None:
    policy = with_overrides(load_preset("tokyo-its"), {"travel_time_rate": 4000})
    quote = price(policy, RATES, [osaka(travel=(SHINKANSEN, HOTEL), travel_hours=Decimal("5.5"))])
    assert kinds(quote) == [
        ("reservation", "", 36000),
        ("travel", "Shinkansen Tokyo–Shin-Osaka return", 29440),
        ("travel", "Hotel 1 night", 12000),
        ("travel_time", "", 22000),  # 5.5 h × ¥4,000 × 1 engineer
    ]
    assert quote.subtotal == 99440
    assert quote.taxes == (TaxLine(Decimal("0.10"), 99440, 9944),)
    assert quote.total == 109384
    assert quote.travel_amount == 63440 and quote.business_amount == 36000


def test_worked_example_osaka_estimate_with_the_zone_flat_fee_instead_of_travel_time() -> None:
    policy = with_overrides(load_preset("tokyo-its"), {"travel_time_rate": 4000})
    visit = osaka(travel=(SHINKANSEN, HOTEL), travel_hours=Decimal("5.5"), travel_fee=20000)
    quote = price(policy, RATES, [visit])
    assert kinds(quote)[-1] == ("travel_fee", "", 20000)
    assert "travel_time" not in [line.kind for line in quote.lines]
    assert (quote.subtotal, quote.tax_amount, quote.total) == (97440, 9744, 107184)


def test_the_issue_example_without_travel_stays_as_it_was() -> None:
    quote = price(load_preset("tokyo-its"), RATES, [osaka()])
    assert (quote.subtotal, quote.total) == (36000, 39600)  # what Alice approved in issue 13


def test_no_rate_no_travel_time_line() -> None:
    quote = price(load_preset("tokyo-its"), RATES, [osaka(travel_hours=Decimal(5))])
    assert kinds(quote) == [("reservation", "", 36000)]


def test_travel_time_is_per_engineer_and_rounded_half_up_once() -> None:
    policy = with_overrides(load_preset("ecorpone"), {"travel_time_rate": 3333})
    visit = VisitInput(
        datetime(2026, 12, 1, 10, tzinfo=JST), "planned", "entry", engineers=2,
        travel_hours=Decimal("2.25"),
    )  # fmt: skip
    line = price(policy, RATES, [visit]).lines[-1]
    # 2.25 × 3,333 × 2 = 14,998.5 -> 14,999
    assert (line.kind, line.hours, line.rate, line.engineers, line.amount) == (
        "travel_time", Decimal("2.25"), 3333, 2, 14999
    )  # fmt: skip


@pytest.mark.parametrize(
    ("outcome", "charged"),
    [
        ("completed", True),
        ("no_access", True),
        ("cancelled_after_approval", False),
        ("cancelled_before_approval", False),
    ],
)
def test_travel_time_and_fee_only_when_the_engineers_travel(outcome: str, charged: bool) -> None:
    policy = with_overrides(load_preset("tokyo-its"), {"travel_time_rate": 4000})
    start = datetime(2026, 12, 8, 10, tzinfo=JST)
    signed_off = datetime(2026, 12, 8, 13, tzinfo=JST) if outcome == "completed" else None
    for travel in ({"travel_hours": Decimal(2)}, {"travel_fee": 15000}):
        visit = VisitInput(start, outcome, "senior", completed_at=signed_off, **travel)
        lines = [ln.kind for ln in price(policy, RATES, [visit]).lines]
        assert any(k in ("travel_time", "travel_fee") for k in lines) is charged


def test_exempt_treatment_has_no_tax_on_travel_either() -> None:
    quote = price(load_preset("tokyo-its"), RATES, [osaka(travel=(HOTEL,))], "exempt")
    assert (quote.subtotal, quote.taxes, quote.total) == (48000, (), 48000)


@pytest.mark.parametrize(
    ("travel", "field"),
    [
        ({"travel": (Expense("x", 0),)}, "visits[0].travel.expenses[0].amount"),
        ({"travel_fee": -1}, "visits[0].travel.flat_fee"),
        ({"travel_hours": Decimal(-1)}, "visits[0].travel.hours"),
    ],
)
def test_bad_travel_values_name_their_field(travel: dict, field: str) -> None:
    policy = with_overrides(load_preset("tokyo-its"), {"travel_time_rate": 4000})
    with pytest.raises(PricingError) as caught:
        price(policy, RATES, [osaka(**travel)])
    assert caught.value.field == field


def test_the_policy_setting_is_optional_and_validated() -> None:
    assert load_preset("ecorpone").travel_time_rate is None
    with pytest.raises(PolicyError) as caught:
        with_overrides(load_preset("ecorpone"), {"travel_time_rate": "lots"})
    assert caught.value.problems[0].startswith("travel_time_rate: must be empty or a whole")
    values = {k: v for k, v in vars(load_preset("ecorpone")).items() if k != "travel_time_rate"}
    assert PricingPolicy.from_dict(values).travel_time_rate is None  # a document without the key
    assert PricingPolicy.from_dict({**values, "travel_time_rate": 5000}).travel_time_rate == 5000


# --- the quote document (rulebook §9, compatible: every new field optional) ----------------------


def document() -> dict:
    return {
        "policy": "tokyo-its",
        "policy_overrides": {"travel_time_rate": 4000},
        "rates": {"senior": 12000},
        "visits": [
            {
                "skill_level": "senior",
                "scheduled_start": "2026-12-08T10:00:00+09:00",
                "outcome": "planned",
                "travel": {
                    "expenses": [
                        {"description": "Shinkansen Tokyo–Shin-Osaka return", "amount": 29440},
                        {"description": "Hotel 1 night", "amount": 12000},
                    ],
                    "hours": 5.5,
                },
            }
        ],
    }


def test_the_quote_document_prices_travel() -> None:
    request, problems = parse_document(document())
    assert problems == [] and request is not None
    quote = price(request.policy, request.rates, request.visits, request.tax_treatment)
    out = loads(dumps(quote_to_dict(quote)))
    assert [(ln["kind"], ln["amount"]) for ln in out["lines"]] == [
        ("reservation", 36000), ("travel", 29440), ("travel", 12000), ("travel_time", 22000)
    ]  # fmt: skip
    assert out["lines"][1]["description"] == "Shinkansen Tokyo–Shin-Osaka return"
    assert "description" not in out["lines"][3]
    assert out["lines"][3]["hours"] == Decimal("5.5") and out["lines"][3]["rate"] == 4000
    assert (out["subtotal"], out["total"]) == (99440, 109384)


def test_bad_travel_in_the_document_names_every_field() -> None:
    doc = document()
    doc["visits"][0]["travel"] = {
        "expenses": [{"description": "", "amount": 0}],
        "hours": 25,
        "flat_fee": "a lot",
        "taxi": 1,
    }
    request, problems = parse_document(doc)
    assert request is None
    assert problems == [
        "visits[0].travel.taxi: unknown field",
        "visits[0].travel.expenses[0].description: required (what was paid for)",
        "visits[0].travel.expenses[0].amount: must be a positive whole number of yen",
        "visits[0].travel.hours: must be a number of hours at least 0 and at most 24",
        "visits[0].travel.flat_fee: must be a positive whole number of yen",
    ]
