"""API latency on SQLite: list and detail of a customer's requests, in-process (no network)."""

from __future__ import annotations

import statistics
import time

import django


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main(n_requests: int = 500, runs: int = 60) -> None:
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from genba.accounts.models import ApiToken, Organization, User
    from genba.contracts.models import Contract, Policy
    from genba.orders import services
    from genba.orders.inputs import RequestIn

    call_command("migrate", verbosity=0)
    policy = Policy.objects.get(key="ecorpone")
    org = Organization.objects.create(name="Bench Inc.", kind="customer")
    Contract.objects.create(
        organization=org,
        name="Bench",
        kind="retainer",
        policy=policy,
        starts_on="2026-01-01",
        rate_entry=8000,
        rate_senior=12000,
        rate_specialist=18000,
    )
    user = User.objects.create_user("bench@example.com", "x", organization=org, role="customer")
    document = {
        "title": "Bench",
        "reference": "PO-1",
        "work_description": "x" * 40,
        "languages": ["en"],
        "site": {
            "postal_code": "1000004",
            "prefecture": "Tokyo",
            "city": "Chiyoda",
            "street": "1-1",
        },
        "local_contact": {"name": "Taro", "phone": "03-1234-5678"},
        "remote_engineer": {"name": "Jane", "phone": "+14155550132", "email": "j@x.example"},
        "visits": [{"scheduled_start": "2027-02-02T10:00:00+09:00"}],
        "equipment": [{"make": "A", "model": "B", "serial": "C"}],
    }
    started = time.perf_counter()
    ids = [
        services.request_create(by=user, data=RequestIn.model_validate(document)).public_id
        for _ in range(n_requests)
    ]
    create_s = (time.perf_counter() - started) / n_requests
    _, raw = ApiToken.issue(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    def timed(url: str) -> tuple[list[float], int]:
        times = []
        queries = 0
        for _ in range(runs):
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, response.content[:200]
            queries = len(ctx)
        return times, queries

    print(f"request create (service, SQLite): {create_s * 1000:.1f} ms each over {n_requests}")
    for label, url in (
        ("GET /api/v1/requests (25 per page)", "/api/v1/requests"),
        ("GET /api/v1/requests?page_size=100", "/api/v1/requests?page_size=100"),
        ("GET /api/v1/requests/{id}", f"/api/v1/requests/{ids[0]}"),
    ):
        times, queries = timed(url)
        print(
            f"{label}: median {statistics.median(times):.1f} ms, p95 {_percentile(times, 95):.1f} ms, "
            f"{queries} queries ({n_requests} requests in the database, {runs} runs)"
        )
