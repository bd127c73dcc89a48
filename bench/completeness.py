"""How many completeness checks per second one process runs (pure function, no database)."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from genba.orders.completeness import check
from genba.orders.facts import (
    ContactFacts,
    ContractFacts,
    CoverageRule,
    EquipmentFacts,
    PolicyRules,
    RequestFacts,
    SiteFacts,
    VisitFacts,
)

JST = ZoneInfo("Asia/Tokyo")
PRESETS = Path(__file__).resolve().parents[1] / "src/genba/contracts/presets"


def _requests(n: int) -> list[RequestFacts]:
    base = datetime(2026, 12, 1, 9, tzinfo=JST)
    out = []
    for i in range(n):
        start = base + timedelta(hours=7 * i % 500)
        out.append(
            RequestFacts(
                reference="PO-1" if i % 3 else "",
                skill_level=("entry", "senior", "specialist")[i % 3],
                engineers=1 + i % 3,
                languages=("en",) if i % 2 else ("en", "ja"),
                work_description="Replace the failed disk in slot 3 and confirm the rebuild."
                * (i % 2),
                site=SiteFacts(
                    postal_code=("1000004", "1500002", "5300001", "9000015")[i % 4],
                    prefecture=("Tokyo", "東京都", "Osaka", "Okinawa")[i % 4],
                    city="Chiyoda-ku",
                    street="1-1",
                    floor="5" if i % 5 else "",
                    maps_url="https://maps.app.goo.gl/x" if i % 7 else "",
                    is_datacenter=bool(i % 2),
                ),
                local_contact=ContactFacts(name="Taro", phone_input="03-1234-5678"),
                remote_engineer=None
                if i % 11 == 0
                else ContactFacts(name="Jane", phone_input="+1 415 555 0132", email="j@x.example"),
                visits=(VisitFacts(start, Decimal(i % 5)),),
                equipment=(EquipmentFacts("NetApp", "FAS", "" if i % 4 == 0 else "SN1"),),
                items_to_bring=("laptop", "photo ID") if i % 2 else ("laptop",),
            )
        )
    return out


def main() -> None:
    coverage = (CoverageRule("東京都", None, "A"), CoverageRule("大阪府", None, "B", True))
    policies = [
        PolicyRules.from_dict(json.loads((PRESETS / f"{k}.json").read_text()), coverage=coverage)
        for k in ("ecorpone", "tokyo-its")
    ]
    requests = _requests(2000)
    contract = ContractFacts("retainer", True)
    now = datetime(2026, 11, 30, 9, tzinfo=JST)
    for r in requests[:200]:  # warm caches (holiday tables, postal codes)
        check(r, policies[0], contract, now=now)
    started = time.perf_counter()
    findings = 0
    for round_ in range(3):
        for i, r in enumerate(requests):
            findings += len(check(r, policies[(i + round_) % 2], contract, now=now))
    elapsed = time.perf_counter() - started
    n = 3 * len(requests)
    print(
        f"completeness check: {n} checks in {elapsed:.2f} s = {n / elapsed:,.0f} checks/s "
        f"({elapsed / n * 1e6:.0f} µs each, {findings / n:.1f} findings each)"
    )
