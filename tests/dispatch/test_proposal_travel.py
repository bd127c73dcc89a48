"""Estimates that include travel (issue 13 item 2): the coordinator's expected travel on the
proposal, priced as lines of their own; the invoice charges the approved travel time or fee and the
actual expenses, and shows them against the estimate."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from genba.billing import services as billing
from genba.core import clock
from genba.core.errors import ValidationFailed
from genba.dispatch import services as dispatch
from genba.dispatch.models import ProposalTravel
from genba.orders import services, visit_services
from genba.orders.expenses import visit_expense_add
from genba.orders.pricing_bridge import quote_for
from genba.sites.models import CoverageZone
from tests.billing.helpers import issuer
from tests.orders.helpers import submitted

pytestmark = pytest.mark.django_db
JST = ZoneInfo("Asia/Tokyo")
START = datetime(2026, 12, 8, 10, tzinfo=JST)  # Tuesday, 3 h reserved: ¥36,000 at senior 12,000

OSAKA = {
    "name": "Dojima DC",
    "company_name": "Acme KK",
    "postal_code": "530-0003",
    "prefecture": "Osaka",
    "city": "Osaka-shi Kita-ku",
    "street": "2-2-2 Dojima",
    "building": "Dojima Tower",
    "floor": "3",
    "room": "Cage 4",
    "entry_instructions": "Show photo ID at the security desk; escort to the 3rd floor.",
    "maps_url": "https://maps.app.goo.gl/osaka123",
    "is_datacenter": True,
}
TRAVEL = [
    {
        "hours": "5.5",
        "expenses": [
            {"description": "Shinkansen Tokyo–Shin-Osaka return", "amount": 29440},
            {"description": "Hotel 1 night", "amount": 12000},
        ],
    }
]


def use(customer, policy, **settings):
    for name, value in settings.items():
        setattr(policy, name, value)
    policy.save()
    contract = customer.organization.contracts.get()
    contract.policy = policy
    contract.save()


def osaka_request(alice):
    clock.set_now(START - timedelta(days=7))
    return submitted(alice, site=OSAKA)


def test_the_estimate_includes_the_expected_travel(alice, carol, ken, tokyo_its):
    use(alice, tokyo_its, travel_time_rate=4000)
    request = osaka_request(alice)
    proposal = dispatch.proposal_create(request=request, by=carol, engineers=[ken], travel=TRAVEL)
    lines = [
        (ln["kind"], ln.get("description", ""), ln["amount"]) for ln in proposal.estimate["lines"]
    ]
    assert lines == [
        ("reservation", "", 36000),
        ("travel", "Shinkansen Tokyo–Shin-Osaka return", 29440),
        ("travel", "Hotel 1 night", 12000),
        ("travel_time", "", 22000),
    ]
    assert (proposal.estimate["subtotal"], proposal.estimate["total"]) == (99440, 109384)
    # The live estimate the portal shows reads the same travel.
    assert quote_for(request, estimate=True).total == 109384


def test_the_zone_flat_fee_is_added_to_every_visit(alice, carol, ken, tokyo_its):
    use(alice, tokyo_its)
    CoverageZone.objects.filter(policy=tokyo_its, code="C").update(travel_flat_fee=20000)
    request = osaka_request(alice)
    proposal = dispatch.proposal_create(request=request, by=carol, engineers=[ken])
    assert [ln["kind"] for ln in proposal.estimate["lines"]] == ["reservation", "travel_fee"]
    assert proposal.estimate["total"] == (36000 + 20000) * 11 // 10
    assert ProposalTravel.objects.get(proposal=proposal).flat_fee == 20000


def test_no_travel_leaves_the_estimate_as_before(alice, carol, ken, tokyo_its):
    use(alice, tokyo_its)
    request = osaka_request(alice)
    proposal = dispatch.proposal_create(request=request, by=carol, engineers=[ken])
    assert proposal.estimate["total"] == 39600  # Alice's estimate in issue 13
    assert not ProposalTravel.objects.filter(proposal=proposal).exists()


@pytest.mark.parametrize(
    ("travel", "fields"),
    [
        (
            [{"expenses": [{"description": "", "amount": 0}, {"description": "x", "amount": 1.5}]}],
            ["travel[0].expenses[0].description", "travel[0].expenses[0].amount",
             "travel[0].expenses[1].amount"],
        ),
        ([{"expenses": [{"description": "Hotel", "amount": 10_000_001}]}],
         ["travel[0].expenses[0].amount"]),
        ([{"hours": "25"}], ["travel[0].hours"]),
        ([{"hours": "1.005"}], ["travel[0].hours"]),
        ([{"visit": "vis_nope"}], ["travel[0].visit"]),
        ([{"taxi": 1}], ["travel[0].taxi"]),
        ("lots", ["travel"]),
    ],
)  # fmt: skip
def test_bad_travel_is_refused_naming_each_field(alice, carol, ken, tokyo_its, travel, fields):
    use(alice, tokyo_its, travel_time_rate=4000)
    request = osaka_request(alice)
    with pytest.raises(ValidationFailed) as caught:
        dispatch.proposal_create(request=request, by=carol, engineers=[ken], travel=travel)
    assert [p.field for p in caught.value.problems] == fields
    assert not request.proposals.exists()


def test_travel_hours_are_refused_when_the_policy_charges_none(alice, carol, ken, tokyo_its):
    use(alice, tokyo_its)
    request = osaka_request(alice)
    with pytest.raises(ValidationFailed) as caught:
        dispatch.proposal_create(
            request=request, by=carol, engineers=[ken], travel=[{"hours": "2"}]
        )
    assert [(p.field, p.code) for p in caught.value.problems] == [
        ("travel[0].hours", "not_charged")
    ]


def test_the_invoice_charges_actual_travel_against_the_estimate(alice, carol, ken, bill, tokyo_its):
    """The Osaka case: estimate with travel approved; the Shinkansen cost more than expected, a
    taxi was added; the invoice charges the approved travel time and the actual expenses, and
    keeps the approved estimate to show against them."""
    issuer()
    use(alice, tokyo_its, travel_time_rate=4000)
    request = osaka_request(alice)
    proposal = dispatch.proposal_create(request=request, by=carol, engineers=[ken], travel=TRAVEL)
    dispatch.proposal_approve(proposal=proposal, by=alice)
    services.request_release(request=request, by=carol)
    visit = request.visits.get()
    clock.set_now(START - timedelta(minutes=40))
    visit_services.visit_en_route(visit=visit, by=ken)
    clock.set_now(START - timedelta(minutes=10))
    visit_services.visit_arrive(visit=visit, by=ken)
    clock.set_now(START + timedelta(hours=2, minutes=30))
    visit_services.visit_sign_off(visit=visit, by=alice, signer_name="Site manager")
    visit_expense_add(visit=visit, by=carol, description="Shinkansen (actual)", amount=29720)
    visit_expense_add(visit=visit, by=carol, description="Hotel", amount=12000)
    visit_expense_add(visit=visit, by=carol, description="Taxi", amount=1800)
    clock.set_now(START + timedelta(days=1))
    request.refresh_from_db()
    invoice = billing.invoice_issue(request=request, by=bill)
    lines = [(ln.kind, ln.amount) for ln in invoice.lines.all()]
    assert lines == [
        ("reservation", 36000),
        ("expense", 29720),
        ("expense", 12000),
        ("expense", 1800),
        ("travel_time", 22000),
    ]
    assert (invoice.subtotal, invoice.tax_amount, invoice.total) == (101520, 10152, 111672)
    assert invoice.estimate == {
        "proposal": proposal.public_id,
        "subtotal": 99440,
        "total": 109384,
        "travel": 63440,
        "travel_actual": 65520,
    }
    from genba.billing.pdf import render_invoice_html, render_invoice_pdf

    english = render_invoice_html(invoice, "en")
    for text in (
        "Travel time",
        "Estimate approved (incl. tax)",
        "¥109,384",
        "Travel and expenses, estimated",
        "¥63,440",
        "Travel and expenses, actual (this invoice)",
        "¥65,520",
    ):
        assert text in english, text
    japanese = render_invoice_html(invoice, "ja")
    assert "移動時間" in japanese and "お見積り金額（税込）" in japanese
    assert render_invoice_pdf(invoice, "ja").startswith(b"%PDF")


def test_the_proposal_email_lists_the_travel_in_the_reader_s_language(alice, carol, ken, tokyo_its):
    from django.core import mail

    from genba.core.models import AuditEvent
    from genba.messaging.notify import notify_event

    use(alice, tokyo_its, travel_time_rate=4000)
    request = osaka_request(alice)
    dispatch.proposal_create(request=request, by=carol, engineers=[ken], travel=TRAVEL)
    event = AuditEvent.objects.filter(object_id=request.public_id, action="proposed").latest("id")
    notify_event(event.pk)
    (message,) = mail.outbox
    assert "Estimate: ¥109,384\n" in message.body
    assert "- Travel (expected): Shinkansen Tokyo–Shin-Osaka return  ¥29,440" in message.body
    assert "- Travel (expected): Hotel 1 night  ¥12,000" in message.body
    assert "- Travel time 5.5 h at ¥4,000/h  ¥22,000" in message.body
    assert "the invoice charges the actual travel costs" in message.body
    from genba.messaging.notify import estimate_text

    japanese = estimate_text(request.proposals.get().estimate, "ja")
    assert "- 交通費・宿泊費（見込み）：Hotel 1 night  ¥12,000" in japanese
    assert "- 移動時間 5.5 時間（¥4,000/時間）  ¥22,000" in japanese
    assert estimate_text({"total": 39600, "lines": []}, "en") == "¥39,600"


def test_the_customer_page_shows_the_travel_lines(alice, carol, ken, tokyo_its, client):
    use(alice, tokyo_its, travel_time_rate=4000)
    request = osaka_request(alice)
    dispatch.proposal_create(request=request, by=carol, engineers=[ken], travel=TRAVEL)
    client.force_login(alice)
    html = client.get(f"/portal/requests/{request.public_id}/").content.decode()
    assert "Travel (expected): Shinkansen Tokyo–Shin-Osaka return" in html
    assert "Travel time at ¥4,000/h" in html
    assert "¥109,384" in html
    assert "Travel is estimated: the invoice charges the actual travel costs" in html


def test_the_invoice_api_carries_the_estimate(alice, carol, ken, bill, tokyo_its, client):
    from genba.api.invoices import invoice_document
    from genba.billing.models import Invoice

    test_the_invoice_charges_actual_travel_against_the_estimate(alice, carol, ken, bill, tokyo_its)
    document = invoice_document(Invoice.objects.get())
    assert document["estimate"]["total"] == 109384
    assert document["estimate"]["travel_actual"] == 65520
    assert [ln["kind"] for ln in document["lines"]][-1] == "travel_time"
