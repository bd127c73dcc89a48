"""The price of rulebook §5: reservation, overrun, after-hours and overtime, expenses, tax.

A pure function of (policy, rates, visits, tax treatment): the server's estimates and invoices and
`genba quote` all call `price()`. Yen are ints, hours and multipliers Decimal; each line's amount is
computed exactly in integers (microseconds × rate × multiplier as a ratio) and rounded once, half up.
No float is ever produced or accepted on the way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from genba.pricing.policy import SKILL_LEVELS, PricingPolicy

OUTCOMES = (
    "planned",
    "completed",
    "no_access",
    "cancelled_after_approval",
    "cancelled_before_approval",
)
TAX_TREATMENTS = ("standard", "exempt")
# Line kinds of travel: expected costs at cost, travel time at the policy's rate, a zone's flat fee.
TRAVEL_KINDS = ("travel", "travel_time", "travel_fee")
# Outcomes whose travel time or flat fee is charged: the engineer went (or is expected to go).
_TRAVELLED = ("planned", "completed", "no_access")
STANDARD_TAX_RATE = Decimal("0.10")
CURRENCY = "JPY"

_US_PER_HOUR = 3_600_000_000
_US_PER_HUNDREDTH_HOUR = 36_000_000  # 0.01 h = 36 s: two-decimal hours are always exact
_ONE = Decimal(1)
_HUNDREDTH = Decimal("0.01")
_ZERO_HOURS = Decimal("0")


class PricingError(ValueError):
    """An input the price cannot be computed from; `field` names it as the §9 document would."""

    def __init__(self, field: str, message: str) -> None:
        # str(error) is the message alone: callers print f"{error.field}: {error}" (§9 problem lines).
        super().__init__(message)
        self.field = field
        self.message = message


# --- inputs --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Expense:
    description: str
    amount: int  # yen, charged at cost


@dataclass(frozen=True, slots=True)
class VisitInput:
    scheduled_start: datetime
    outcome: str
    skill_level: str | None = None  # None: the policy's default_skill_level
    engineers: int | None = None  # None: the policy's default_engineers
    reserved_hours: Decimal | None = None  # None: the policy's default_reserved_hours
    completed_at: datetime | None = None  # the sign-off; required when outcome is "completed"
    expenses: tuple[Expense, ...] = ()
    label: str = ""  # the caller's own name for the visit; not used by the price
    # Travel (issue 13, docs/pricing.md "Travel"): the expected travel costs an estimate shows
    # (at cost, kind "travel"), the hours each engineer travels (at the policy's travel_time_rate,
    # kind "travel_time") and the site zone's flat fee per visit (kind "travel_fee"; it replaces
    # travel time when both are given).
    travel: tuple[Expense, ...] = ()
    travel_hours: Decimal | None = None
    travel_fee: int | None = None


# --- outputs -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Line:
    visit: int  # 1 for the first visit given to price(), 2 for the second, ...
    kind: str  # "reservation", "overtime", "expense" or one of TRAVEL_KINDS
    start: datetime | None  # in the policy's zone; None for an expense
    end: datetime | None
    hours: (
        Decimal  # the piece's length, to 0.01 h (exact whenever the length is a multiple of 36 s)
    )
    after_hours: bool
    overtime: bool
    rate: int  # yen per hour per engineer; for an expense, its amount
    multiplier: Decimal  # after-hours × overtime multipliers that apply (1 for none)
    amount: int  # yen, for all the visit's engineers together, rounded half up once
    description: str = ""
    engineers: int = 1


@dataclass(frozen=True, slots=True)
class TaxLine:
    rate: Decimal  # 0.10 for the standard consumption tax
    base: int
    amount: int


@dataclass(frozen=True, slots=True)
class Quote:
    lines: tuple[Line, ...]
    subtotal: int
    taxes: tuple[TaxLine, ...]
    total: int
    tax_treatment: str
    currency: str = CURRENCY

    @property
    def business_amount(self) -> int:
        """Yen of work lines in business hours (expenses and travel excluded)."""
        return sum(
            ln.amount
            for ln in self.lines
            if ln.kind in ("reservation", "overtime") and not ln.after_hours
        )

    @property
    def after_hours_amount(self) -> int:
        return sum(ln.amount for ln in self.lines if ln.after_hours)

    @property
    def expenses_amount(self) -> int:
        return sum(ln.amount for ln in self.lines if ln.kind == "expense")

    @property
    def travel_amount(self) -> int:
        """Yen of travel lines: expected costs, travel time and flat fees."""
        return sum(ln.amount for ln in self.lines if ln.kind in TRAVEL_KINDS)

    @property
    def tax_amount(self) -> int:
        return sum(t.amount for t in self.taxes)


# --- the price -----------------------------------------------------------------------------------


def price(
    policy: PricingPolicy,
    rates: Mapping[str, int],
    visits: Sequence[VisitInput],
    tax_treatment: str = "standard",
) -> Quote:
    """Price the visits one by one (each with its own minimum) and tax them together (§5.6-7)."""
    if tax_treatment not in TAX_TREATMENTS:
        raise PricingError("tax_treatment", f"must be one of {', '.join(TAX_TREATMENTS)}")
    lines: list[Line] = []
    for index, visit in enumerate(visits):
        _price_visit(policy, rates, index, visit, lines)
    subtotal = sum(line.amount for line in lines)
    if tax_treatment == "standard":
        # The qualified-invoice rule: tax once per rate on the taxable total, rounded down; never
        # per line. Every line (work, expenses and travel) is taxable at the standard rate.
        numerator, denominator = STANDARD_TAX_RATE.as_integer_ratio()
        tax = subtotal * numerator // denominator
        taxes: tuple[TaxLine, ...] = (TaxLine(STANDARD_TAX_RATE, subtotal, tax),)
    else:
        tax, taxes = 0, ()
    return Quote(tuple(lines), subtotal, taxes, subtotal + tax, tax_treatment)


def _price_visit(
    policy: PricingPolicy,
    rates: Mapping[str, int],
    index: int,
    visit: VisitInput,
    out: list[Line],
) -> None:
    number = index + 1
    outcome = visit.outcome
    if outcome not in OUTCOMES:
        raise PricingError(f"visits[{index}].outcome", f"must be one of {', '.join(OUTCOMES)}")
    start = visit.scheduled_start
    if start.utcoffset() is None:
        raise PricingError(f"visits[{index}].scheduled_start", "needs a UTC offset")

    if outcome != "cancelled_before_approval":
        # The rate is looked up only for a visit that charges work: a visit cancelled before
        # approval costs its expenses alone, whatever its skill level.
        rate, engineers = _rate_and_engineers(policy, rates, index, visit)
        reserved = (
            policy.default_reserved_hours if visit.reserved_hours is None else visit.reserved_hours
        )
        if not isinstance(reserved, Decimal | int) or isinstance(reserved, bool) or reserved <= 0:
            raise PricingError(f"visits[{index}].reserved_hours", "must be a positive number")
        billed = max(reserved, policy.minimum_hours)  # R* of §5.2
        billed_us = billed * _US_PER_HOUR
        if billed_us != int(billed_us):
            raise PricingError(
                f"visits[{index}].reserved_hours", "too many decimal places (2 at most)"
            )
        start_utc = start.astimezone(UTC)
        reservation_end = start_utc + timedelta(microseconds=int(billed_us))
        _window(policy, number, "reservation", start_utc, reservation_end, rate, engineers, out)

        if outcome == "completed":
            signed_off = visit.completed_at
            if signed_off is None:
                raise PricingError(
                    f"visits[{index}].completed_at", "required when outcome is completed"
                )
            if signed_off.utcoffset() is None:
                raise PricingError(f"visits[{index}].completed_at", "needs a UTC offset")
            if signed_off < start:
                raise PricingError(
                    f"visits[{index}].completed_at", "must not be before scheduled_start"
                )
            overrun = signed_off - reservation_end
            # §5.3: within the grace (boundary included) nothing; past it, the whole overrun from
            # S + R*, rounded up to the billing increment.
            if overrun > timedelta(minutes=policy.grace_minutes):
                increment = timedelta(minutes=policy.billing_increment_minutes)
                billed_overrun = -(-overrun // increment) * increment
                overtime_end = reservation_end + billed_overrun
                _window(
                    policy, number, "overtime", reservation_end, overtime_end, rate, engineers, out
                )

    # §5.5: expenses are charged at cost whatever the outcome.
    _at_cost(number, "expense", visit.expenses, f"visits[{index}].expenses", out)
    _price_travel(policy, rates, index, visit, out)


def _at_cost(number: int, kind: str, items: Sequence[Expense], path: str, out: list[Line]) -> None:
    for position, expense in enumerate(items):
        amount = expense.amount
        if type(amount) is not int or amount <= 0:
            raise PricingError(
                f"{path}[{position}].amount", "must be a positive whole number of yen"
            )
        out.append(
            Line(
                visit=number,
                kind=kind,
                start=None,
                end=None,
                hours=_ZERO_HOURS,
                after_hours=False,
                overtime=False,
                rate=amount,
                multiplier=_ONE,
                amount=amount,
                description=expense.description,
            )
        )


def _price_travel(
    policy: PricingPolicy,
    rates: Mapping[str, int],
    index: int,
    visit: VisitInput,
    out: list[Line],
) -> None:
    """Travel lines (docs/pricing.md "Travel"): the expected costs at cost, like expenses, whatever
    the outcome; then the zone's flat fee, or else the travel time at the policy's rate, for a visit
    the engineers travel to (planned, completed, no access): never for a cancelled one, whose
    actual costs (a ticket that cannot be refunded) come in as expenses."""
    number = index + 1
    _at_cost(number, "travel", visit.travel, f"visits[{index}].travel.expenses", out)
    if visit.outcome not in _TRAVELLED:
        return
    fee = visit.travel_fee
    if fee is not None:
        if type(fee) is not int or fee <= 0:
            raise PricingError(
                f"visits[{index}].travel.flat_fee", "must be a positive whole number of yen"
            )
        out.append(
            Line(
                visit=number,
                kind="travel_fee",
                start=None,
                end=None,
                hours=_ZERO_HOURS,
                after_hours=False,
                overtime=False,
                rate=fee,
                multiplier=_ONE,
                amount=fee,
            )
        )
        return
    hours = visit.travel_hours
    rate = policy.travel_time_rate
    if hours is None or rate is None:
        return
    if not isinstance(hours, Decimal | int) or isinstance(hours, bool) or hours < 0:
        raise PricingError(f"visits[{index}].travel.hours", "must be a number of hours, 0 or more")
    if not hours:
        return
    _, engineers = _rate_and_engineers(policy, rates, index, visit)
    numerator, denominator = Decimal(hours).as_integer_ratio()
    numerator *= rate * engineers
    amount = (2 * numerator + denominator) // (2 * denominator)
    out.append(
        Line(
            visit=number,
            kind="travel_time",
            start=None,
            end=None,
            hours=Decimal(hours).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP),
            after_hours=False,
            overtime=False,
            rate=rate,
            multiplier=_ONE,
            amount=amount,
            engineers=engineers,
        )
    )


def _rate_and_engineers(
    policy: PricingPolicy, rates: Mapping[str, int], index: int, visit: VisitInput
) -> tuple[int, int]:
    skill = policy.default_skill_level if visit.skill_level is None else visit.skill_level
    if skill not in SKILL_LEVELS:
        raise PricingError(
            f"visits[{index}].skill_level", f"must be one of {', '.join(SKILL_LEVELS)}"
        )
    rate = rates.get(skill)
    if rate is None:
        raise PricingError(f"rates.{skill}", f"no rate for skill level {skill} (visits[{index}])")
    if type(rate) is not int or rate <= 0:
        raise PricingError(f"rates.{skill}", "must be a positive whole number of yen")
    engineers = policy.default_engineers if visit.engineers is None else visit.engineers
    if type(engineers) is not int or engineers < 1:
        raise PricingError(f"visits[{index}].engineers", "must be a whole number of at least 1")
    return rate, engineers


def _window(
    policy: PricingPolicy,
    number: int,
    kind: str,
    start: datetime,
    end: datetime,
    rate: int,
    engineers: int,
    out: list[Line],
) -> None:
    """One line per business/after-hours piece of [start, end) (§5.4)."""
    overtime = kind == "overtime"
    after_hours_multiplier = policy.after_hours_multiplier
    overtime_multiplier = policy.overtime_multiplier if overtime else _ONE
    for piece_start, piece_end, is_business in policy.calendar.segments(start, end):
        multiplier = (
            overtime_multiplier if is_business else after_hours_multiplier * overtime_multiplier
        )
        microseconds = (piece_end - piece_start) // _MICROSECOND
        # Exact: rate × length × multiplier × engineers as one fraction, rounded half up once.
        numerator, denominator = multiplier.as_integer_ratio()
        numerator *= rate * microseconds * engineers
        denominator *= _US_PER_HOUR
        amount = (2 * numerator + denominator) // (2 * denominator)
        out.append(
            Line(
                visit=number,
                kind=kind,
                start=piece_start,
                end=piece_end,
                hours=_hours(microseconds),
                after_hours=not is_business,
                overtime=overtime,
                rate=rate,
                multiplier=multiplier,
                amount=amount,
                engineers=engineers,
            )
        )


_MICROSECOND = timedelta(microseconds=1)


def _hours(microseconds: int) -> Decimal:
    """A length in hours with two decimals: exact for any multiple of 36 s, else rounded half up."""
    hundredths, rest = divmod(microseconds, _US_PER_HUNDREDTH_HOUR)
    if not rest:
        return Decimal(hundredths).scaleb(-2)
    return (Decimal(microseconds) / _US_PER_HOUR).quantize(_HUNDREDTH, rounding=ROUND_HALF_UP)
