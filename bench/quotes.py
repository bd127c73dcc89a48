"""How many quotes per second one process prices (pure function, no database).

Two figures: `price()` alone on ready inputs, and the whole `genba quote` path for the same visits
(JSON text -> parse_document -> price -> quote_to_dict -> compact dumps, as the API answers). The set mixes both presets, every
outcome, and starts in business hours, after-hours, across midnight, on weekends, on national
holidays (substitute and citizens' included) and in the year-end closure.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from genba.pricing.document import dumps, parse_text, quote_to_dict
from genba.pricing.engine import OUTCOMES, Expense, VisitInput, price
from genba.pricing.policy import PRESET_KEYS, load_preset

JST = ZoneInfo("Asia/Tokyo")
RATES = {"entry": 8000, "senior": 12000, "specialist": 18000}
N = 10_000
ROUNDS = 3  # of the price() loop: 0.1 s per round is too short to read

# (day, hour): weekday business and evening, overnight, weekend, holidays, year end.
_STARTS = [
    ((2026, 12, 1), 10),  # Tuesday, business hours
    ((2026, 12, 4), 16),  # Friday, runs past closing (the worked example)
    ((2026, 12, 2), 18),  # weekday evening, all after-hours
    ((2026, 12, 3), 23),  # across midnight
    ((2026, 12, 5), 11),  # Saturday
    ((2026, 12, 6), 22),  # Sunday night into Monday
    ((2026, 11, 23), 13),  # Labour Thanksgiving Day
    ((2027, 3, 22), 9),  # substitute holiday
    ((2026, 9, 22), 15),  # citizens' holiday
    ((2026, 12, 28), 16),  # last day before the year-end closure
    ((2027, 1, 2), 10),  # inside the closure
    ((2027, 1, 4), 8),  # first day after it, starting before opening
]


def _inputs(n: int) -> list[tuple[str, VisitInput]]:
    out = []
    for i in range(n):
        (y, m, d), hour = _STARTS[i % len(_STARTS)]
        start = datetime(y, m, d, hour, 15 * (i % 4), tzinfo=JST) + timedelta(days=7 * (i % 3))
        outcome = OUTCOMES[i % len(OUTCOMES)]
        reserved = None if i % 6 == 0 else Decimal(1 + i % 5) + Decimal("0.5") * (i % 2)
        out.append(
            (
                PRESET_KEYS[i % 2],
                VisitInput(
                    scheduled_start=start,
                    outcome=outcome,
                    skill_level=(None, "entry", "senior", "specialist")[i % 4],
                    engineers=1 + i % 3,
                    reserved_hours=reserved,
                    completed_at=start + timedelta(minutes=(i * 37) % 420)
                    if outcome == "completed"
                    else None,
                    expenses=(Expense("Shinkansen Tokyo-Osaka", 14720),) if i % 3 == 0 else (),
                ),
            )
        )
    return out


def _document(key: str, visit: VisitInput) -> str:
    item: dict = {"scheduled_start": visit.scheduled_start.isoformat(), "outcome": visit.outcome}
    if visit.skill_level:
        item["skill_level"] = visit.skill_level
    if visit.engineers:
        item["engineers"] = visit.engineers
    if visit.reserved_hours is not None:
        item["reserved_hours"] = visit.reserved_hours
    if visit.completed_at:
        item["completed_at"] = visit.completed_at.isoformat()
    if visit.expenses:
        item["expenses"] = [
            {"description": e.description, "amount": e.amount} for e in visit.expenses
        ]
    return dumps({"policy": key, "rates": RATES, "visits": [item]})


def main() -> None:
    policies = {key: load_preset(key) for key in PRESET_KEYS}
    inputs = _inputs(N)
    for key, visit in inputs[:500]:  # warm the calendar's per-day and holiday caches
        price(policies[key], RATES, (visit,))

    started = time.perf_counter()
    total = 0
    for _round in range(ROUNDS):
        for key, visit in inputs:
            total += price(policies[key], RATES, (visit,)).total
    elapsed = time.perf_counter() - started
    n = ROUNDS * N
    print(
        f"quotes (price): {n} single-visit quotes in {elapsed:.2f} s = {n / elapsed:,.0f} quotes/s "
        f"({elapsed / n * 1e6:.0f} µs each, mean total ¥{total // n:,})"
    )

    documents = [_document(key, visit) for key, visit in inputs]
    started = time.perf_counter()
    size = 0
    for text in documents:
        request, problems = parse_text(text)
        assert request is not None and not problems, problems
        quote = price(request.policy, request.rates, request.visits, request.tax_treatment)
        size += len(dumps(quote_to_dict(quote)))
    elapsed = time.perf_counter() - started
    print(
        f"quotes (document): {N} JSON documents parsed, priced and written in {elapsed:.2f} s = "
        f"{N / elapsed:,.0f} quotes/s ({elapsed / N * 1e6:.0f} µs each, {size // N} bytes out)"
    )


if __name__ == "__main__":
    main()
