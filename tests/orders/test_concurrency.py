"""Two clients at once: the row lock makes a transition happen exactly once (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from genba.core.models import AuditEvent
from genba.dispatch import services as dispatch
from genba.orders import services
from genba.orders.models import RequestStatus
from tests.orders.helpers import proposed, reload, submitted


def _race(times: int, action):
    """Run `action` from `times` threads released together; return their results or errors."""
    barrier = threading.Barrier(times)
    results: list = []

    def worker():
        try:
            barrier.wait()
            results.append(action())
        except Exception as exc:  # collected for the assertions
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_approve_once(on_postgres, alice, carol, ken):
    request, proposal = proposed(alice, carol, ken)
    results = _race(4, lambda: dispatch.proposal_approve(proposal=proposal, by=alice))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert reload(request).status == RequestStatus.APPROVED
    assert AuditEvent.objects.filter(object_id=request.public_id, action="approved").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_cancel_and_approve_cannot_both_win(on_postgres, alice, carol, ken):
    request, proposal = proposed(alice, carol, ken)
    actions = iter(
        [
            lambda: dispatch.proposal_approve(proposal=proposal, by=alice),
            lambda: services.request_cancel(request=request, by=alice, reason="changed plans"),
        ]
    )
    lock = threading.Lock()

    def next_action():
        with lock:
            action = next(actions)
        return action()

    results = _race(2, next_action)
    request = reload(request)
    if request.status == RequestStatus.CANCELLED:
        # Cancel ran first (nothing charged) and the approval was refused, or approval ran first
        # and the cancellation after it was charged: never an approved-and-cancelled-for-free mix.
        assert request.cancellation_charged == (reload(proposal).status == "approved")
    else:
        assert request.status == RequestStatus.APPROVED
    assert len(results) == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_submit_once(on_postgres, alice):
    request = submitted(alice)
    type(request).objects.filter(pk=request.pk).update(status=RequestStatus.DRAFT)
    results = _race(4, lambda: services.request_submit(request=request, by=alice))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert AuditEvent.objects.filter(object_id=request.public_id, action="submitted").count() == 2
