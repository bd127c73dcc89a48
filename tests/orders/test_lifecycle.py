"""Rulebook §3: every transition, allowed and refused. A refusal changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from genba.core import clock
from genba.core.errors import NotAllowed, TransitionRefused, ValidationFailed
from genba.core.models import AuditEvent
from genba.core.signals import transitioned
from genba.dispatch import services as dispatch
from genba.dispatch.models import ProposalStatus
from genba.orders import services, visit_services
from genba.orders.inputs import RequestIn
from genba.orders.models import RequestStatus, VisitStatus
from tests.orders.helpers import (
    VISIT_START,
    approved,
    new_request,
    on_site,
    on_the_day,
    proposed,
    released,
    reload,
    submitted,
)

pytestmark = pytest.mark.django_db


def events(obj, action=None):
    qs = AuditEvent.objects.filter(object_id=obj.public_id)
    return qs.filter(action=action) if action else qs


def assert_refused_unchanged(obj, call, error=TransitionRefused):
    before = reload(obj)
    audit_count = AuditEvent.objects.count()
    with pytest.raises(error):
        call()
    after = reload(obj)
    assert after.status == before.status
    assert AuditEvent.objects.count() == audit_count


# --- create, update, submit -----------------------------------------------------------------


def test_create_starts_in_draft_with_an_audit_row(alice):
    request = new_request(alice)
    assert request.status == RequestStatus.DRAFT
    assert request.organization == alice.organization
    assert events(request, "created").count() == 1


def test_create_records_the_defaults_it_applied(alice):
    request = new_request(
        alice,
        skill_level=None,
        engineers=None,
        visits=[{"scheduled_start": "2026-12-08T10:00:00+09:00"}],
    )
    visit = request.visits.get()
    assert request.skill_level == "entry" and request.skill_level_defaulted
    assert request.engineers == 1
    assert visit.reserved_hours == 2 and visit.reserved_hours_defaulted


def test_only_a_customer_creates_requests(carol):
    with pytest.raises(NotAllowed):
        services.request_create(by=carol, data=RequestIn())


def test_customer_without_active_contract_cannot_order(alice):
    alice.organization.contracts.update(active=False)
    with pytest.raises(ValidationFailed):
        new_request(alice)


def test_update_changes_only_the_fields_sent(alice):
    request = new_request(alice)
    services.request_update(
        request=request, by=alice, data=RequestIn.model_validate({"reference": "PO-9"})
    )
    request = reload(request)
    assert request.reference == "PO-9"
    assert request.title == "Replace failed disk in storage array"
    assert request.visits.count() == 1


def test_update_allowed_after_submit_until_approval(alice, carol, ken):
    request = submitted(alice)
    services.request_update(request=request, by=alice, data=RequestIn(reference="X"))
    assert reload(request).reference == "X"
    assert reload(request).status == RequestStatus.SUBMITTED


def test_update_refused_after_approval(alice, carol, ken):
    request = approved(alice, carol, ken)
    assert_refused_unchanged(
        request,
        lambda: services.request_update(request=request, by=alice, data=RequestIn(reference="X")),
    )


def test_update_allowed_when_information_was_requested(alice, carol):
    request = submitted(alice)
    services.request_ask_info(request=request, by=carol, message="Need the NDA")
    services.request_update(request=request, by=alice, data=RequestIn(reference="PO-NEW"))
    assert reload(request).reference == "PO-NEW"


def test_another_customer_cannot_update(alice, bob):
    request = new_request(alice)
    with pytest.raises(NotAllowed):
        services.request_update(request=request, by=bob, data=RequestIn(reference="X"))


def test_submit_moves_draft_to_submitted(alice):
    request = new_request(alice)
    services.request_submit(request=request, by=alice)
    request = reload(request)
    assert request.status == RequestStatus.SUBMITTED
    assert request.submitted_at == clock.now()


def test_submit_with_errors_is_allowed(alice):
    request = new_request(alice, reference="", remote_engineer=None, site=None)
    services.request_submit(request=request, by=alice)
    assert reload(request).status == RequestStatus.SUBMITTED


def test_submit_is_idempotent(alice):
    request = submitted(alice)
    services.request_submit(request=request, by=alice)
    assert events(request, "submitted").count() == 1


def test_submit_refused_once_proposed(alice, carol, ken):
    request, _ = proposed(alice, carol, ken)
    assert_refused_unchanged(request, lambda: services.request_submit(request=request, by=alice))


def test_resubmit_after_information_request(alice, carol):
    request = submitted(alice)
    services.request_ask_info(request=request, by=carol)
    services.request_submit(request=request, by=alice)
    assert reload(request).status == RequestStatus.SUBMITTED


def test_ask_info_keeps_the_missing_findings(alice, carol):
    request = submitted(alice, reference="")
    services.request_ask_info(request=request, by=carol, message="Please add the PO number")
    row = events(request, "info_requested").get()
    assert row.reason == "Please add the PO number"
    assert "request.reference.missing" in [f["code"] for f in row.data["findings"]]


def test_ask_info_refused_for_a_customer(alice):
    request = submitted(alice)
    assert_refused_unchanged(
        request, lambda: services.request_ask_info(request=request, by=alice), NotAllowed
    )


def test_ask_info_refused_on_a_draft(alice, carol):
    request = new_request(alice)
    assert_refused_unchanged(request, lambda: services.request_ask_info(request=request, by=carol))


# --- proposals and approval -----------------------------------------------------------------


def test_propose_moves_to_proposed(alice, carol, ken):
    request, proposal = proposed(alice, carol, ken)
    assert reload(request).status == RequestStatus.PROPOSED
    assert list(proposal.engineers.all()) == [ken]


def test_propose_refused_for_wrong_engineer_count(alice, carol, ken):
    request = submitted(alice, engineers=2)
    assert_refused_unchanged(
        request,
        lambda: dispatch.proposal_create(request=request, by=carol, engineers=[ken]),
        ValidationFailed,
    )


def test_propose_refused_for_a_non_engineer(alice, carol):
    request = submitted(alice)
    assert_refused_unchanged(
        request,
        lambda: dispatch.proposal_create(request=request, by=carol, engineers=[carol]),
        ValidationFailed,
    )


def test_propose_refused_on_a_draft(alice, carol, ken):
    request = new_request(alice)
    assert_refused_unchanged(
        request, lambda: dispatch.proposal_create(request=request, by=carol, engineers=[ken])
    )


def test_approve_starts_the_sla_clock_and_assigns_the_engineers(alice, carol, ken):
    request = approved(alice, carol, ken)
    request = reload(request)
    assert request.status == RequestStatus.APPROVED
    assert request.sla_started_at == clock.now() == request.approved_at
    assert list(request.visits.get().assigned_engineers.all()) == [ken]


def test_propose_refused_while_an_error_finding_is_open(alice, carol, ken):
    request = submitted(alice, paperwork=[{"description": "NDA", "done": False}])
    with pytest.raises(TransitionRefused) as refused:
        dispatch.proposal_create(request=request, by=carol, engineers=[ken])
    assert refused.value.code == "open_errors"
    assert [p.code for p in refused.value.problems] == ["request.paperwork.pending"]
    assert reload(request).status == RequestStatus.SUBMITTED
    assert not request.proposals.exists()


def test_approve_refused_while_an_error_finding_is_open(alice, carol, ken):
    request, proposal = proposed(alice, carol, ken)
    # The customer waited: the visit is now less than 24 hours away and no call is recorded.
    clock.set_now(VISIT_START - timedelta(hours=12))
    with pytest.raises(TransitionRefused) as refused:
        dispatch.proposal_approve(proposal=proposal, by=alice)
    assert refused.value.code == "open_errors"
    assert [p.code for p in refused.value.problems] == ["request.start.short_notice"]
    assert reload(request).status == RequestStatus.PROPOSED
    assert reload(proposal).status == ProposalStatus.OPEN


def test_approve_refused_for_the_coordinator(alice, carol, ken):
    request, proposal = proposed(alice, carol, ken)
    assert_refused_unchanged(
        request, lambda: dispatch.proposal_approve(proposal=proposal, by=carol), NotAllowed
    )


def test_approve_refused_for_another_customer(alice, bob, carol, ken):
    request, proposal = proposed(alice, carol, ken)
    assert_refused_unchanged(
        request, lambda: dispatch.proposal_approve(proposal=proposal, by=bob), NotAllowed
    )


def test_approve_is_idempotent(alice, carol, ken):
    request, proposal = proposed(alice, carol, ken)
    dispatch.proposal_approve(proposal=proposal, by=alice)
    dispatch.proposal_approve(proposal=proposal, by=alice)
    assert events(request, "approved").count() == 1


def test_approve_refused_on_a_declined_proposal(alice, carol, ken):
    request, proposal = proposed(alice, carol, ken)
    dispatch.proposal_decline(proposal=proposal, by=alice, reason="Need a Japanese speaker")
    assert_refused_unchanged(
        request, lambda: dispatch.proposal_approve(proposal=proposal, by=alice)
    )


def test_decline_sends_the_request_back_to_the_coordinator(alice, carol, ken):
    request, proposal = proposed(alice, carol, ken)
    dispatch.proposal_decline(proposal=proposal, by=alice, reason="Need a Japanese speaker")
    assert reload(request).status == RequestStatus.SUBMITTED
    assert reload(proposal).decline_reason == "Need a Japanese speaker"
    # ... who proposes again.
    second = dispatch.proposal_create(request=request, by=carol, engineers=[ken])
    assert reload(request).status == RequestStatus.PROPOSED
    assert second.status == ProposalStatus.OPEN


def test_decline_needs_a_reason(alice, carol, ken):
    request, proposal = proposed(alice, carol, ken)
    assert_refused_unchanged(
        request,
        lambda: dispatch.proposal_decline(proposal=proposal, by=alice, reason=" "),
        ValidationFailed,
    )


def test_withdraw_returns_the_request_to_submitted(alice, carol, ken):
    request, proposal = proposed(alice, carol, ken)
    dispatch.proposal_withdraw(proposal=proposal, by=carol, reason="Ken is ill")
    assert reload(request).status == RequestStatus.SUBMITTED
    assert reload(proposal).status == ProposalStatus.WITHDRAWN


def test_withdraw_refused_for_the_customer(alice, carol, ken):
    request, proposal = proposed(alice, carol, ken)
    assert_refused_unchanged(
        request, lambda: dispatch.proposal_withdraw(proposal=proposal, by=alice), NotAllowed
    )


# --- release --------------------------------------------------------------------------------


def test_release_after_approval(alice, carol, ken):
    request = released(alice, carol, ken)
    request = reload(request)
    assert request.status == RequestStatus.RELEASED
    assert request.visits.get().status == VisitStatus.RELEASED


def test_release_refused_without_approval(alice, carol, ken):
    request, _ = proposed(alice, carol, ken)
    with pytest.raises(TransitionRefused) as refused:
        services.request_release(request=request, by=carol)
    assert refused.value.code == "not_approved"
    assert reload(request).status == RequestStatus.PROPOSED


def test_release_refused_without_reference_when_the_policy_needs_one(alice, carol, ken, tokyo_its):
    contract = alice.organization.contracts.get()
    contract.policy = tokyo_its
    contract.save()
    request = approved(alice, carol, ken)
    # The reference goes missing after approval (say, a correction in the back office).
    type(request).objects.filter(pk=request.pk).update(reference="")
    with pytest.raises(TransitionRefused) as refused:
        services.request_release(request=request, by=carol)
    assert refused.value.code == "reference_required"
    assert reload(request).status == RequestStatus.APPROVED


def test_release_refused_for_the_customer(alice, carol, ken):
    request = approved(alice, carol, ken)
    assert_refused_unchanged(
        request, lambda: services.request_release(request=request, by=alice), NotAllowed
    )


# --- the visit ------------------------------------------------------------------------------


def test_en_route_starts_the_request(alice, carol, ken):
    request = released(alice, carol, ken)
    on_the_day()
    visit_services.visit_en_route(visit=request.visits.get(), by=ken)
    assert reload(request).status == RequestStatus.IN_PROGRESS
    assert request.visits.get().status == VisitStatus.EN_ROUTE


def test_arrival_is_recorded_and_signalled_after_commit(
    alice, carol, ken, django_capture_on_commit_callbacks
):
    request = released(alice, carol, ken)
    on_the_day()
    visit_services.visit_en_route(visit=request.visits.get(), by=ken)
    seen = []

    def listener(sender, obj, action, **kwargs):
        seen.append(action)

    transitioned.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            visit_services.visit_arrive(visit=request.visits.get(), by=ken)
            assert seen == []  # nothing is said before the commit
    finally:
        transitioned.disconnect(listener)
    assert len(callbacks) == 1  # "on my way" already started the request
    assert seen == ["arrived"]
    visit = request.visits.get()
    assert visit.status == VisitStatus.ON_SITE and visit.arrived_at == clock.now()


def test_a_refused_transition_signals_nothing(
    alice, carol, ken, django_capture_on_commit_callbacks
):
    request, _ = proposed(alice, carol, ken)
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(TransitionRefused):
        services.request_submit(request=request, by=alice)
    assert callbacks == []


def test_only_the_assigned_engineer_records_the_visit(alice, carol, ken, provider):
    from tests.factories import UserFactory

    other = UserFactory(organization=provider, role="engineer")
    request = released(alice, carol, ken)
    visit = request.visits.get()
    assert_refused_unchanged(
        visit, lambda: visit_services.visit_arrive(visit=visit, by=other), NotAllowed
    )


def test_visit_steps_refused_before_release(alice, carol, ken):
    request = approved(alice, carol, ken)
    visit = request.visits.get()
    assert_refused_unchanged(visit, lambda: visit_services.visit_arrive(visit=visit, by=ken))


def test_work_starts_only_on_site(alice, carol, ken):
    request = released(alice, carol, ken)
    visit = request.visits.get()
    on_the_day()
    assert_refused_unchanged(visit, lambda: visit_services.visit_start_work(visit=visit, by=ken))
    visit_services.visit_en_route(visit=visit, by=ken)
    visit_services.visit_arrive(visit=visit, by=ken)
    visit_services.visit_start_work(visit=visit, by=ken)
    assert reload(visit).status == VisitStatus.WORKING


def test_sign_off_by_the_customer_completes_the_request(alice, carol, ken):
    request, visit = on_site(alice, carol, ken)
    clock.set_now(VISIT_START + timedelta(hours=2, minutes=45))
    visit_services.visit_sign_off(visit=visit, by=alice, signer_name="Alice Anderson")
    visit, request = reload(visit), reload(request)
    assert visit.status == VisitStatus.SIGNED_OFF
    assert visit.signed_off_at == clock.now()
    assert request.status == RequestStatus.COMPLETED
    assert request.completed_at == clock.now()


def test_sign_off_is_idempotent(alice, carol, ken):
    request, visit = on_site(alice, carol, ken)
    clock.set_now(VISIT_START + timedelta(hours=2))
    visit_services.visit_sign_off(visit=visit, by=alice, signer_name="Alice")
    visit_services.visit_sign_off(visit=visit, by=alice, signer_name="Alice")
    assert events(visit, "signed_off").count() == 1


def test_provider_signs_off_on_the_customers_word_naming_the_signer(alice, carol, ken):
    request, visit = on_site(alice, carol, ken)
    clock.set_now(VISIT_START + timedelta(hours=2))
    with pytest.raises(ValidationFailed):
        visit_services.visit_sign_off(visit=visit, by=ken, signer_name="")
    visit_services.visit_sign_off(visit=visit, by=ken, signer_name="Taro Yamada (local contact)")
    assert reload(visit).signed_off_by_name == "Taro Yamada (local contact)"


def test_sign_off_before_the_scheduled_start_is_refused(alice, carol, ken):
    request, visit = on_site(alice, carol, ken)
    assert_refused_unchanged(
        visit,
        lambda: visit_services.visit_sign_off(visit=visit, by=alice, signer_name="Alice"),
        ValidationFailed,
    )


def test_sign_off_refused_for_another_customer(alice, bob, carol, ken):
    request, visit = on_site(alice, carol, ken)
    clock.set_now(VISIT_START + timedelta(hours=2))
    assert_refused_unchanged(
        visit,
        lambda: visit_services.visit_sign_off(visit=visit, by=bob, signer_name="Bob"),
        NotAllowed,
    )


def test_sign_off_refused_before_arrival(alice, carol, ken):
    request = released(alice, carol, ken)
    visit = request.visits.get()
    clock.set_now(VISIT_START + timedelta(hours=2))
    assert_refused_unchanged(
        visit, lambda: visit_services.visit_sign_off(visit=visit, by=alice, signer_name="A")
    )


def test_no_access_ends_the_visit_and_completes_the_request(alice, carol, ken):
    request = released(alice, carol, ken)
    visit = request.visits.get()
    on_the_day()
    visit_services.visit_no_access(
        visit=visit, by=ken, reason="Entry refused: name not on the list"
    )
    assert reload(visit).status == VisitStatus.NO_ACCESS
    assert reload(request).status == RequestStatus.COMPLETED


def test_no_access_needs_a_reason(alice, carol, ken):
    request = released(alice, carol, ken)
    visit = request.visits.get()
    on_the_day()
    assert_refused_unchanged(
        visit,
        lambda: visit_services.visit_no_access(visit=visit, by=ken, reason=""),
        ValidationFailed,
    )


def test_request_completes_only_when_every_visit_has_ended(alice, carol, ken):
    two = [
        {"scheduled_start": "2026-12-08T10:00:00+09:00", "reserved_hours": "3"},
        {"scheduled_start": "2026-12-09T10:00:00+09:00", "reserved_hours": "3"},
    ]
    request = released(alice, carol, ken, visits=two)
    first, second = request.visits.order_by("position")
    on_the_day()
    visit_services.visit_no_access(visit=first, by=ken, reason="No local contact")
    assert reload(request).status == RequestStatus.IN_PROGRESS
    visit_services.visit_cancel(visit=second, by=carol, reason="Customer asked")
    assert reload(request).status == RequestStatus.COMPLETED


def test_visit_cancel_is_for_coordinators(alice, carol, ken):
    request = released(alice, carol, ken)
    visit = request.visits.get()
    assert_refused_unchanged(
        visit, lambda: visit_services.visit_cancel(visit=visit, by=ken, reason="x"), NotAllowed
    )


# --- cancel and decline ---------------------------------------------------------------------


@pytest.mark.parametrize("state", ["draft", "submitted", "proposed"])
def test_cancel_before_approval_costs_nothing(alice, carol, ken, state):
    builders = {
        "draft": lambda: new_request(alice),
        "submitted": lambda: submitted(alice),
        "proposed": lambda: proposed(alice, carol, ken)[0],
    }
    request = builders[state]()
    services.request_cancel(request=request, by=alice, reason="Postponed")
    request = reload(request)
    assert request.status == RequestStatus.CANCELLED
    assert request.cancellation_charged is False
    assert request.proposals.filter(status=ProposalStatus.OPEN).count() == 0


@pytest.mark.parametrize("builder", [approved, released])
def test_cancel_after_approval_charges_the_reservation(alice, carol, ken, builder):
    request = builder(alice, carol, ken)
    services.request_cancel(request=request, by=alice, reason="Project stopped")
    request = reload(request)
    assert request.status == RequestStatus.CANCELLED
    assert request.cancellation_charged is True
    assert request.visits.get().status == VisitStatus.CANCELLED


def test_cancel_refused_once_in_progress(alice, carol, ken):
    request, _ = on_site(alice, carol, ken)
    assert_refused_unchanged(request, lambda: services.request_cancel(request=request, by=alice))


def test_cancel_is_idempotent(alice):
    request = new_request(alice)
    services.request_cancel(request=request, by=alice)
    services.request_cancel(request=request, by=alice)
    assert events(request, "cancelled").count() == 1


def test_engineer_cannot_cancel(alice, ken):
    request = submitted(alice)
    assert_refused_unchanged(
        request, lambda: services.request_cancel(request=request, by=ken), NotAllowed
    )


def test_provider_declines_with_a_reason(alice, carol):
    request = submitted(alice)
    assert_refused_unchanged(
        request,
        lambda: services.request_decline(request=request, by=carol, reason=""),
        ValidationFailed,
    )
    services.request_decline(request=request, by=carol, reason="Outside our coverage")
    assert reload(request).status == RequestStatus.DECLINED


def test_customer_cannot_decline_a_request(alice):
    request = submitted(alice)
    assert_refused_unchanged(
        request, lambda: services.request_decline(request=request, by=alice, reason="x"), NotAllowed
    )


# --- billing states -------------------------------------------------------------------------


def test_paid_after_invoiced(alice, carol, ken, bill):
    from genba.billing.services import invoice_issue
    from tests.billing.helpers import issuer

    issuer()
    request, visit = on_site(alice, carol, ken)
    clock.set_now(VISIT_START + timedelta(hours=2))
    visit_services.visit_sign_off(visit=visit, by=alice, signer_name="Alice")
    assert_refused_unchanged(request, lambda: services.request_mark_paid(request=request, by=bill))
    invoice_issue(request=request, by=bill)
    assert reload(request).status == RequestStatus.INVOICED
    assert_refused_unchanged(
        request, lambda: services.request_mark_paid(request=request, by=carol), NotAllowed
    )
    services.request_mark_paid(request=request, by=bill)
    assert reload(request).status == RequestStatus.PAID
    services.request_mark_paid(request=request, by=bill)  # idempotent
    assert events(request, "paid").count() == 1


# --- calls ----------------------------------------------------------------------------------


def test_recorded_call_clears_short_notice(alice, carol):
    from genba.orders.selectors import request_findings

    clock.set_now(VISIT_START - timedelta(hours=5))
    request = submitted(alice)
    assert "request.start.short_notice" in [f.code for f in request_findings(request)]
    services.request_record_call(request=request, by=carol, note="Confirmed with Jane by phone")
    assert "request.start.short_notice" not in [f.code for f in request_findings(reload(request))]
    assert events(request, "call_recorded").count() == 1
