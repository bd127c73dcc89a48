"""The price of rulebook §5, line by line: the worked examples first, then each rule."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from genba.pricing.engine import (
    Expense,
    Line,
    PricingError,
    Quote,
    TaxLine,
    VisitInput,
    price,
)
from genba.pricing.policy import load_preset, with_overrides

JST = ZoneInfo("Asia/Tokyo")
RATES = {"entry": 8000, "senior": 12000, "specialist": 18000}


def jst(*args: int) -> datetime:
    return datetime(*args, tzinfo=JST)


def summary(quote: Quote) -> list[tuple]:
    """Each line as (kind, local start, local end, after_hours, multiplier, amount)."""
    return [
        (
            line.kind,
            line.start and f"{line.start:%m-%d %H:%M}",
            line.end and f"{line.end:%m-%d %H:%M}",
            line.after_hours,
            line.multiplier,
            line.amount,
        )
        for line in quote.lines
    ]


# --- the worked examples of §5 -------------------------------------------------------------------


def test_worked_example_tokyo_its_friday_evening() -> None:
    quote = price(
        load_preset("tokyo-its"),
        RATES,
        [VisitInput(jst(2026, 12, 4, 16), "planned", "senior", reserved_hours=Decimal(2))],
    )
    assert quote.lines == (
        Line(1, "reservation", jst(2026, 12, 4, 16), jst(2026, 12, 4, 18), Decimal(2), False,
             False, 12000, Decimal(1), 24000),
        Line(1, "reservation", jst(2026, 12, 4, 18), jst(2026, 12, 4, 19), Decimal(1), True,
             False, 12000, Decimal("1.5"), 18000),
    )  # fmt: skip
    assert quote.subtotal == 42000
    assert quote.taxes == (TaxLine(Decimal("0.10"), 42000, 4200),)
    assert quote.total == 46200
    assert quote.business_amount == 24000 and quote.after_hours_amount == 18000


def test_worked_example_ecorpone_overrun_past_grace() -> None:
    quote = price(
        load_preset("ecorpone"),
        RATES,
        [VisitInput(jst(2026, 12, 1, 10), "completed", completed_at=jst(2026, 12, 1, 12, 45))],
    )
    assert summary(quote) == [
        ("reservation", "12-01 10:00", "12-01 12:00", False, Decimal(1), 16000),
        ("overtime", "12-01 12:00", "12-01 13:00", False, Decimal("1.25"), 10000),
    ]
    assert quote.lines[1].overtime and quote.lines[1].hours == Decimal(1)
    assert (quote.subtotal, quote.tax_amount, quote.total) == (26000, 2600, 28600)


def test_worked_example_ecorpone_signed_off_within_grace() -> None:
    quote = price(
        load_preset("ecorpone"),
        RATES,
        [VisitInput(jst(2026, 12, 1, 10), "completed", completed_at=jst(2026, 12, 1, 12, 25))],
    )
    assert quote.subtotal == 16000
    assert [line.kind for line in quote.lines] == ["reservation"]


# --- reservation and minimum ---------------------------------------------------------------------


def test_reserved_hours_default_to_the_policy_and_below_minimum_is_raised() -> None:
    tokyo = load_preset("tokyo-its")
    default = price(tokyo, RATES, [VisitInput(jst(2026, 12, 1, 10), "planned")])
    short = price(
        tokyo, RATES, [VisitInput(jst(2026, 12, 1, 10), "planned", reserved_hours=Decimal(1))]
    )
    assert default.subtotal == short.subtotal == 3 * 8000
    longer = price(
        tokyo, RATES, [VisitInput(jst(2026, 12, 1, 10), "planned", reserved_hours=Decimal("4.5"))]
    )
    assert longer.subtotal == 36000 and longer.lines[0].hours == Decimal("4.5")


def test_engineers_multiply_the_line_and_round_once() -> None:
    policy = with_overrides(load_preset("ecorpone"), {"grace_minutes": 0, "overtime_multiplier": 1})
    rates = {"entry": 8001}
    visit = VisitInput(jst(2026, 12, 1, 10), "completed", completed_at=jst(2026, 12, 1, 12, 10))
    one = price(policy, rates, [visit])
    assert [line.amount for line in one.lines] == [16002, 4001]  # 4000.5 rounds half up
    three = price(policy, rates, [VisitInput(**{**_fields(visit), "engineers": 3})])
    # 8001 × 0.5 h × 3 = 12001.5 -> 12002 (never 3 × 4001 = 12003: rounded once per line).
    assert [line.amount for line in three.lines] == [48006, 12002]
    assert all(line.engineers == 3 for line in three.lines)


def _fields(visit: VisitInput) -> dict:
    return {name: getattr(visit, name) for name in VisitInput.__dataclass_fields__}


# --- calendar effects ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "name"),
    [((2027, 3, 22), "substitute holiday"), ((2026, 9, 22), "citizens' holiday")],
)
def test_a_holiday_is_after_hours_all_day(day: tuple[int, int, int], name: str) -> None:
    quote = price(load_preset("tokyo-its"), RATES, [VisitInput(jst(*day, 10), "planned", "senior")])
    assert summary(quote) == [
        ("reservation", f"{day[1]:02}-{day[2]:02} 10:00", f"{day[1]:02}-{day[2]:02} 13:00", True,
         Decimal("1.5"), 54000),
    ], name  # fmt: skip


def test_a_weekday_evening_from_18_to_21_is_all_after_hours() -> None:
    quote = price(
        load_preset("tokyo-its"), RATES, [VisitInput(jst(2026, 12, 2, 18), "planned", "senior")]
    )
    assert summary(quote) == [
        ("reservation", "12-02 18:00", "12-02 21:00", True, Decimal("1.5"), 54000)
    ]


def test_a_window_across_midnight_splits_at_the_next_opening() -> None:
    quote = price(
        load_preset("ecorpone"),
        RATES,
        [VisitInput(jst(2026, 12, 3, 23), "planned", reserved_hours=Decimal(11))],
    )
    assert summary(quote) == [
        ("reservation", "12-03 23:00", "12-04 09:00", True, Decimal("1.5"), 120000),
        ("reservation", "12-04 09:00", "12-04 10:00", False, Decimal(1), 8000),
    ]
    assert [line.hours for line in quote.lines] == [Decimal(10), Decimal(1)]


def test_a_saturday_is_after_hours() -> None:
    quote = price(
        load_preset("tokyo-its"), RATES, [VisitInput(jst(2026, 12, 5, 10), "planned", "senior")]
    )
    assert quote.after_hours_amount == quote.subtotal == 54000


@pytest.mark.parametrize(
    ("start", "after_hours"),
    [
        (jst(2026, 12, 28, 10), False),  # Monday before the closure: business
        (jst(2026, 12, 29, 10), True),  # Tuesday, closed
        (jst(2026, 12, 30, 10), True),
        (jst(2027, 1, 4, 10), False),  # Monday after: business again
    ],
)
def test_the_year_end_closure_is_after_hours(start: datetime, after_hours: bool) -> None:
    quote = price(load_preset("tokyo-its"), RATES, [VisitInput(start, "planned", "senior")])
    assert [line.after_hours for line in quote.lines] == [after_hours]
    assert quote.subtotal == (54000 if after_hours else 36000)


def test_times_in_another_zone_are_priced_in_the_policy_zone() -> None:
    # 07:00 UTC is 16:00 in Tokyo: the worked example again.
    quote = price(
        load_preset("tokyo-its"),
        RATES,
        [VisitInput(datetime(2026, 12, 4, 7, tzinfo=UTC), "planned", "senior")],
    )
    assert quote.subtotal == 42000
    assert quote.lines[0].start.isoformat() == "2026-12-04T16:00:00+09:00"


# --- overrun -------------------------------------------------------------------------------------


def test_overtime_in_after_hours_takes_both_multipliers() -> None:
    quote = price(
        load_preset("ecorpone"),
        RATES,
        [VisitInput(jst(2026, 12, 1, 15), "completed", completed_at=jst(2026, 12, 1, 18, 40))],
    )
    # Overrun 100 min > 30 grace -> 120 min from 17:00: 17-18 business at 1.25, 18-19 at 1.5 × 1.25.
    assert summary(quote) == [
        ("reservation", "12-01 15:00", "12-01 17:00", False, Decimal(1), 16000),
        ("overtime", "12-01 17:00", "12-01 18:00", False, Decimal("1.25"), 10000),
        ("overtime", "12-01 18:00", "12-01 19:00", True, Decimal("1.875"), 15000),
    ]


def test_tokyo_its_has_no_grace_and_bills_overtime_simply_hourly() -> None:
    quote = price(
        load_preset("tokyo-its"),
        RATES,
        [
            VisitInput(
                jst(2026, 12, 1, 10), "completed", "senior", completed_at=jst(2026, 12, 1, 13, 1)
            )
        ],
    )
    assert summary(quote)[-1] == (
        "overtime",
        "12-01 13:00",
        "12-01 13:30",
        False,
        Decimal("1.0"),
        6000,
    )


@pytest.mark.parametrize(
    ("signed_off", "overtime"),
    [
        (jst(2026, 12, 1, 12, 30), 0),  # exactly at the end of the grace: none
        (
            datetime(2026, 12, 1, 12, 30, 1, tzinfo=JST),
            10000,
        ),  # one second past: rounded up to 60 min
        (jst(2026, 12, 1, 13, 0), 10000),
        (jst(2026, 12, 1, 13, 1), 15000),  # 61 min -> 90 min
    ],
)
def test_the_grace_boundary(signed_off: datetime, overtime: int) -> None:
    quote = price(
        load_preset("ecorpone"),
        RATES,
        [VisitInput(jst(2026, 12, 1, 10), "completed", completed_at=signed_off)],
    )
    assert quote.subtotal == 16000 + overtime


def test_sign_off_before_the_start_is_an_error() -> None:
    with pytest.raises(PricingError) as info:
        price(
            load_preset("ecorpone"),
            RATES,
            [VisitInput(jst(2026, 12, 1, 10), "completed", completed_at=jst(2026, 12, 1, 9))],
        )
    assert info.value.field == "visits[0].completed_at"


def test_sign_off_before_the_end_of_the_reservation_charges_the_reservation() -> None:
    quote = price(
        load_preset("ecorpone"),
        RATES,
        [VisitInput(jst(2026, 12, 1, 10), "completed", completed_at=jst(2026, 12, 1, 10, 5))],
    )
    assert quote.subtotal == 16000


# --- outcomes and expenses -----------------------------------------------------------------------


@pytest.mark.parametrize("outcome", ["planned", "no_access", "cancelled_after_approval"])
def test_these_outcomes_charge_the_reservation_only(outcome: str) -> None:
    # A sign-off time given with them is not overtime: only a completed visit has one.
    visit = VisitInput(jst(2026, 12, 1, 10), outcome, completed_at=jst(2026, 12, 1, 18))
    quote = price(load_preset("ecorpone"), RATES, [visit])
    assert [line.kind for line in quote.lines] == ["reservation"]
    assert quote.subtotal == 16000


def test_cancelled_before_approval_charges_only_its_expenses_and_needs_no_rate() -> None:
    visit = VisitInput(
        jst(2026, 12, 1, 10),
        "cancelled_before_approval",
        "specialist",
        expenses=(Expense("Non-refundable hotel", 9800),),
    )
    quote = price(load_preset("ecorpone"), {}, [visit])
    assert summary(quote) == [("expense", None, None, False, Decimal(1), 9800)]
    assert quote.lines[0].description == "Non-refundable hotel"
    assert quote.lines[0].rate == 9800 and quote.lines[0].hours == 0
    assert (quote.subtotal, quote.tax_amount, quote.total) == (9800, 980, 10780)
    nothing = price(
        load_preset("ecorpone"), {}, [VisitInput(jst(2026, 12, 1, 10), "cancelled_before_approval")]
    )
    assert (nothing.lines, nothing.total) == ((), 0)


def test_expenses_are_taxable_and_tax_is_rounded_down_once_on_the_total() -> None:
    visit = VisitInput(
        jst(2026, 12, 1, 10),
        "planned",
        expenses=(Expense("Train", 1005), Expense("Parts", 2005)),
    )
    quote = price(load_preset("ecorpone"), RATES, [visit])
    assert quote.subtotal == 16000 + 1005 + 2005 == 19010
    assert quote.taxes == (TaxLine(Decimal("0.10"), 19010, 1901),)
    per_line = sum(line.amount // 10 for line in quote.lines)
    assert per_line == 1900 != quote.tax_amount, "per-line rounding would lose a yen"
    assert quote.total == 20911


def test_several_visits_each_have_their_own_minimum_and_are_taxed_once() -> None:
    visits = [
        VisitInput(jst(2026, 12, 1, 10), "planned", "senior", reserved_hours=Decimal(1)),
        VisitInput(jst(2026, 12, 2, 10), "planned", "senior", reserved_hours=Decimal(1)),
    ]
    quote = price(load_preset("tokyo-its"), RATES, visits)
    assert [(line.visit, line.hours, line.amount) for line in quote.lines] == [
        (1, Decimal(3), 36000),
        (2, Decimal(3), 36000),
    ]
    assert quote.taxes == (TaxLine(Decimal("0.10"), 72000, 7200),)
    assert quote.total == 79200


def test_exempt_has_no_tax_line() -> None:
    quote = price(
        load_preset("tokyo-its"),
        RATES,
        [VisitInput(jst(2026, 12, 4, 16), "planned", "senior", reserved_hours=Decimal(2))],
        tax_treatment="exempt",
    )
    assert (quote.subtotal, quote.taxes, quote.total, quote.tax_treatment) == (
        42000,
        (),
        42000,
        "exempt",
    )


# --- errors name the field -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("visit", "rates", "field"),
    [
        (VisitInput(jst(2026, 12, 1, 10), "completed"), RATES, "visits[0].completed_at"),
        (VisitInput(jst(2026, 12, 1, 10), "done"), RATES, "visits[0].outcome"),
        (VisitInput(jst(2026, 12, 1, 10), "planned", "guru"), RATES, "visits[0].skill_level"),
        (VisitInput(jst(2026, 12, 1, 10), "planned", "senior"), {"entry": 8000}, "rates.senior"),
        (VisitInput(jst(2026, 12, 1, 10), "planned"), {"entry": 0}, "rates.entry"),
        (VisitInput(jst(2026, 12, 1, 10), "planned", engineers=0), RATES, "visits[0].engineers"),
        (
            VisitInput(jst(2026, 12, 1, 10), "planned", reserved_hours=Decimal(0)),
            RATES,
            "visits[0].reserved_hours",
        ),
        (VisitInput(datetime(2026, 12, 1, 10), "planned"), RATES, "visits[0].scheduled_start"),  # noqa: DTZ001
        (
            VisitInput(jst(2026, 12, 1, 10), "planned", expenses=(Expense("x", -5),)),
            RATES,
            "visits[0].expenses[0].amount",
        ),
    ],
)
def test_errors_name_the_field(visit: VisitInput, rates: dict, field: str) -> None:
    with pytest.raises(PricingError) as info:
        price(load_preset("ecorpone"), rates, [visit])
    assert info.value.field == field
    assert isinstance(info.value, ValueError)


def test_an_unknown_tax_treatment_is_an_error() -> None:
    with pytest.raises(PricingError) as info:
        price(load_preset("ecorpone"), RATES, [], tax_treatment="zero")
    assert info.value.field == "tax_treatment"
