"""The demo's people, coverage table and requests (see commands/demo.py)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from genba.accounts.models import Role
from genba.billing.services import invoice_issue
from genba.core import clock
from genba.core.clock import JST
from genba.dispatch import services as dispatch
from genba.orders import services, visit_services
from genba.orders.expenses import visit_expense_add
from genba.orders.inputs import RequestIn

ISSUER = {
    "legal_name": "Genba Field Services KK",
    "legal_name_ja": "現場フィールドサービス株式会社",
    "registration_number": "T9010401234567",
    "postal_code": "100-0005",
    "address": "1-1-1 Marunouchi, Chiyoda-ku, Tokyo",
    "address_ja": "東京都千代田区丸の内1-1-1",
    "phone": "+81312345000",  # the office phone (E.164, as the settings page stores it)
    "urgent_phone": "+819012345678",  # the urgent line, outside office hours
    "office_days": [0, 1, 2, 3, 4],
    "office_opens": time(9, 0),  # Asia/Tokyo
    "office_closes": time(18, 0),
    "office_hours_note": "closed on national holidays and 29 Dec–3 Jan",
    "email": "billing@genba.example",
    "bank_name": "みずほ銀行 (Mizuho Bank)",
    "bank_branch": "丸の内 (Marunouchi)",
    "account_type": "ordinary",
    "account_number": "1234567",
    "account_holder": "ゲンバフィールドサービス（カ",
}

# (code, name, travel and accommodation needed, [(prefecture, municipality code, name)])
COVERAGE = [
    (
        "A",
        "Tokyo metropolitan area",
        False,
        [("東京都", "", ""), ("神奈川県", "", ""), ("埼玉県", "", ""), ("千葉県", "", "")],
    ),
    ("B", "Kansai", True, [("大阪府", "", ""), ("京都府", "", ""), ("兵庫県", "", "")]),
    ("C", "Chubu", True, [("愛知県", "", "")]),
]

# (email, first name, last name, role, language, phone)
STAFF = [
    ("coord@genba.example", "Yuki", "Tanaka", Role.COORDINATOR, "ja", "+81312345001"),
    ("billing@genba.example", "Mika", "Suzuki", Role.BILLING, "ja", "+81312345002"),
    ("admin@genba.example", "Admin", "Genba", Role.ADMIN, "en", "+81312345003"),
]

# (email, first name, last name, language, phone, skill level)
ENGINEERS = [
    ("ken@genba.example", "Ken", "Sato", "en", "+819012340001", "senior"),
    ("yui@genba.example", "Yui", "Kobayashi", "ja", "+819012340002", "entry"),
    ("hiro@genba.example", "Hiro", "Nakamura", "en", "+819012340003", "specialist"),
]

# email -> dispatch profile: languages, home (label, lat, lng), zones, working days
ENGINEER_PROFILES = {
    "ken@genba.example": (
        ["en", "ja"],
        ("Shinjuku Station", "35.690921", "139.700258"),
        ["A", "B"],
        [0, 1, 2, 3, 4],
    ),
    "yui@genba.example": (
        ["ja"],
        ("Yokohama Station", "35.465798", "139.622314"),
        ["A"],
        [0, 1, 2, 3, 4],
    ),
    "hiro@genba.example": (
        ["en", "ja"],
        ("Omiya Station", "35.906295", "139.623999"),
        ["A", "B", "C"],
        [0, 1, 2, 3, 4, 5],
    ),
}

SITES = {
    "otemachi": {
        "name": "Otemachi data center",
        "company_name": "Acme Japan KK",
        "postal_code": "100-0004",
        "prefecture": "Tokyo",
        "city": "Chiyoda-ku",
        "street": "1-5-1 Otemachi",
        "building": "Otemachi DC Tower",
        "floor": "5",
        "room": "Cage 12",
        "is_datacenter": True,
        "entry_instructions": "Register at the B1 security desk with photo ID; the DC reference is required.",
        "maps_url": "https://maps.app.goo.gl/otemachiDC",
        "latitude": "35.686",
        "longitude": "139.765",
    },
    "shibuya": {
        "name": "Shibuya office",
        "company_name": "Acme Japan KK",
        "postal_code": "150-0002",
        "prefecture": "東京都",
        "city": "渋谷区",
        "street": "渋谷2-21-1",
        "building": "Hikarie",
        "floor": "11",
        "entry_instructions": "Reception on 11F; ask for Mr. Yamada.",
        "maps_url": "https://maps.app.goo.gl/shibuya11",
        "latitude": "35.659",
        "longitude": "139.703",
    },
    "osaka": {
        "name": "Osaka branch",
        "company_name": "Globex Japan GK",
        "postal_code": "530-0001",
        "prefecture": "Osaka",
        "city": "Osaka-shi Kita-ku",
        "street": "3-1-3 Umeda",
        "building": "Umeda Sky",
        "floor": "20",
        "entry_instructions": "Use the north entrance; security will call the local contact.",
        "maps_url": "https://www.google.com/maps/place/Umeda",
        "latitude": "34.705",
        "longitude": "135.490",
    },
    "naha": {
        "name": "Naha POP",
        "company_name": "Acme Japan KK",
        "postal_code": "900-0015",
        "prefecture": "Okinawa",
        "city": "Naha-shi",
        "street": "1-1 Kumoji",
        "floor": "2",
    },
}

LOCAL = {
    "name": "Taro Yamada",
    "phone": "03-1234-5678",
    "email": "yamada@acme-japan.example",
    "language": "ja",
}
REMOTE_ACME = {
    "name": "Jane Doe",
    "phone": "+1 415 555 0132",
    "email": "jane@acme.example",
    "language": "en",
}
REMOTE_GLOBEX = {
    "name": "Jonas Weber",
    "phone": "+49 30 901820",
    "email": "jonas@globex.example",
    "whatsapp": "+49301234567",
}


def _order(site: str, start: datetime, **extra) -> RequestIn:
    remote = REMOTE_GLOBEX if site == "osaka" else REMOTE_ACME
    document = {
        "title": "Replace failed disk in storage array",
        "reference": "PO-2026-0415",
        "work_description": "Replace the failed disk in slot 3 of the NetApp array, confirm the rebuild "
        "has started with the remote engineer, label the cable and send a photo of the front panel.",
        "skill_level": "senior",
        "engineers": 1,
        "languages": ["en"],
        "datacenter_reference": "EQX-TY2-778812" if site == "otemachi" else "",
        "site": SITES[site],
        "local_contact": LOCAL,
        "remote_engineer": remote,
        "visits": [{"scheduled_start": start.isoformat(), "reserved_hours": "2"}],
        "equipment": [{"make": "NetApp", "model": "FAS2750", "serial": "721914000123"}],
        "items_to_bring": ["laptop", "console cable"],
    }
    document.update(extra)
    return RequestIn.model_validate(document)


def _business_day(moment: datetime, hour: int) -> datetime:
    """The next weekday at `hour` JST, on or after `moment` (holidays are fine for a demo)."""
    day = moment.astimezone(JST).replace(hour=hour, minute=0, second=0, microsecond=0)
    while day.weekday() >= 5 or day < moment:
        day += timedelta(days=1)
        day = day.replace(hour=hour)
    return day


def build_requests(users: dict, *, now: datetime) -> int:
    """Carry each demo request through the real services, at the moments each step happened."""
    alice, bob = users["alice@acme.example"], users["bob@globex.example"]
    coord, billing = users["coord@genba.example"], users["billing@genba.example"]
    ken, yui, hiro = (
        users["ken@genba.example"],
        users["yui@genba.example"],
        users["hiro@genba.example"],
    )
    count = 0

    def at(moment: datetime):
        return clock.frozen_at(moment)

    def run_to(customer, data: RequestIn, created: datetime, target: str, engineer=ken):
        nonlocal count
        count += 1
        start = data.visits[0].scheduled_start
        with at(created):
            request = services.request_create(by=customer, data=data)
        if target == "draft":
            return request
        with at(created + timedelta(minutes=20)):
            services.request_submit(request=request, by=customer)
        if target == "submitted":
            return request
        if target == "info_requested":
            with at(created + timedelta(hours=1)):
                services.request_ask_info(
                    request=request, by=coord, message="Please send the missing items listed below."
                )
            return request
        if target == "declined":
            with at(created + timedelta(hours=1)):
                services.request_decline(
                    request=request, by=coord, reason="The site is outside our coverage area."
                )
            return request
        with at(created + timedelta(hours=2)):
            proposal = dispatch.proposal_create(
                request=request, by=coord, engineers=[engineer], message="Ken is available."
            )
        if target == "proposed":
            return request
        if target == "cancelled":
            with at(created + timedelta(hours=3)):
                services.request_cancel(
                    request=request, by=customer, reason="The customer postponed the work."
                )
            return request
        with at(created + timedelta(hours=4)):
            dispatch.proposal_approve(proposal=proposal, by=customer)
        if target == "approved":
            return request
        with at(created + timedelta(hours=5)):
            services.request_release(request=request, by=coord)
        if target == "released":
            return request
        visit = request.visits.get()
        with at(start - timedelta(minutes=50)):
            visit_services.visit_en_route(visit=visit, by=engineer)
        with at(start - timedelta(minutes=5)):
            visit_services.visit_arrive(visit=visit, by=engineer)
        with at(start + timedelta(minutes=10)):
            visit_services.visit_start_work(visit=visit, by=engineer)
            if request.site.prefecture in ("Osaka", "大阪府"):
                # The coordinator books the travel: recorded approved (docs/pricing.md).
                visit_expense_add(
                    visit=visit,
                    by=coord,
                    description="Shinkansen Tokyo–Shin-Osaka (return)",
                    amount=29440,
                )
        if target == "in_progress":
            return request
        with at(start + timedelta(hours=2, minutes=40)):
            visit_services.visit_sign_off(
                visit=visit, by=customer, signer_name=customer.get_full_name()
            )
        if target == "completed":
            return request
        with at(start + timedelta(days=1)):
            invoice_issue(request=request, by=billing)
        if target == "invoiced":
            return request
        with at(start + timedelta(days=20)):
            services.request_mark_paid(request=request, by=billing)
        return request

    past = now - timedelta(days=21)
    soon = _business_day(now + timedelta(days=7), 10)
    later = _business_day(now + timedelta(days=14), 14)

    run_to(
        alice,
        _order(
            "shibuya",
            soon,
            reference="",
            remote_engineer=None,
            visits=[{"scheduled_start": soon.isoformat()}],
        ),
        now - timedelta(hours=3),
        "draft",
    )
    run_to(
        bob,
        _order("osaka", later, reference="", equipment=[], remote_engineer=None),
        now - timedelta(days=1),
        "submitted",
    )
    run_to(
        alice,
        _order(
            "otemachi",
            later,
            datacenter_reference="",
            paperwork=[{"description": "Signed NDA", "done": False}],
        ),
        now - timedelta(days=2),
        "info_requested",
    )
    run_to(
        alice,
        _order("otemachi", soon, title="Install two 1U servers in rack R12"),
        now - timedelta(days=2),
        "submitted",
    )
    run_to(
        alice,
        _order("shibuya", soon, title="Swap core switch power supply"),
        now - timedelta(days=3),
        "proposed",
    )
    run_to(
        bob,
        _order("osaka", later, title="Rack and cable new firewall pair", engineers=1),
        now - timedelta(days=4),
        "approved",
        engineer=hiro,
    )
    run_to(
        alice,
        _order("otemachi", soon + timedelta(days=1), title="Replace failed DIMM on db-07"),
        now - timedelta(days=5),
        "released",
    )
    # Under way right now (after-hours on a weekend, which the demo shows on purpose).
    started = now.astimezone(JST).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    run_to(
        alice,
        _order("otemachi", started, title="Console access for firmware upgrade"),
        started - timedelta(days=3),
        "in_progress",
    )
    for i, (customer, site, target, eng) in enumerate(
        [
            (alice, "otemachi", "completed", ken),
            (bob, "osaka", "invoiced", hiro),
            (alice, "shibuya", "paid", yui),
        ]
    ):
        start = _business_day(past + timedelta(days=i * 2), 10)
        # Yui (entry, Japanese only) takes the entry-level job ordered in Japanese.
        skill, languages = ("entry", ["ja"]) if eng is yui else ("senior", ["en"])
        run_to(
            customer,
            _order(
                site,
                start,
                title=f"Past visit {i + 1}: decommission old switch",
                skill_level=skill,
                languages=languages,
            ),
            start - timedelta(days=6),
            target,
            engineer=eng,
        )
    run_to(
        bob,
        _order("osaka", later + timedelta(days=1), title="Network audit (postponed)"),
        now - timedelta(days=6),
        "cancelled",
        engineer=hiro,
    )
    run_to(
        alice,
        _order("naha", later, title="Remote hands in Naha"),
        now - timedelta(days=1),
        "declined",
    )
    return count
