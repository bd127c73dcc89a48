"""The `genba quote` document of rulebook §9: read and check it, write the priced result back.

Documents are read within the limits of genba.core.bounds (size, nesting, number literals): a
literal such as 1e1000000 is never converted (that froze a worker) but kept as a NumberOutOfRange,
which every number check refuses naming its field; yen are at most bounds.MAX_YEN.

`parse_document()` collects every problem of a document ("visits[0].completed_at: required when
outcome is completed") and returns a QuoteRequest only when there is none: nothing is priced from a
document with a problem. Numbers are Decimal end to end: JSON is read with parse_float=Decimal and
written by `dumps()`, which prints a Decimal as the literal JSON number it is (1.5 stays 1.5, never a
binary float), so hours and multipliers round-trip exactly. Yen are always JSON integers.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from genba.core.bounds import MAX_YEN
from genba.core.json_limits import JsonRefused, NumberOutOfRange, load_json
from genba.pricing.engine import OUTCOMES, TAX_TREATMENTS, Expense, Quote, VisitInput
from genba.pricing.policy import (
    PRESET_KEYS,
    SETTINGS,
    SKILL_LEVELS,
    PolicyError,
    PricingPolicy,
    as_whole,
    load_preset,
    with_overrides,
)

_TOP_KEYS = ("policy", "policy_overrides", "rates", "tax_treatment", "visits")
_VISIT_KEYS = frozenset(
    "skill_level engineers scheduled_start reserved_hours outcome completed_at expenses travel".split()
)
_EXPENSE_KEYS = ("description", "amount")
_TRAVEL_KEYS = ("expenses", "hours", "flat_fee")
_INSTANT_EXAMPLE = "e.g. 2026-12-04T16:00:00+09:00"
# A year of daily visits, and a page of receipts per visit: bounds on the work one document asks.
MAX_VISITS = 366
MAX_EXPENSES = 100
# The same rules as the policy defaults they stand in for (§2: positive and at most 24 hours, 1-10).
_reserved_hours = SETTINGS["default_reserved_hours"]
_engineers = SETTINGS["default_engineers"]


@dataclass(frozen=True)
class QuoteRequest:
    policy: PricingPolicy  # the preset with the document's overrides applied
    rates: dict[str, int]
    visits: tuple[VisitInput, ...]
    tax_treatment: str


# --- reading -------------------------------------------------------------------------------------


def loads(text: str | bytes) -> Any:
    """JSON with every non-integer number as an exact Decimal; NaN and Infinity are refused; a
    number literal out of bounds stays a NumberOutOfRange (refused by the field that holds it)."""
    return load_json(text, decimals=True, keep_big_numbers=True)


def parse_text(text: str | bytes) -> tuple[QuoteRequest | None, list[str]]:
    """A document from its JSON text; invalid JSON is one problem line like any other."""
    try:
        data = loads(text)
    except UnicodeDecodeError:
        return None, ["document: not UTF-8 text"]
    except JsonRefused as exc:  # too large, too deep, NaN, a NUL in a string
        if exc.field != "body":
            return None, [f"{exc.field}: {exc.message}"]
        return None, [f"document: not valid JSON ({exc.message})"]
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        return None, [f"document: not valid JSON ({exc})"]
    return parse_document(data)


def parse_document(data: Any) -> tuple[QuoteRequest | None, list[str]]:
    """The request a §9 document asks for, or None and every problem found (never a partial one)."""
    if not isinstance(data, Mapping):
        return None, ["document: must be a JSON object"]
    problems: list[str] = [f"{key}: unknown field" for key in data if key not in _TOP_KEYS]

    policy = _policy(data, problems)
    rates = _rates(data.get("rates"), problems)
    tax_treatment = data.get("tax_treatment")
    if tax_treatment is None:
        tax_treatment = "standard"
    elif tax_treatment not in TAX_TREATMENTS:
        problems.append(f"tax_treatment: must be one of {', '.join(TAX_TREATMENTS)}")

    visits: list[VisitInput] = []
    raw_visits = data.get("visits")
    if raw_visits is None:
        problems.append("visits: required (at least one visit)")
    elif not isinstance(raw_visits, list):
        problems.append("visits: must be a list of visits")
    elif not raw_visits:
        problems.append("visits: at least one visit")
    elif len(raw_visits) > MAX_VISITS:
        problems.append(f"visits: at most {MAX_VISITS} visits")
    else:
        for index, raw in enumerate(raw_visits):
            visit = _visit(raw, f"visits[{index}]", problems)
            if visit is not None:
                visits.append(visit)

    if policy is not None and rates is not None:
        _needed_rates(policy, rates, visits, problems)
    if problems or policy is None or rates is None:
        return None, problems
    return QuoteRequest(policy, rates, tuple(visits), str(tax_treatment)), []


def _policy(data: Mapping[str, Any], problems: list[str]) -> PricingPolicy | None:
    key = data.get("policy")
    choices = " or ".join(PRESET_KEYS)
    policy: PricingPolicy | None = None
    if key is None:
        problems.append(f"policy: required (use {choices})")
    elif key not in PRESET_KEYS:
        problems.append(f"policy: unknown policy {key!r} (use {choices})")
    else:
        policy = load_preset(key)

    overrides = data.get("policy_overrides")
    if overrides is None:
        return policy
    if not isinstance(overrides, Mapping):
        problems.append("policy_overrides: must be an object of settings")
        return None
    # Without a known policy the overrides are still checked, against the first preset: the
    # settings' own rules do not depend on it.
    try:
        overridden = with_overrides(policy or load_preset(PRESET_KEYS[0]), overrides)
    except PolicyError as error:
        problems.extend(f"policy_overrides.{line}" for line in error.problems)
        return None
    return overridden if policy is not None else None


def _rates(raw: Any, problems: list[str]) -> dict[str, int] | None:
    if raw is None:
        problems.append(f"rates: required (yen per hour for {', '.join(SKILL_LEVELS)})")
        return None
    if not isinstance(raw, Mapping):
        problems.append("rates: must be an object of yen per hour by skill level")
        return None
    rates: dict[str, int] = {}
    ok = True
    for skill, value in raw.items():
        if skill not in SKILL_LEVELS:
            problems.append(f"rates.{skill}: unknown skill level (use {', '.join(SKILL_LEVELS)})")
            ok = False
            continue
        yen = _yen(value)
        if yen is None:
            problems.append(f"rates.{skill}: {_yen_problem(value)}")
            ok = False
        else:
            rates[skill] = yen
    return rates if ok else None


def _needed_rates(
    policy: PricingPolicy, rates: dict[str, int], visits: list[VisitInput], problems: list[str]
) -> None:
    """Each skill level a charged visit uses must have a rate (one line per missing level)."""
    needed: dict[str, list[str]] = {}
    for index, visit in enumerate(visits):
        if visit.outcome == "cancelled_before_approval":
            continue  # charges its expenses only: no rate needed
        skill = visit.skill_level or policy.default_skill_level
        if skill not in rates:
            needed.setdefault(skill, []).append(f"visits[{index}]")
    for skill, where in needed.items():
        problems.append(f"rates.{skill}: required (skill level of {', '.join(where)})")


def _visit(raw: Any, path: str, problems: list[str]) -> VisitInput | None:
    if not isinstance(raw, Mapping):
        problems.append(f"{path}: must be an object")
        return None
    before = len(problems)
    problems.extend(f"{path}.{key}: unknown field" for key in raw if key not in _VISIT_KEYS)

    outcome = raw.get("outcome")
    if outcome is None:
        problems.append(f"{path}.outcome: required (one of {', '.join(OUTCOMES)})")
    elif outcome not in OUTCOMES:
        problems.append(f"{path}.outcome: must be one of {', '.join(OUTCOMES)}")

    start = raw.get("scheduled_start")
    if start is None:
        problems.append(f"{path}.scheduled_start: required, {_INSTANT_EXAMPLE}")
    else:
        start = _instant(start, f"{path}.scheduled_start", problems)

    completed_at = raw.get("completed_at")
    if completed_at is None:
        if outcome == "completed":
            problems.append(f"{path}.completed_at: required when outcome is completed")
    else:
        # Checked whatever the outcome (a mistyped sign-off is still a mistake); only a completed
        # visit's sign-off changes the price.
        completed_at = _instant(completed_at, f"{path}.completed_at", problems)
        if isinstance(start, datetime) and isinstance(completed_at, datetime):
            if completed_at < start:
                problems.append(f"{path}.completed_at: must not be before scheduled_start")

    skill = raw.get("skill_level")
    if skill is not None and skill not in SKILL_LEVELS:
        problems.append(f"{path}.skill_level: must be one of {', '.join(SKILL_LEVELS)}")
    engineers = _optional(raw, "engineers", _engineers, path, problems)
    reserved = _optional(raw, "reserved_hours", _reserved_hours, path, problems)
    expenses = _expenses(raw.get("expenses"), f"{path}.expenses", problems)
    travel, travel_hours, travel_fee = _travel(raw.get("travel"), f"{path}.travel", problems)

    if len(problems) > before:
        return None
    return VisitInput(
        scheduled_start=start,
        outcome=outcome,
        skill_level=skill,
        engineers=engineers,
        reserved_hours=reserved,
        completed_at=completed_at,
        expenses=expenses,
        travel=travel,
        travel_hours=travel_hours,
        travel_fee=travel_fee,
    )


def _travel(
    raw: Any, path: str, problems: list[str]
) -> tuple[tuple[Expense, ...], Decimal | None, int | None]:
    """A visit's optional travel: {"expenses": [expected costs], "hours": travel hours per engineer
    (priced at the policy's travel_time_rate), "flat_fee": the zone's fee per visit}."""
    if raw is None:
        return (), None, None
    if not isinstance(raw, Mapping):
        problems.append(f"{path}: must be an object with expenses, hours and/or flat_fee")
        return (), None, None
    problems.extend(f"{path}.{key}: unknown field" for key in raw if key not in _TRAVEL_KEYS)
    items = _expenses(raw.get("expenses"), f"{path}.expenses", problems)
    hours = _optional(raw, "hours", _travel_hours, path, problems)
    fee = None
    if raw.get("flat_fee") is not None:
        fee = _yen(raw.get("flat_fee"))
        if fee is None:
            problems.append(f"{path}.flat_fee: {_yen_problem(raw.get('flat_fee'))}")
    return items, hours, fee


# Travel hours follow the rules of reserved hours, zero allowed (0 to 24, two decimals).
_travel_hours = SETTINGS["minimum_hours"]


def _optional(raw: Mapping[str, Any], key: str, coerce: Any, path: str, problems: list[str]) -> Any:
    value = raw.get(key)
    if value is None:
        return None
    try:
        return coerce(value)
    except ValueError as exc:
        problems.append(f"{path}.{key}: {exc}")
        return None


def _expenses(raw: Any, path: str, problems: list[str]) -> tuple[Expense, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        problems.append(f"{path}: must be a list of expenses")
        return ()
    if len(raw) > MAX_EXPENSES:
        problems.append(f"{path}: at most {MAX_EXPENSES} expenses")
        return ()
    expenses = []
    for index, item in enumerate(raw):
        where = f"{path}[{index}]"
        if not isinstance(item, Mapping):
            problems.append(f"{where}: must be an object with description and amount")
            continue
        problems.extend(f"{where}.{key}: unknown field" for key in item if key not in _EXPENSE_KEYS)
        description = item.get("description")
        if not isinstance(description, str) or not description.strip():
            problems.append(f"{where}.description: required (what was paid for)")
        amount = _yen(item.get("amount"))
        if amount is None:
            problems.append(f"{where}.amount: {_yen_problem(item.get('amount'))}")
        if isinstance(description, str) and description.strip() and amount is not None:
            expenses.append(Expense(description.strip(), amount))
    return tuple(expenses)


def _yen(value: Any) -> int | None:
    """A whole number of yen from 1 to MAX_YEN (30000 or 30000.0), else None."""
    if value is None or isinstance(value, bool):
        return None
    # Compared before any conversion: int() of a Decimal such as 1E+400 writes out every digit.
    if isinstance(value, int | Decimal) and not 0 < value <= MAX_YEN:
        return None
    try:
        yen = as_whole(value)
    except ValueError:
        return None
    return yen if 0 < yen <= MAX_YEN else None


def _yen_problem(value: Any) -> str:
    """Why `_yen` refused a value."""
    too_big = isinstance(value, NumberOutOfRange) or (
        isinstance(value, int | Decimal) and not isinstance(value, bool) and value > MAX_YEN
    )
    return f"must be at most {MAX_YEN} yen" if too_big else "must be a positive whole number of yen"


def _instant(value: Any, path: str, problems: list[str]) -> datetime | None:
    if not isinstance(value, str):
        problems.append(f"{path}: must be a date and time with a UTC offset, {_INSTANT_EXAMPLE}")
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is None or len(text) <= 10:  # a bare date is no instant
        problems.append(
            f"{path}: must be an ISO 8601 date and time with a UTC offset, {_INSTANT_EXAMPLE}"
        )
        return None
    if parsed.utcoffset() is None:
        problems.append(f"{path}: needs a UTC offset, {_INSTANT_EXAMPLE}")
        return None
    return parsed


# --- writing -------------------------------------------------------------------------------------


def quote_to_dict(quote: Quote) -> dict[str, Any]:
    """Exactly the §9 output keys. Hours, multipliers and tax rates stay Decimal (see dumps())."""
    lines = []
    for line in quote.lines:
        item: dict[str, Any] = {
            "visit": line.visit,
            "kind": line.kind,
            "start": line.start.isoformat() if line.start else None,
            "end": line.end.isoformat() if line.end else None,
            "hours": plain(line.hours),
            "after_hours": line.after_hours,
            "overtime": line.overtime,
            "rate": line.rate,
            "multiplier": plain(line.multiplier),
            "amount": line.amount,
        }
        if line.kind in ("expense", "travel"):
            item["description"] = line.description
        lines.append(item)
    return {
        "currency": quote.currency,
        "lines": lines,
        "subtotal": quote.subtotal,
        "taxes": [
            {"rate": plain(tax.rate), "base": tax.base, "amount": tax.amount} for tax in quote.taxes
        ],
        "total": quote.total,
    }


def plain(number: Decimal) -> Decimal:
    """The same value without trailing zeros or an exponent: 2.00 -> 2, 1.50 -> 1.5, 1E+1 -> 10."""
    if number == number.to_integral_value():
        return number.quantize(_ONE)
    return number.normalize()  # a non-integer never normalizes to a positive exponent


_ONE = Decimal(1)


def dumps(value: Any, indent: int | None = None) -> str:
    """JSON text in which a Decimal is written as the number it is, digit for digit.

    Compact by default (the fast C encoder); `genba quote` asks for indent=2.

    The standard encoder cannot emit a raw number token for a Decimal (only a string, or a rounded
    float), so each Decimal goes out as a marked string and the marks are then replaced by the digits.
    The mark holds a per-process random token, so no string of the quote can be mistaken for one.
    """
    text = json.dumps(value, indent=indent, ensure_ascii=False, default=_mark_decimal)
    return _MARKED.sub(lambda match: match.group(1), text)


_TOKEN = secrets.token_hex(8)
_MARKED = re.compile(f'"{_TOKEN}(-?[0-9]+(?:\\.[0-9]+)?){_TOKEN}"')


def _mark_decimal(value: Any) -> str:
    if isinstance(value, Decimal) and value.is_finite():
        return f"{_TOKEN}{format(plain(value), 'f')}{_TOKEN}"
    raise TypeError(f"cannot write {type(value).__name__} {value!r} as JSON")


# --- the table -----------------------------------------------------------------------------------


def format_table(quote: Quote) -> str:
    """A readable, aligned table of the lines, then subtotal, tax and total (yen with separators)."""
    header = ("visit", "kind", "when (local)", "hours", "time", "OT", "rate", "×", "amount")
    rows = [header]
    for line in quote.lines:
        if line.kind in ("expense", "travel", "travel_fee"):
            blank = ("",) * 5
            what = line.description or "flat fee"
            rows.append((str(line.visit), line.kind, what, *blank, _yen_text(line.amount)))
            continue
        rows.append(
            (
                str(line.visit),
                line.kind,
                _when(line.start, line.end),
                format(plain(line.hours), "f"),
                "after-hours" if line.after_hours else "business",
                "yes" if line.overtime else "",
                _yen_text(line.rate) + (f" ×{line.engineers}" if line.engineers > 1 else ""),
                format(plain(line.multiplier), "f"),
                _yen_text(line.amount),
            )
        )
    right = {0, 3, 6, 7, 8}  # numbers align right
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]

    def render(row: tuple[str, ...]) -> str:
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    out = [render(rows[0]), render(tuple("-" * w for w in widths))]
    out.extend(render(row) for row in rows[1:])
    totals = [("subtotal", quote.subtotal)]
    totals += [
        (f"consumption tax {plain(t.rate * 100)}% on {_yen_text(t.base)}", t.amount)
        for t in quote.taxes
    ]
    if not quote.taxes:
        totals.append((f"tax ({quote.tax_treatment})", 0))
    totals.append((f"total ({quote.currency})", quote.total))
    width = len(render(rows[0]))
    label_width = max(len(label) for label, _ in totals)
    amount_width = max(len(_yen_text(amount)) for _, amount in totals)
    out.append("-" * width)
    for label, amount in totals:
        out.append(
            f"{label.ljust(label_width)}  {_yen_text(amount).rjust(amount_width)}".rjust(width)
        )
    return "\n".join(out)


def _yen_text(amount: int) -> str:
    return f"¥{amount:,}"


def _when(start: datetime | None, end: datetime | None) -> str:
    if start is None or end is None:
        return ""
    if start.date() == end.date():
        return f"{start:%Y-%m-%d %a %H:%M}–{end:%H:%M}"
    return f"{start:%Y-%m-%d %a %H:%M}–{end:%m-%d %a %H:%M}"
