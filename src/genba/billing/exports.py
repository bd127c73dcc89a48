"""CSV export of invoices for the accountant: one row per document, UTF-8 with a BOM so that
Excel (the usual tool in a Japanese back office) opens it without garbling.

Rulebook §6: every export is written in the policy's time zone and names it. Each row carries its
document's zone (one export may hold documents of several policies) and its instants as ISO 8601
with that zone's offset, never in the time zone active for whoever downloads it.

Formula injection (OWASP "CSV injection"): a text cell that a spreadsheet would read as a formula
(`=HYPERLINK(...)` in a customer's PO reference) is written with a leading apostrophe, which Excel
and LibreOffice show as plain text. Numbers are written as numbers: a credit note's -26400 stays a
number that sums, only text is neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.db.models import QuerySet

from genba.billing.models import Invoice
from genba.billing.templatetags.billing_format import document_zone, zone_date, zone_timestamp

COLUMNS = [
    ("number", "番号 Number"),
    ("kind", "種別 Kind"),
    ("issue_date", "発行日 Issue date"),
    ("due_date", "支払期日 Due date"),
    ("customer", "請求先 Customer"),
    ("request", "作業依頼 Request"),
    ("reference", "発注番号 Reference"),
    ("subtotal", "小計 Subtotal"),
    ("tax", "消費税 Tax"),
    ("total", "合計 Total"),
    ("tax_treatment", "課税区分 Tax treatment"),
    ("credits", "訂正対象 Credits"),
    ("late", "期限超過 Late"),
    # Added at the end, so that sheets reading the columns above by position keep working.
    ("issued_at", "発行日時 Issued at"),
    ("deadline_at", "発行期限 Invoice deadline"),
    ("time_zone", "タイムゾーン Time zone"),
]


# What makes a spreadsheet read a cell as a formula (OWASP): = + - @, and a tab or a carriage return
# (which some spreadsheets strip before looking at the first character). The full-width forms are a
# precaution: the sheet is opened in Japan, where an IME may turn ＝ into = on the way into a cell.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def cell(value):
    """A value as a CSV cell: text that could start a formula gets a leading apostrophe; numbers
    (ints, Decimals: amounts, negative ones on credit notes) and empty cells are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_row(values) -> list:
    """Every row Genba writes to a CSV goes through here (see `cell`)."""
    return [cell(value) for value in values]


def invoices_csv(invoices: Iterable[Invoice]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(safe_row(label for _key, label in COLUMNS))
    if isinstance(invoices, QuerySet):
        invoices = invoices.select_related("request__policy", "credits")
    for invoice in invoices:
        zone = document_zone(invoice)
        writer.writerow(
            safe_row(
                [
                    invoice.number,
                    invoice.kind,
                    zone_date(invoice.issue_date, zone),
                    zone_date(invoice.due_date, zone),
                    invoice.recipient_name,
                    invoice.request.public_id,
                    invoice.reference,
                    invoice.subtotal,
                    invoice.tax_amount,
                    invoice.total,
                    invoice.tax_treatment,
                    invoice.credits.number if invoice.credits_id else "",
                    "yes" if invoice.is_late else "",
                    zone_timestamp(invoice.issued_at, zone),
                    zone_timestamp(invoice.deadline_at, zone),
                    zone.key,
                ]
            )
        )
    return out.getvalue()
