"""Invoice numbers under concurrent issuing (PostgreSQL): no duplicate, no gap."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from genba.billing import services
from genba.billing.models import Invoice
from tests.billing.helpers import completed, issuer


@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_numbers_without_gaps(on_postgres, alice, carol, ken, bill, ecorpone):
    issuer()
    requests = [
        completed(
            alice,
            carol,
            ken,
            start=f"2026-12-{day:02d}T10:00:00+09:00",
            signed_off=f"2026-12-{day:02d}T12:00:00+09:00",
        )
        for day in (1, 2, 3, 4, 7, 8)
    ]
    barrier = threading.Barrier(len(requests))
    errors = []

    def issue(request):
        try:
            barrier.wait()
            services.invoice_issue(request=request, by=bill)
        except Exception as exc:  # collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(r,)) for r in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == [f"INV-2026-{n:06d}" for n in range(1, len(requests) + 1)]


@pytest.mark.django_db(transaction=True)
def test_the_same_request_issued_twice_at_once_gives_one_invoice(
    on_postgres, alice, carol, ken, bill, ecorpone
):
    issuer()
    request = completed(
        alice, carol, ken, start="2026-12-01T10:00:00+09:00", signed_off="2026-12-01T12:00:00+09:00"
    )
    barrier = threading.Barrier(3)
    outcomes = []

    def issue():
        try:
            barrier.wait()
            outcomes.append(services.invoice_issue(request=request, by=bill).number)
        except Exception as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["INV-2026-000001", "TransitionRefused", "TransitionRefused"]
    assert Invoice.objects.count() == 1
