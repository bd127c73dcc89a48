"""The bounds of genba.core.bounds, checked where they are declared: each input string is as long
as its column, the checks refuse what no database stores, `genba quote` reads within the limits."""

from __future__ import annotations

import io
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from pydantic import ValidationError

from genba.core import bounds, clock
from genba.core.json_limits import JsonRefused, NumberOutOfRange, load_json
from genba.orders import models as order_models
from genba.orders.inputs import ContactIn, EquipmentIn, PaperworkIn, RequestIn, SiteIn
from genba.pricing.document import parse_text
from genba.sites import models as site_models


def schema_max_length(schema, name: str) -> int | None:
    properties = schema.model_json_schema()["properties"][name]
    options = properties.get("anyOf", [properties])
    lengths = [o.get("maxLength") for o in options if o.get("type") == "string"]
    return lengths[0] if lengths else None


COLUMNS = (
    [
        (RequestIn, order_models.ServiceRequest, name)
        for name in ("title", "reference", "datacenter_reference")
    ]
    + [
        (SiteIn, site_models.Site, name)
        for name in (
            "name",
            "company_name",
            "postal_code",
            "prefecture",
            "city",
            "street",
            "building",
            "floor",
            "room",
            "maps_url",
        )
    ]
    + [
        (ContactIn, site_models.Contact, name)
        for name in ("name", "company", "email", "skype", "whatsapp", "line")
    ]
    + [
        (EquipmentIn, order_models.EquipmentLine, name)
        for name in ("make", "model", "serial", "description")
    ]
    + [(PaperworkIn, order_models.PaperworkItem, "description")]
)


@pytest.mark.parametrize(("schema", "model", "name"), COLUMNS)
def test_each_string_is_as_long_as_its_column(schema, model, name):
    assert schema_max_length(schema, name) == model._meta.get_field(name).max_length


def test_a_contacts_phone_is_as_long_as_the_column_that_keeps_it_as_typed():
    column = site_models.Contact._meta.get_field("phone_input").max_length
    assert schema_max_length(ContactIn, "phone") == column


def test_items_to_bring_are_as_long_as_their_column():
    items = RequestIn.model_json_schema()["properties"]["items_to_bring"]["items"]
    assert items["maxLength"] == order_models.ItemToBring._meta.get_field("name").max_length


def test_a_string_one_longer_than_its_column_is_refused():
    for schema, model, name in COLUMNS:
        length = model._meta.get_field(name).max_length
        value = "https://x.example/" + "a" * length if name == "maps_url" else "a" * (length + 1)
        with pytest.raises(ValidationError) as raised:
            schema.model_validate({name: value})
        assert raised.value.errors()[0]["loc"] == (name,), name


@pytest.mark.parametrize(
    "char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\ud800", "\n", "\r", "\t"]
)
def test_one_line_text_refuses_control_characters(char):
    with pytest.raises(bounds.OutOfBounds):
        bounds.check_text(f"a{char}b", max_length=10, multiline=False)


def test_multi_line_text_keeps_line_breaks_and_tabs_only():
    assert bounds.check_text(" a\r\nb\tc ", max_length=10, multiline=True) == "a\r\nb\tc"
    for char in ("\x00", "\x0b", "\x1b", "\ud800"):
        with pytest.raises(bounds.OutOfBounds):
            bounds.check_text(f"a{char}b", max_length=10, multiline=True)


def test_the_planning_window_is_a_year_back_and_two_ahead():
    now = clock.now()
    assert bounds.check_planned(now - timedelta(days=365)) and bounds.check_planned(
        now + timedelta(days=730)
    )
    for moment in (now - timedelta(days=366), now + timedelta(days=731)):
        with pytest.raises(bounds.OutOfBounds):
            bounds.check_planned(moment)


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "http://maps.app.goo.gl/x", "https://", "https:// x", "//x.example"],
)
def test_only_https_links_pass(url):
    with pytest.raises(bounds.OutOfBounds):
        bounds.check_https_url(url)
    assert bounds.https_href(url) == ""


def test_an_https_link_passes_and_is_an_href():
    url = "https://maps.app.goo.gl/abc123"
    assert bounds.check_https_url(url) == url and bounds.https_href(url) == url


# --- JSON limits ------------------------------------------------------------------------------


def test_json_limits_refuse_depth_size_numbers_and_nul_quickly():
    started = time.monotonic()
    cases = {
        "[" * 100_000 + "]" * 100_000: "too_deep",
        "[" * 33 + "]" * 33: "too_deep",
        '{"a": 1e1000000}': "number_out_of_range",
        '{"a": ' + "9" * 31 + "}": "number_out_of_range",
        '{"a": NaN}': "not_a_number",
        '{"a": "x\\u0000"}': "control_character",
        " " * (bounds.MAX_JSON_BYTES + 1): "too_large",
    }
    for text, code in cases.items():
        with pytest.raises(JsonRefused) as raised:
            load_json(text)
        assert raised.value.code == code
    assert time.monotonic() - started < 2
    assert load_json("[" * 32 + "]" * 32) is not None


def test_a_big_number_in_a_quote_document_is_kept_for_its_field_to_refuse():
    data = load_json('{"rate": 1e400}', decimals=True, keep_big_numbers=True)
    assert isinstance(data["rate"], NumberOutOfRange)


QUOTE = (
    '{"policy": "tokyo-its", "rates": {"senior": RATE}, "visits": [{"scheduled_start": '
    '"2026-12-08T10:00:00+09:00", "reserved_hours": 3, "outcome": "completed", '
    '"completed_at": "2026-12-08T12:00:00+09:00", "skill_level": "senior"}]}'
)


@pytest.mark.parametrize("rate", ["1e1000000", "1e400", "10000001"])
def test_the_quote_document_refuses_a_huge_rate_naming_it(rate):
    started = time.monotonic()
    request, problems = parse_text(QUOTE.replace("RATE", rate))
    assert request is None and problems == ["rates.senior: must be at most 10000000 yen"]
    assert time.monotonic() - started < 1


def test_genba_quote_refuses_1e400_in_one_line_with_status_2():
    stderr = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("quote", stdin=io.StringIO(QUOTE.replace("RATE", "1e400")), stderr=stderr)
    assert exited.value.code == 2
    assert stderr.getvalue().strip() == "rates.senior: must be at most 10000000 yen"


def test_genba_quote_refuses_a_deep_document():
    stderr = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("quote", stdin=io.StringIO("[" * 100_000 + "]" * 100_000), stderr=stderr)
    assert "nested deeper than 32" in stderr.getvalue()


def test_intake_reads_numbers_of_thousands_of_digits_as_unreadable_not_a_crash():
    from genba.messaging.intake.values import parse_count, parse_hours, parse_urgency

    assert parse_hours("9" * 40 + " hours") is None
    assert parse_count("9" * 5000) is None and parse_urgency("9" * 5000) is None
    assert parse_hours("3.5h") == Decimal("3.50") and parse_count("2 engineers") == 2
