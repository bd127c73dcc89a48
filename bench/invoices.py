"""The batch: issue the invoices of 10,000 completed visits on SQLite (target: under 60 s)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import django

JST = ZoneInfo("Asia/Tokyo")


def main(n: int = 10_000) -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from genba.accounts.models import Organization, User
    from genba.billing import selectors, services
    from genba.billing.models import Invoice, IssuerProfile
    from genba.contracts.models import Contract, Policy
    from genba.core import clock
    from genba.orders.models import ServiceRequest, Visit

    call_command("migrate", verbosity=0)
    policy = Policy.objects.get(key="tokyo-its")
    org = Organization.objects.create(name="Batch Inc.", kind="customer")
    contract = Contract.objects.create(
        organization=org,
        name="Batch",
        kind="ad_hoc",
        policy=policy,
        starts_on="2026-01-01",
        rate_entry=8000,
        rate_senior=12000,
        rate_specialist=18000,
    )
    customer = User.objects.create_user("batch@example.com", "x", organization=org, role="customer")
    billing = User.objects.create_user("billing@example.com", "x", role="billing")
    IssuerProfile.objects.create(
        legal_name="Genba KK",
        legal_name_ja="現場株式会社",
        registration_number="T9010401234567",
        postal_code="100-0005",
        address="Tokyo",
        address_ja="東京都",
        phone="+81312345000",
        email="b@example.com",
        bank_name="Bank",
        bank_branch="Branch",
        account_number="1",
        account_holder="ゲンバ",
    )
    # Setup (not timed): completed requests with one signed-off visit each, mixed hours and days.
    base = datetime(2026, 12, 1, 9, tzinfo=JST)
    requests = ServiceRequest.objects.bulk_create(
        ServiceRequest(
            organization=org,
            contract=contract,
            policy=policy,
            status="completed",
            title=f"Batch {i}",
            skill_level=("entry", "senior", "specialist")[i % 3],
            engineers=1 + i % 2,
            created_by=customer,
            completed_at=base + timedelta(hours=i % 300 + 4),
            approved_at=base - timedelta(days=3),
        )
        for i in range(n)
    )
    Visit.objects.bulk_create(
        Visit(
            request=r,
            status="signed_off",
            scheduled_start=base + timedelta(hours=i % 300),
            reserved_hours=Decimal(1 + i % 5),
            signed_off_at=base + timedelta(hours=i % 300, minutes=60 + 37 * (i % 9)),
            signed_off_by_name="Site manager",
        )
        for i, r in enumerate(requests)
    )
    clock.set_now(base + timedelta(days=20))
    started = time.perf_counter()
    # As `genba issue-invoices` does it: the issuer read once, one transaction per invoice.
    issuer = services.issuer_snapshot()
    for row in selectors.billing_queue():
        services.invoice_issue(request=row["request"], by=billing, issuer=issuer)
    elapsed = time.perf_counter() - started
    count = Invoice.objects.count()
    last = Invoice.objects.order_by("-number").first().number
    print(
        f"invoice batch ({connection.vendor}): {count:,} invoices in {elapsed:.1f} s = {count / elapsed:,.0f}/s "
        f"({elapsed / count * 1000:.2f} ms each), last number {last}"
    )
