"""Properties of the price that hold for any visit (hypothesis), under both presets."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from genba.pricing.document import quote_to_dict
from genba.pricing.engine import OUTCOMES, Expense, Quote, VisitInput, price
from genba.pricing.policy import PRESET_KEYS, load_preset, with_overrides

JST = ZoneInfo("Asia/Tokyo")
RATES = {"entry": 8000, "senior": 12000, "specialist": 18000}

policies = st.sampled_from(PRESET_KEYS).map(load_preset)
starts = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(JST)
)
# Two-decimal hours from 0.01 to 24, as the server stores them.
reserved = st.integers(min_value=1, max_value=2400).map(lambda n: Decimal(n).scaleb(-2))
rates = st.integers(min_value=1, max_value=99_999)
engineers = st.integers(min_value=1, max_value=10)
expenses = st.lists(
    st.builds(Expense, st.just("Train"), st.integers(min_value=1, max_value=200_000)), max_size=3
).map(tuple)


def billed_hours(policy: Any, hours: Decimal | None) -> Decimal:
    return max(policy.default_reserved_hours if hours is None else hours, policy.minimum_hours)


@settings(max_examples=300, deadline=None, database=None)
@given(policy=policies, start=starts, hours=st.none() | reserved, rate=rates, n=engineers)
def test_reservation_lines_cover_the_billed_window_exactly(
    policy: Any, start: datetime, hours: Decimal | None, rate: int, n: int
) -> None:
    quote = price(policy, {"entry": rate}, [VisitInput(start, "planned", "entry", n, hours)])
    window = timedelta(microseconds=int(billed_hours(policy, hours) * 3_600_000_000))
    assert quote.lines[0].start == start and quote.lines[-1].end == start + window
    business = sum((ln.end - ln.start for ln in quote.lines if not ln.after_hours), timedelta())
    after = sum((ln.end - ln.start for ln in quote.lines if ln.after_hours), timedelta())
    assert business + after == window
    for a, b in zip(quote.lines, quote.lines[1:], strict=False):
        assert a.end == b.start and a.after_hours != b.after_hours
    for line in quote.lines:
        # Each line is rate × length × multiplier × engineers, rounded half up once, exactly.
        exact = Fraction(rate) * ((line.end - line.start) // timedelta(microseconds=1))
        exact *= Fraction(line.multiplier) * n / 3_600_000_000
        assert line.amount == int(exact + Fraction(1, 2))
        assert line.multiplier == (policy.after_hours_multiplier if line.after_hours else 1)


@settings(max_examples=300, deadline=None, database=None)
@given(
    policy=policies,
    start=starts,
    hours=st.none() | reserved,
    first=st.integers(min_value=0, max_value=60 * 30),
    later=st.integers(min_value=0, max_value=60 * 30),
    grace=st.integers(min_value=0, max_value=60),
    increment=st.sampled_from([1, 15, 30, 60]),
)
def test_a_later_sign_off_never_costs_less(
    policy: Any,
    start: datetime,
    hours: Decimal | None,
    first: int,
    later: int,
    grace: int,
    increment: int,
) -> None:
    policy = with_overrides(
        policy, {"grace_minutes": grace, "billing_increment_minutes": increment}
    )

    def total(minutes: int) -> int:
        signed_off = start + timedelta(minutes=minutes)
        visit = VisitInput(start, "completed", "senior", 2, hours, completed_at=signed_off)
        return price(policy, RATES, [visit]).total

    assert total(first) <= total(first + later)


@settings(max_examples=200, deadline=None, database=None)
@given(
    visits=st.lists(
        st.builds(
            VisitInput,
            scheduled_start=starts,
            outcome=st.sampled_from([o for o in OUTCOMES if o != "completed"]),
            skill_level=st.sampled_from(["entry", "senior", "specialist"]),
            engineers=engineers,
            reserved_hours=reserved,
            expenses=expenses,
        ),
        min_size=1,
        max_size=4,
    ),
    policy=policies,
)
def test_tax_is_ten_percent_of_the_subtotal_rounded_down_once(
    visits: list[VisitInput], policy: Any
) -> None:
    quote = price(policy, RATES, visits)
    assert quote.subtotal == sum(line.amount for line in quote.lines)
    assert len(quote.taxes) == 1
    assert quote.taxes[0].base == quote.subtotal
    assert quote.taxes[0].amount == quote.subtotal * 10 // 100
    assert quote.total == quote.subtotal + quote.taxes[0].amount
    exempt = price(policy, RATES, visits, tax_treatment="exempt")
    assert (exempt.taxes, exempt.total) == ((), quote.subtotal)


def _values(value: Any) -> list[Any]:
    """Every leaf of a dataclass / dict / list / tuple tree."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [
            leaf
            for f in dataclasses.fields(value)
            if f.name != "_calendar"
            for leaf in _values(getattr(value, f.name))
        ]
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _values(v)]
    if isinstance(value, list | tuple):
        return [leaf for v in value for leaf in _values(v)]
    return [value]


@settings(max_examples=200, deadline=None, database=None)
@given(
    policy=policies,
    start=starts,
    hours=st.none() | reserved,
    outcome=st.sampled_from(OUTCOMES),
    minutes=st.integers(min_value=0, max_value=60 * 30),
    extra=expenses,
)
def test_no_float_appears_in_a_quote(
    policy: Any, start: datetime, hours: Decimal | None, outcome: str, minutes: int, extra: tuple
) -> None:
    visit = VisitInput(start, outcome, None, None, hours, start + timedelta(minutes=minutes), extra)
    quote: Quote = price(policy, RATES, [visit])
    leaves = _values(quote) + _values(quote_to_dict(quote))
    assert not any(isinstance(leaf, float) for leaf in leaves)
    for line in quote.lines:
        assert type(line.amount) is int and type(line.rate) is int
        assert isinstance(line.hours, Decimal) and isinstance(line.multiplier, Decimal)
    assert type(quote.subtotal) is int and type(quote.total) is int
