"""The live preview of an unsaved order: the same findings and estimate the saved request gets,
and nothing written."""

from __future__ import annotations

import pytest

from genba.core.errors import ValidationFailed
from genba.core.models import AuditEvent
from genba.orders import selectors, services
from genba.orders.inputs import RequestIn
from genba.orders.models import ServiceRequest
from genba.orders.preview import request_preview
from genba.orders.pricing_bridge import quote_for
from genba.sites.models import Contact, Site
from tests.factories import complete_order

pytestmark = pytest.mark.django_db


def _codes(findings):
    return [(f.code, f.severity, f.field) for f in findings]


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"reference": "", "equipment": [], "languages": []},
        {"site": None, "remote_engineer": None, "skill_level": None},
        {"visits": [{"scheduled_start": "2026-11-30T12:00:00+09:00"}], "urgency": 4},
        {"items_to_bring": ["laptop", "fog machine"], "paperwork": [{"description": "NDA"}]},
    ],
)
def test_preview_findings_are_those_the_saved_request_gets(alice, overrides):
    data = RequestIn.model_validate(complete_order(**overrides))
    preview = request_preview(by=alice, data=data)
    saved = services.request_create(by=alice, data=data)
    expected = selectors.request_findings(selectors.get_request_for(alice, saved.public_id))
    assert _codes(preview.findings) == _codes(expected)


def test_preview_writes_nothing(alice):
    data = RequestIn.model_validate(complete_order(reference=""))
    before = (ServiceRequest.objects.count(), Site.objects.count(), Contact.objects.count())
    events = AuditEvent.objects.count()
    preview = request_preview(by=alice, data=data)
    assert "request.reference.missing" in [f.code for f in preview.findings]
    assert (ServiceRequest.objects.count(), Site.objects.count(), Contact.objects.count()) == before
    assert AuditEvent.objects.count() == events


def test_estimate_splits_business_and_after_hours_like_the_saved_estimate(alice):
    # Tuesday 16:00 JST for 4 hours: 2 h in business hours, 2 h after 18:00 (ecorpone 09–18).
    data = RequestIn.model_validate(
        complete_order(
            visits=[{"scheduled_start": "2026-12-08T16:00:00+09:00", "reserved_hours": "4"}]
        )
    )
    preview = request_preview(by=alice, data=data)
    quote = preview.quote
    assert quote is not None and preview.no_quote_reason == ""
    assert quote.business_amount == 2 * 12000  # senior rate, one engineer
    assert quote.after_hours_amount == 2 * 18000  # × 1.5
    assert quote.subtotal == 60000 and quote.tax_amount == 6000 and quote.total == 66000
    saved = services.request_create(by=alice, data=data)
    assert quote_for(saved, estimate=True) == quote


def test_no_estimate_without_a_scheduled_visit_or_with_impossible_hours(alice):
    empty = request_preview(by=alice, data=RequestIn.model_validate(complete_order(visits=[])))
    assert empty.quote is None and empty.no_quote_reason == "no_visit"
    zero = request_preview(
        by=alice,
        data=RequestIn.model_validate(
            complete_order(
                visits=[{"scheduled_start": "2026-12-08T10:00:00+09:00", "reserved_hours": "0"}]
            )
        ),
    )
    assert zero.quote is None and zero.no_quote_reason == "invalid"
    assert "request.reserved_hours.invalid" in [f.code for f in zero.findings]


def test_defaults_of_the_policy_are_priced_when_not_given(alice):
    data = RequestIn.model_validate(
        complete_order(
            skill_level=None,
            engineers=None,
            visits=[{"scheduled_start": "2026-12-08T10:00:00+09:00"}],
        )
    )
    preview = request_preview(by=alice, data=data)
    saved = services.request_create(by=alice, data=data)
    assert preview.quote == quote_for(saved, estimate=True)


def test_a_change_of_a_saved_request_counts_its_recorded_call(alice, carol):
    # Short notice is cleared by a recorded call (rulebook §2): the preview of an edit knows it.
    soon = complete_order(visits=[{"scheduled_start": "2026-11-30T15:00:00+09:00"}])
    request = services.request_create(by=alice, data=RequestIn.model_validate(soon))
    data = RequestIn.model_validate(soon)
    codes = [f.code for f in request_preview(by=alice, data=data, request=request).findings]
    assert "request.start.short_notice" in codes
    services.request_record_call(request=request, by=carol, note="Agreed by phone")
    request = selectors.get_request_for(alice, request.public_id)
    codes = [f.code for f in request_preview(by=alice, data=data, request=request).findings]
    assert "request.start.short_notice" not in codes


def test_a_customer_without_a_contract_is_told_so(bob):
    bob.organization.contracts.update(active=False)
    with pytest.raises(ValidationFailed):
        request_preview(by=bob, data=RequestIn.model_validate(complete_order()))
