"""Completed requests ready to invoice, built through the real services."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from genba.billing.models import IssuerProfile
from genba.core import clock
from genba.orders import visit_services
from tests.orders.helpers import released

JST = ZoneInfo("Asia/Tokyo")

ISSUER = {
    "legal_name": "Genba Field Services KK",
    "legal_name_ja": "現場フィールドサービス株式会社",
    "registration_number": "T9010401234567",
    "postal_code": "100-0005",
    "address": "1-1-1 Marunouchi, Chiyoda-ku, Tokyo",
    "address_ja": "東京都千代田区丸の内1-1-1",
    "phone": "+81 3-1234-5000",
    "email": "billing@genba.example",
    "bank_name": "みずほ銀行",
    "bank_branch": "丸の内",
    "account_type": "ordinary",
    "account_number": "1234567",
    "account_holder": "ゲンバフィールドサービス（カ",
}


def issuer() -> IssuerProfile:
    return IssuerProfile.objects.update_or_create(pk=1, defaults=ISSUER)[0]


def completed(customer, coordinator, engineer, *, start: str, signed_off: str, **overrides):
    """A request with one visit at `start` (ISO, JST) signed off at `signed_off`."""
    starts = datetime.fromisoformat(start)
    overrides.setdefault(
        "visits",
        [{"scheduled_start": start, "reserved_hours": overrides.pop("reserved_hours", "2")}],
    )
    clock.set_now(starts - timedelta(days=7))
    request = released(customer, coordinator, engineer, **overrides)
    visit = request.visits.get()
    clock.set_now(starts - timedelta(minutes=40))
    visit_services.visit_en_route(visit=visit, by=engineer)
    clock.set_now(starts - timedelta(minutes=10))
    visit_services.visit_arrive(visit=visit, by=engineer)
    clock.set_now(datetime.fromisoformat(signed_off))
    visit_services.visit_sign_off(visit=visit, by=customer, signer_name="Site manager")
    request.refresh_from_db()
    return request
