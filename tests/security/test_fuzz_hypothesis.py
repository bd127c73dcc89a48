"""Generated bad input never escapes as an exception (issue 11): the quote document (`genba quote`
and POST /api/v1/quotes), the e-mail order template reader, and every input schema of the API,
the pages and e-mail intake answer with a value or with their own refusal.

Random JSON, numbers far past any bound, nesting up to (and past) the parser's depth limit, NUL and
other control characters, odd Unicode (surrogates, bidi overrides, full-width digits, combining
marks). Fixed seed (derandomize) and bounded examples: the same inputs on every run; a longer
campaign locally: FUZZ_EXAMPLES=5000 pytest tests/security/test_fuzz_hypothesis.py.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import pkgutil
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic import ValidationError as PydanticValidationError

from genba.core.json_limits import MAX_JSON_DEPTH
from genba.messaging.intake import template
from genba.pricing.document import parse_document, parse_text
from genba.pricing.engine import PricingError, price

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# --- bad input -----------------------------------------------------------------------------------

ODD_TEXT = st.sampled_from(
    [
        "\x00",
        "a\x00b",
        "\r\nBcc: x@example.com",
        "\x1b[31m",
        "\u202etxt.exe",  # right-to-left override
        "\ud800",  # a lone surrogate
        "\ufeff",
        "\u2028",
        "e\u0301" * 50,  # combining marks
        "１２３４５",  # full-width digits
        "９９９９-１２-３１",
        "𝟗𝟗𝟗𝟗",
        '=HYPERLINK("http://x")',
        "javascript:alert(1)",
        "' OR 1=1 --",
        "{{ 7*7 }}",
        "%s%n",
        "x" * 5000,
    ]
)
TEXT = st.one_of(st.text(max_size=60), st.text(st.characters(codec="utf-8"), max_size=20), ODD_TEXT)
HUGE_NUMBERS = st.sampled_from(
    [
        10**30,
        -(10**30),
        2**63,
        2**64 + 1,
        10**400,
        1e308,
        -1e308,
        5e-324,
        float("inf"),
        float("-inf"),
        float("nan"),
        Decimal("1e1000000"),
        Decimal("-1e-1000000"),
        Decimal("NaN"),
        Decimal("sNaN"),
        Decimal("Infinity"),
    ]
)
ODD_INSTANTS = st.sampled_from(
    [
        "9999-12-31T23:59:59+09:00",
        "0001-01-01T00:00:00+09:00",
        "0001-01-01T00:00:00-23:59",
        "9999-12-31T23:59:59-23:59",
        "2027-02-30T10:00:00+09:00",
        "2027-02-02T25:00:00+09:00",
        "2027-02-02T10:00:00",
        "2027-02-02T10:00:00+99:00",
        "2027-02-02",
        "10000-01-01T00:00:00Z",
        "-2027-01-01T00:00:00Z",
        "1e1000000",
        "",
    ]
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    HUGE_NUMBERS,
    TEXT,
    ODD_INSTANTS,
)


def json_like(leaves=SCALARS, max_leaves=12):
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(
                st.one_of(TEXT, st.sampled_from(["id", "visits", "0"])), children, max_size=4
            ),
        ),
        max_leaves=max_leaves,
    )


def nested(depth: int, leaf="1") -> str:
    """A JSON text nested `depth` levels deep (arrays and objects alternating)."""
    text = leaf
    for level in range(depth):
        text = f"[{text}]" if level % 2 else f'{{"a": {text}}}'
    return text


# --- the quote document ------------------------------------------------------------------------

QUOTE_KEYS = ["policy", "policy_overrides", "rates", "tax_treatment", "visits"]
VISIT_KEYS = [
    "scheduled_start",
    "scheduled_end",
    "started_at",
    "completed_at",
    "skill_level",
    "engineers",
    "reserved_hours",
    "expenses",
    "urgency",
    "sla",
    "no_access",
    "cancelled_at",
]


def shaped(keys, values):
    """Objects with the keys a reader looks for (so generated values reach its checks)."""
    return st.dictionaries(st.sampled_from(keys), values, max_size=len(keys))


QUOTE_VALUES = st.one_of(
    SCALARS,
    st.sampled_from(["ecorpone", "tokyo-its", "standard", "exempt", "entry", "senior"]),
    shaped(["entry", "senior", "specialist"], SCALARS),
    st.lists(shaped(VISIT_KEYS, st.one_of(SCALARS, json_like(max_leaves=4))), max_size=3),
    json_like(max_leaves=6),
)
QUOTE_DOCUMENTS = st.one_of(shaped(QUOTE_KEYS, QUOTE_VALUES), json_like())


def _dumps(value) -> str:
    """JSON text of generated data, including what json.dumps would refuse (Decimals, bare NaN)."""
    return json.dumps(value, default=str, ensure_ascii=False)


def _price_if_read(text):
    request, problems = parse_text(text)
    assert (request is None) == bool(problems)
    assert all(isinstance(line, str) and line for line in problems)
    if request is not None:
        try:
            price(
                request.policy, request.rates, request.visits, tax_treatment=request.tax_treatment
            )
        except PricingError:
            pass


@FUZZ
@given(QUOTE_DOCUMENTS)
def test_the_quote_document_reads_or_names_its_problems(document):
    _price_if_read(_dumps(document))


@FUZZ
@given(QUOTE_DOCUMENTS)
def test_the_quote_document_as_data_reads_or_names_its_problems(document):
    # `parse_document` directly: values JSON cannot carry (Decimal NaN, 1e1000000, inf) included.
    request, problems = parse_document(document)
    assert (request is None) == bool(problems)


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200),
        st.builds(
            lambda d, leaf: nested(d, leaf),
            st.integers(0, MAX_JSON_DEPTH + 8),
            st.sampled_from(["1", "1e1000000", "NaN", '"\\u0000"', "-0", "[]"]),
        ),
        st.builds(
            lambda literal: (
                '{"policy": "ecorpone", "rates": {"senior": ' + literal + '}, "visits": [{}]}'
            ),
            st.sampled_from(
                ["1e1000000", "1" * 5000, "-1e-400", "NaN", "Infinity", "0x10", "1_000", "１"]
            ),
        ),
    )
)
def test_the_quote_text_reads_or_names_its_problems(text):
    _price_if_read(text)


# --- the e-mail order template -----------------------------------------------------------------

LABELS = sorted(template.LABELS)


def _line(label, value, bullet, colon):
    return f"{bullet}{label}{colon} {value}"


TEMPLATE_LINES = st.one_of(
    st.builds(
        _line,
        st.sampled_from(LABELS),
        st.one_of(TEXT, ODD_INSTANTS, HUGE_NUMBERS.map(str), st.integers().map(str)),
        st.sampled_from(["", "- ", "・", "1. ", "① ", "  "]),
        st.sampled_from([":", "：", ""]),
    ),
    TEXT,
    st.sampled_from(
        ["-- ", "以上", "> quoted", "-----Original Message-----", "Submit: yes", "送信: はい"]
    ),
)


@FUZZ
@given(st.lists(TEMPLATE_LINES, max_size=25), st.sampled_from(["\n", "\r\n", "\r", "\u2028"]))
def test_the_mail_template_reads_or_names_its_problems(lines, newline):
    from genba.orders.inputs import RequestIn

    parsed = template.parse(newline.join(lines))
    assert isinstance(parsed.data, dict)
    for problem in parsed.problems:
        assert problem.message("en") and problem.message("ja")
    # What intake does next: the shared input schema takes it or names the bad fields.
    try:
        RequestIn.model_validate(parsed.data)
    except PydanticValidationError:
        pass


@FUZZ
@given(st.text(max_size=400))
def test_the_mail_template_reads_any_text(text):
    assert isinstance(template.parse(text).data, dict)


# --- every input schema --------------------------------------------------------------------------


def input_schemas() -> list[type[BaseModel]]:
    """The input classes of the API, the pages and e-mail intake: `...In` and `...Filters`."""
    import genba.api

    modules = ["genba.orders.inputs"] + [
        f"genba.api.{info.name}" for info in pkgutil.iter_modules(genba.api.__path__)
    ]
    found = []
    for name in modules:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseModel)
                and value.__module__ == name
                and attr.endswith(("In", "Filters"))
                and value.model_fields
            ):
                found.append(value)
    return found


def test_the_schemas_under_test_are_all_there():
    names = {schema.__name__ for schema in input_schemas()}
    assert {"RequestIn", "SiteIn", "ContactIn", "VisitIn", "EquipmentIn", "PaperworkIn"} <= names
    assert {"ProposeIn", "ReassignIn", "RescheduleIn", "WebhookIn", "RequestFilters"} <= names


def _field_values(schema: type[BaseModel]):
    """Objects with the schema's own field names (and nested schemas' names) as keys."""
    names = set(schema.model_fields)
    for field in schema.model_fields.values():
        for arg in getattr(field.annotation, "__args__", ()) + (field.annotation,):
            if inspect.isclass(arg) and issubclass(arg, BaseModel):
                names |= set(arg.model_fields)
    keys = sorted(names)
    inner = st.one_of(SCALARS, shaped(keys, SCALARS), st.lists(shaped(keys, SCALARS), max_size=3))
    return st.one_of(shaped(keys, inner), json_like())


@pytest.mark.parametrize("schema", input_schemas(), ids=lambda schema: schema.__name__)
def test_every_input_schema_takes_or_refuses_bad_input(schema):
    @FUZZ
    @given(_field_values(schema))
    def check(value):
        try:
            schema.model_validate(value)
        except PydanticValidationError:
            pass
        try:
            schema.model_validate_json(_dumps(value))
        except PydanticValidationError:
            pass

    check()
