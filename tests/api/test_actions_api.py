"""`actions` in the API's documents (rulebook §3: what is offered is exactly what is accepted).

For a few states of a request and its visit, and for each person, the document the API gives that
person lists an action exactly when its API operation then takes effect. Each operation runs in a
savepoint that is rolled back, so one built state serves every person and action. An operation
not listed must be refused (problem+json, 403/404/409/422) or be a retry that changes nothing.

Engineers never receive a price: no key of an estimate, rate or amount, and no yen, on any
endpoint an engineer can reach.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation

from genba.billing.services import invoice_issue
from genba.core import clock
from genba.core.models import AuditEvent
from genba.orders import visit_services
from genba.orders.actions import REQUEST_ACTIONS, VISIT_ACTIONS
from tests.api.helpers import PROBLEM_JSON
from tests.billing.helpers import completed, issuer
from tests.dispatch.helpers import engineer
from tests.orders.helpers import VISIT_START, approved, on_the_day, proposed, released

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
REASON = "Asked by the customer on the phone."
LATER = (VISIT_START + timedelta(days=1)).isoformat()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def people(alice_api, bob_api, carol_api, ken_api, bill_api, provider):
    issuer()
    other = engineer(provider, zones=["A", "C"], work_days=[0, 1, 2, 3, 4, 5, 6])
    return {
        "customer": alice_api,
        "other_customer": bob_api,
        "coordinator": carol_api,
        "engineer": ken_api,
        "billing": bill_api,
        "_other_engineer_id": other.public_id,
    }


def _png(name="photo.png"):
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def _open_proposal(request):
    found = request.proposals.filter(status="open").first() or request.proposals.last()
    return found.public_id if found else "prop_none000000000"


def _invoice(request):
    found = request.invoices.filter(kind="invoice").order_by("-id").first()
    return found.public_id if found else "inv_none0000000000"


def _decline(api, r, v, p):
    if api.user.role == "customer":
        return api.post(
            f"requests/{r.public_id}/proposals/{_open_proposal(r)}/decline", {"reason": REASON}
        )
    return api.post(f"requests/{r.public_id}/decline", {"reason": REASON})


# Each action name and the API operation that carries it out: (api, request, visit, people).
REQUEST_CALLS = {
    "edit": lambda a, r, v, p: a.patch(f"requests/{r.public_id}", {"title": "Swap the PSU"}),
    "submit": lambda a, r, v, p: a.post(f"requests/{r.public_id}/submit"),
    "cancel": lambda a, r, v, p: a.post(f"requests/{r.public_id}/cancel", {"reason": REASON}),
    "approve": lambda a, r, v, p: a.post(
        f"requests/{r.public_id}/proposals/{_open_proposal(r)}/approve"
    ),
    "decline": _decline,
    "withdraw": lambda a, r, v, p: a.post(
        f"requests/{r.public_id}/proposals/{_open_proposal(r)}/withdraw", {"message": REASON}
    ),
    "propose": lambda a, r, v, p: a.post(
        f"requests/{r.public_id}/proposals", {"engineer_ids": [p["_other_engineer_id"]]}
    ),
    "ask_info": lambda a, r, v, p: a.post(
        f"requests/{r.public_id}/ask-info", {"message": "Which rack?"}
    ),
    "record_call": lambda a, r, v, p: a.post(
        f"requests/{r.public_id}/record-call", {"note": "Called the local contact."}
    ),
    "release": lambda a, r, v, p: a.post(f"requests/{r.public_id}/release"),
    "attach": lambda a, r, v, p: a.client.post(
        f"/api/v1/requests/{r.public_id}/attachments", {"file": _png(), "kind": "other"}
    ),
    "issue_invoice": lambda a, r, v, p: a.post("invoices", {"request_id": r.public_id}),
    # Billing records the payment on the request's invoice.
    "mark_paid": lambda a, r, v, p: a.post(f"invoices/{_invoice(r)}/paid"),
}


def _on_visit(op, body=None):
    def call(a, r, v, p):
        return a.post(f"requests/{r.public_id}/visits/{v.public_id}/{op}", body)

    return call


def _profile_id(api):
    from genba.dispatch.models import EngineerProfile

    found = EngineerProfile.objects.filter(user=api.user).values_list("public_id", flat=True)
    return found.first() or "eng_none000000000"


def _step(op, body=None):
    return lambda a, r, v, p: a.post(f"visits/{v.public_id}/{op}", body)


VISIT_CALLS = {
    "reassign": lambda a, r, v, p: a.post(
        f"requests/{r.public_id}/visits/{v.public_id}/reassign",
        {"engineer_ids": [p["_other_engineer_id"]], "reason": REASON},
    ),
    "reschedule": _on_visit("reschedule", {"scheduled_start": LATER, "reason": REASON}),
    "add_engineer": lambda a, r, v, p: a.post(
        f"requests/{r.public_id}/visits/{v.public_id}/engineers",
        {"engineer_id": p["_other_engineer_id"], "reason": REASON},
    ),
    "remove_engineer": lambda a, r, v, p: a.post(
        f"requests/{r.public_id}/visits/{v.public_id}/engineers/{_profile_id(p['engineer'])}"
        "/remove",
        {"reason": REASON},
    ),
    "ask_change": _on_visit("changes", {"scheduled_start": LATER, "reason": REASON}),
    "cancel": _on_visit("cancel", {"reason": REASON}),
    "en_route": _step("en-route"),
    "arrive": _step("arrive"),
    "start_work": _step("start-work"),
    "no_access": _step("no-access", {"reason": REASON}),
    "sign_off": _on_visit("sign-off", {"signer_name": "Taro Yamada"}),
    "undo_step": _on_visit("undo-step", {"reason": REASON}),
    "notes": _step("notes", {"text": "Disk 3 replaced."}),
    "photos": lambda a, r, v, p: a.client.post(
        f"/api/v1/visits/{v.public_id}/photos", {"file": _png()}
    ),
    "add_expense": lambda a, r, v, p: a.client.post(
        f"/api/v1/visits/{v.public_id}/expenses",
        {"description": "Taxi", "amount": "2400", "receipt": _png("receipt.png")},
    ),
}


def test_every_action_name_has_its_api_operation():
    assert set(REQUEST_CALLS) == set(REQUEST_ACTIONS)
    assert set(VISIT_CALLS) == set(VISIT_ACTIONS)


class Rollback(Exception):
    pass


def _last_audit_row():
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()


def _try(call) -> tuple[str, str]:
    """("done" | "repeat" | "refused", why), the call's changes always rolled back."""
    before = _last_audit_row()
    result = ("refused", "")
    try:
        with transaction.atomic():
            response = call()
            status = response.status_code
            assert status < 500, response.content
            if status >= 400:
                # Refusals are problem+json with a stable code, never an HTML page.
                assert response["Content-Type"].startswith(PROBLEM_JSON), response.content
                result = ("refused", f"{status} {response.json().get('code', '')}")
            else:
                result = ("done", "") if _last_audit_row() != before else ("repeat", "")
            raise Rollback
    except Rollback:
        pass
    return result


def _listed(api, request, visit) -> tuple[set[str], set[str]]:
    """The actions the API's request document gives this person (none if it is not theirs)."""
    response = api.get(f"requests/{request.public_id}")
    if response.status_code == 404:
        return set(), set()
    document = response.json()
    (visit_document,) = [v for v in document["visits"] if v["id"] == visit.public_id]
    return set(document["actions"]), set(visit_document["actions"])


def _disagreements(people, request, visit) -> list[str]:
    found = []
    for role, api in people.items():
        if role.startswith("_"):
            continue
        on_request, on_visit = _listed(api, request, visit)
        for calls, listed, kind in (
            (REQUEST_CALLS, on_request, "request"),
            (VISIT_CALLS, on_visit, "visit"),
        ):
            for action, call in calls.items():
                outcome, why = _try(lambda call=call, api=api: call(api, request, visit, people))
                if action in listed and outcome != "done":
                    found.append(f"{role} {kind}.{action}: offered, but {outcome} ({why})")
                if action not in listed and outcome == "done":
                    found.append(f"{role} {kind}.{action}: not offered, but accepted")
    return found


def _proposed(alice, carol, ken):
    request, _ = proposed(alice, carol, ken)
    return request


def _released_on_the_day(alice, carol, ken):
    request = released(alice, carol, ken)
    on_the_day()
    return request


def _en_route(alice, carol, ken):
    request = _released_on_the_day(alice, carol, ken)
    visit_services.visit_en_route(visit=request.visits.get(), by=ken)
    return request


def _working_after_the_start(alice, carol, ken):
    request = _en_route(alice, carol, ken)
    visit = request.visits.get()
    visit_services.visit_arrive(visit=visit, by=ken)
    visit_services.visit_start_work(visit=visit, by=ken)
    clock.set_now(VISIT_START + timedelta(hours=1))
    return request


def _completed(alice, carol, ken):
    return completed(
        alice, carol, ken, start="2026-12-08T10:00:00+09:00", signed_off="2026-12-08T12:00:00+09:00"
    )


def _invoiced(alice, carol, ken):
    request = _completed(alice, carol, ken)
    invoice_issue(request=request, by=get_user_model().objects.get(role="billing"))
    return request


STATES = {
    "proposed": (_proposed, "proposed", "planned"),
    "approved": (lambda a, c, k: approved(a, c, k), "approved", "planned"),
    "released_a_week_before": (lambda a, c, k: released(a, c, k), "released", "released"),
    "released_on_the_day": (_released_on_the_day, "released", "released"),
    "en_route": (_en_route, "in_progress", "en_route"),
    "working_after_the_start": (_working_after_the_start, "in_progress", "working"),
    "completed": (_completed, "completed", "signed_off"),
    "invoiced": (_invoiced, "invoiced", "signed_off"),
}


@pytest.mark.parametrize("state", list(STATES))
def test_the_documents_actions_are_what_the_api_then_accepts(people, alice, carol, ken, state):
    builder, request_status, visit_status = STATES[state]
    request = builder(alice, carol, ken)
    request.refresh_from_db()
    visit = request.visits.get()
    assert (request.status, visit.status) == (request_status, visit_status)

    found = _disagreements(people, request, visit)

    assert not found, "\n".join(found)


# --- what each person is offered, spelled out ---------------------------------------------------


def _actions(api, request):
    document = api.get(f"requests/{request.public_id}").json()
    return document["actions"], document["visits"][0]["actions"]


def test_a_proposal_offers_the_customer_its_answer_and_the_coordinator_its_withdrawal(
    alice_api, carol_api, ken_api, alice, carol, ken
):
    request = _proposed(alice, carol, ken)

    assert _actions(alice_api, request) == (
        ["approve", "attach", "cancel", "decline", "edit"],
        [],
    )
    assert _actions(carol_api, request) == (
        ["attach", "cancel", "decline", "record_call", "withdraw"],
        ["add_expense", "notes", "photos"],
    )
    # Not yet his: the engineer is only proposed.
    assert ken_api.get(f"requests/{request.public_id}").status_code == 404


def test_on_the_day_the_engineer_is_offered_his_first_step(
    alice_api, carol_api, ken_api, alice, carol, ken
):
    request = _released_on_the_day(alice, carol, ken)

    assert _actions(ken_api, request) == (
        ["attach"],
        ["add_expense", "en_route", "no_access", "notes", "photos"],
    )
    assert _actions(carol_api, request) == (
        ["attach", "cancel", "record_call"],
        [
            "add_engineer",
            "add_expense",
            "cancel",
            "en_route",
            "no_access",
            "notes",
            "photos",
            "reassign",
            "reschedule",
        ],
    )
    assert _actions(alice_api, request) == (["attach", "cancel"], ["ask_change"])


def test_a_short_notice_error_takes_approve_away_and_approval_is_refused(
    alice_api, alice, carol, ken
):
    request = _proposed(alice, carol, ken)
    clock.set_now(VISIT_START - timedelta(hours=12))

    assert "approve" not in _actions(alice_api, request)[0]
    response = REQUEST_CALLS["approve"](alice_api, request, None, None)
    assert response.status_code == 409
    assert response.json()["code"] == "open_errors"


def test_the_list_gives_each_request_the_same_actions_as_its_page(carol_api, alice, carol, ken):
    request = _released_on_the_day(alice, carol, ken)
    (item,) = carol_api.get("requests").json()["items"]
    assert (item["actions"], item["visits"][0]["actions"]) == _actions(carol_api, request)


def test_billing_is_offered_the_invoice_once_the_work_is_done(bill_api, alice, carol, ken):
    request = _completed(alice, carol, ken)
    assert _actions(bill_api, request) == (["issue_invoice"], [])


# --- engineers never see a price ----------------------------------------------------------------

PRICE_KEYS = {"estimate", "rate", "rates", "amount", "subtotal", "total", "price", "prices"}


def _keys(value):
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def _text(response) -> str:
    if response["Content-Type"].startswith("application/pdf"):
        return ""  # a customer's invoice PDF: its amounts are meant for the customer
    return response.content.decode()


def _walk(api, request_ids, visit_ids, invoice_id) -> list[tuple[str, int, str]]:
    """GET every endpoint a person can call: (path, status, body)."""
    paths = ["me", "requests", "visits", "sla", "invoices", "invoices/queue", "sites", "contacts"]
    paths += ["engineers", "calendar-feeds", "webhooks"]
    for rid in request_ids:
        paths += [f"requests/{rid}", f"requests/{rid}/availability"]
    paths += [f"visits/{vid}" for vid in visit_ids]
    paths += [f"invoices/{invoice_id}", f"invoices/{invoice_id}/pdf", "invoices/export.csv"]
    seen = []
    for path in paths:
        for language in ("en", "ja"):
            response = api.get(path, HTTP_ACCEPT_LANGUAGE=language)
            seen.append((path, response.status_code, _text(response)))
    return seen


def _price_leaks(seen) -> list[str]:
    leaks = []
    for path, status, body in seen:
        if "¥" in body or "円" in body:
            leaks.append(f"{path}: yen in the answer")
        try:
            document = json.loads(body)
        except ValueError:
            if status == 200:
                leaks.append(f"{path}: a {status} that is not JSON")
            continue
        found = {k for k in _keys(document) if k in PRICE_KEYS or k.startswith("tax")}
        if found:
            leaks.append(f"{path}: {sorted(found)}")
    return leaks


@pytest.fixture
def priced(alice, carol, ken, bill):
    """Ken on a released request with a priced proposal, and on a completed, invoiced one."""
    issuer()
    done = _completed(alice, carol, ken)
    invoice = invoice_issue(request=done, by=bill)
    clock.set_now(VISIT_START - timedelta(days=14))
    ahead = released(alice, carol, ken, visits=[{"scheduled_start": "2026-12-22T10:00:00+09:00"}])
    assert ahead.proposals.get().estimate["total"] > 0
    requests = [ahead, done]
    return (
        [r.public_id for r in requests],
        [r.visits.get().public_id for r in requests],
        invoice.public_id,
    )


def test_an_engineer_never_receives_a_rate_an_estimate_or_an_amount(ken_api, priced):
    seen = _walk(ken_api, *priced)

    assert _price_leaks(seen) == []
    # He did read his work: the walk is not a row of refusals.
    ok = {path for path, status, _ in seen if status == 200}
    assert {"requests", "visits", "me", f"requests/{priced[0][0]}"} <= ok
    assert {path for path, status, _ in seen if path.startswith("invoices/inv")} <= {
        path for path, status, _ in seen if status == 404
    }


def test_the_customer_does_see_the_estimate_so_the_walk_can_find_one(alice_api, priced):
    assert _price_leaks(_walk(alice_api, *priced)) != []
