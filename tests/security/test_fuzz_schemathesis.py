"""schemathesis over the whole OpenAPI document, as a customer and as a coordinator (issue 11).

Every operation the document lists is called with generated input (valid and invalid), against the
Django app in-process (WSGI) on the demo data, and every answer must be: not a server error, a
status the document declares for that operation, the content type it declares, and a body matching
its declared schema. A second test walks the document's links (create a request, then read and
change it, ...) as a state machine.

Fixed seed, bounded examples: the run is the same on every machine and keeps `make test` short.
A longer campaign: FUZZ_EXAMPLES=500 FUZZ_SEED=<n> pytest tests/security/test_fuzz_schemathesis.py
(docs/security.md, "Fuzzing").
"""

from __future__ import annotations

import copy
import io
import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import close_old_connections, transaction
from django.test import override_settings
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from genba.accounts.models import ApiToken, User
from genba.core import clock
from tests.factories import NOW

SEED = int(os.environ.get("FUZZ_SEED", "20261125"))
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
STEPS = int(os.environ.get("FUZZ_STEPS", "10"))
# The demo's people: a customer of Acme and the provider's coordinator.
AS = {"customer": "alice@acme.example", "coordinator": "coord@genba.example"}


def _ids():
    """The public ids of the demo's objects, per path parameter, in creation order (the same
    order on every run, though the ids themselves are random)."""
    from genba.billing.models import Invoice
    from genba.dispatch.models import EngineerProfile, Proposal
    from genba.messaging.models import CalendarFeed
    from genba.messaging.webhooks.models import WebhookDelivery, WebhookEndpoint
    from genba.orders.models import Attachment, Visit
    from genba.orders.models import ServiceRequest as Request
    from genba.sites.models import Contact, Site

    def ids(model, field="public_id"):
        return list(model.objects.order_by("pk").values_list(field, flat=True))

    return {
        "request_id": ids(Request),
        "visit_id": ids(Visit),
        "proposal_id": ids(Proposal),
        "invoice_id": ids(Invoice),
        "site_id": ids(Site),
        "contact_id": ids(Contact),
        "attachment_id": ids(Attachment),
        "webhook_id": ids(WebhookEndpoint),
        "delivery_id": ids(WebhookDelivery),
        "feed_id": ids(CalendarFeed, "pk"),
        "engineer_id": ids(EngineerProfile),
    }


@pytest.fixture(scope="module")
def fuzz_world(django_db_setup, django_db_blocker):
    """The demo data, built once for the module inside a transaction rolled back at its end; each
    test (one operation, one caller) runs in a savepoint of it, so it starts from the same data."""
    overrides = override_settings(
        # schemathesis' WSGI client calls http://localhost/...
        ALLOWED_HOSTS=["localhost", "testserver"],
        # Thousands of calls a minute from one token: the rate limits (tested on their own in
        # test_throttle_*) would answer most of them 429 and hide what the fuzz looks for.
        GENBA_API_RATE_PER_TOKEN="",
        GENBA_API_RATE_PER_IP="",
        GENBA_API_AUTH_FAILURES_PER_IP="",
    )
    with django_db_blocker.unblock(), overrides, _connections_kept_open():
        clock.set_now(NOW)
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("demo", allow_production=True, stdout=io.StringIO())
            people = {role: User.objects.get(email=email) for role, email in AS.items()}
            _what_the_demo_lacks(people["customer"])
            tokens = {role: ApiToken.issue(user=user)[1] for role, user in people.items()}
            yield tokens, _ids()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            clock.set_now(None)


@contextmanager
def _connections_kept_open():
    """As Django's test client does: a request's end must not close the connection that holds the
    test's transaction (the WSGI handler would, through these two signals)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _what_the_demo_lacks(customer):
    """A webhook endpoint with a delivery, calendar feeds and an attachment, so that every path
    with an id has something real to find."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from genba.messaging import feeds
    from genba.messaging.webhooks import events, services
    from genba.orders.attachments import attachment_add
    from genba.orders.models import ServiceRequest as Request

    request = Request.objects.filter(organization=customer.organization).order_by("pk").first()
    services.endpoint_create(
        organization=customer.organization,
        by=customer,
        url="https://hooks.acme.example/genba",
        event_types=["request.submitted"],
    )
    events.publish(request, action="submitted", from_state="draft", to_state="submitted")
    feeds.feed_create(by=customer)
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    attachment_add(
        request=request,
        by=customer,
        upload=SimpleUploadedFile("rack.png", png, content_type="image/png"),
        kind="other",
    )


@pytest.fixture(params=sorted(AS))
def caller(request):
    return request.param


def _config():
    from schemathesis.config import SchemathesisConfig

    off = {"enabled": False}
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "generation": {"max-examples": EXAMPLES, "database": "none"},
            "checks": {
                "not_a_server_error": {"enabled": True},
                "status_code_conformance": {"enabled": True},
                "content_type_conformance": {"enabled": True},
                "response_schema_conformance": {"enabled": True},
                # Not what this test is for (each has its own tests or is a style question):
                # which headers a response carries, whether every invalid input is refused
                # (the API ignores unknown query parameters, on purpose), whether every
                # schema-valid input is accepted (a valid-looking id of nothing is a 404),
                # the Allow header of a 405, and the scoping checks (tests/api/test_scoping_api.py).
                "response_headers_conformance": off,
                "negative_data_rejection": off,
                "positive_data_acceptance": off,
                "missing_required_header": off,
                "unsupported_method": off,
                "allow_header_conformance": off,
                "use_after_free": off,
                "ensure_resource_availability": off,
                "ignored_auth": off,
            },
        }
    )


def _schema():
    """The document the API serves at /api/v1/openapi.json, called in-process (WSGI)."""
    from genba.api.router import api

    # A copy: schemathesis rewrites parts of the document in place (links), and django-ninja puts
    # the operations' `openapi_extra` dicts into it by reference.
    loaded = schemathesis.openapi.from_dict(
        copy.deepcopy(api.get_openapi_schema()), config=_config()
    )
    loaded.app = WSGIHandler()
    return loaded


# The ids of the current test's data, read when the path parameters are drawn.
REAL_IDS: dict[str, list] = {}
schema = _schema()


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    # Half the time, ids of real objects: a random string only ever meets a 404.
    if not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    real = {name: REAL_IDS[name] for name in path_parameters if REAL_IDS.get(name)}
    if not real:
        return st.just(path_parameters)
    picked = st.fixed_dictionaries({name: st.sampled_from(v) for name, v in real.items()})
    return st.one_of(st.just(path_parameters), picked.map(lambda p: {**path_parameters, **p}))


@pytest.fixture
def bearer(fuzz_world, caller, db):
    tokens, ids = fuzz_world
    REAL_IDS.clear()
    REAL_IDS.update(ids)
    yield {"Authorization": f"Bearer {tokens[caller]}"}
    REAL_IDS.clear()


SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@SETTINGS
def test_every_operation_answers_as_documented(case, bearer):
    case.call_and_validate(headers=bearer)


def test_the_links_as_a_state_machine(bearer):
    class Machine(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": bearer}

    Machine.run(settings=settings(SETTINGS, stateful_step_count=STEPS))
