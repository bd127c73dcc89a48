"""CSV export of invoices for the accountant: one row per document, UTF-8 with a BOM so that
Excel (the usual tool in a Japanese back office) opens it without garbling."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from genba.billing.models import Invoice

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
]


def invoices_csv(invoices: Iterable[Invoice]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([label for _key, label in COLUMNS])
    for invoice in invoices:
        writer.writerow(
            [
                invoice.number,
                invoice.kind,
                invoice.issue_date.isoformat(),
                invoice.due_date.isoformat(),
                invoice.recipient_name,
                invoice.request.public_id,
                invoice.reference,
                invoice.subtotal,
                invoice.tax_amount,
                invoice.total,
                invoice.tax_treatment,
                invoice.credits.number if invoice.credits_id else "",
                "yes" if invoice.is_late else "",
            ]
        )
    return out.getvalue()
