"""Issue 11: a customer `reference` of `=HYPERLINK(...)` went unchanged into the billing CSV
(formula injection). Text cells a spreadsheet would take for a formula are written with a leading
apostrophe (OWASP); numbers, the negative amounts of credit notes included, stay numbers."""

from __future__ import annotations

import csv
import io

import pytest

from genba.accounts.models import Organization
from genba.billing import services
from genba.billing.exports import cell, invoices_csv
from genba.billing.models import Invoice
from tests.billing.helpers import completed, issuer

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd", "@SUM(1)", "-1+2"]


@pytest.fixture(autouse=True)
def _issuer(db):
    issuer()


def rows(text: str) -> dict[str, dict[str, str]]:
    """The CSV as a spreadsheet reads its cells: by document number, by column label."""
    assert text.startswith("\ufeff")
    reader = csv.DictReader(io.StringIO(text[1:]))
    return {row["番号 Number"]: row for row in reader}


def invoiced(alice, carol, ken, bill, reference: str) -> Invoice:
    request = completed(
        alice,
        carol,
        ken,
        start="2026-12-01T10:00:00+09:00",
        signed_off="2026-12-01T12:00:00+09:00",
        reference=reference,
    )
    return services.invoice_issue(request=request, by=bill)


@pytest.mark.parametrize("reference", HOSTILE)
def test_a_reference_that_starts_a_formula_is_written_as_text(
    alice, carol, ken, bill, ecorpone, reference
):
    invoice = invoiced(alice, carol, ken, bill, reference)
    assert invoice.reference == reference  # stored as the customer wrote it

    row = rows(invoices_csv(Invoice.objects.all()))[invoice.number]
    assert row["発注番号 Reference"] == "'" + reference
    assert row["合計 Total"] == str(invoice.total)


def test_the_customer_name_is_neutralised_too_and_credit_note_amounts_stay_numbers(
    alice, carol, ken, bill, ecorpone
):
    Organization.objects.filter(pk=alice.organization_id).update(name="=cmd|' /C calc'!A0")
    invoice = invoiced(alice, carol, ken, bill, "PO-4711")
    note = services.credit_note_issue(invoice=invoice, by=bill, reason="wrong rate")

    table = rows(invoices_csv(Invoice.objects.all()))
    assert table[invoice.number]["請求先 Customer"] == "'=cmd|' /C calc'!A0"
    assert table[invoice.number]["発注番号 Reference"] == "PO-4711"  # ordinary text untouched
    credit = table[note.number]
    assert note.total < 0
    # A negative amount is a number, not text: no apostrophe, so the sheet can sum it.
    assert credit["小計 Subtotal"] == str(note.subtotal)
    assert credit["消費税 Tax"] == str(note.tax_amount)
    assert credit["合計 Total"] == str(note.total)
    assert credit["合計 Total"].startswith("-")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+cmd", "'+cmd"),
        ("@SUM(1)", "'@SUM(1)"),
        ("-1+2", "'-1+2"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("＝1+1", "'＝1+1"),
        ("PO-4711", "PO-4711"),
        ("", ""),
        (-26400, -26400),
        (0, 0),
    ],
)
def test_cell(value, written):
    assert cell(value) == written
