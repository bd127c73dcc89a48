"""Invoice and credit-note PDFs (WeasyPrint), in Japanese or English, with the Japanese font
embedded from a Python package (Noto Sans CJK JP), so they render the same on any machine.

Rulebook §6: every date and time on the document is written in the policy's time zone and the zone
is named on it, whoever downloads it and whatever time zone is active: only the language of the
labels differs between readers."""

from __future__ import annotations

from importlib.resources import files

from django.template.loader import render_to_string

from genba.billing.models import Invoice
from genba.billing.templatetags.billing_format import (
    document_zone,
    time_range,
    zone_date,
    zone_note,
)

LABELS = {
    "ja": {
        "invoice": "請求書",
        "credit_note": "クレジットノート（返金・訂正）",
        "qualified": "適格請求書",
        "number": "請求書番号",
        "issue_date": "発行日",
        "due_date": "お支払期日",
        "reference": "ご発注番号",
        "registration": "登録番号",
        "recipient_suffix": "御中",
        "request": "作業依頼",
        "date": "訪問日",
        "description": "内容",
        "hours": "時間",
        "engineers": "人数",
        "rate": "単価（円/時）",
        "multiplier": "倍率",
        "amount": "金額（円）",
        "after_hours": "時間外",
        "overtime": "延長",
        "business": "営業時間内",
        "expense": "経費",
        "travel_time": "移動時間",
        "travel_fee": "出張費（地域定額）",
        "estimate": "ご承認いただいたお見積りとの対比",
        "estimate_total": "お見積り金額（税込）",
        "estimate_travel": "交通費・経費（お見積り）",
        "travel_actual": "交通費・経費（実費、本請求）",
        "onsite_work": "オンサイト作業",
        "overtime_work": "延長作業",
        "subtotal": "小計（税抜）",
        "tax_base": "10%対象",
        "tax": "消費税（10%）",
        "total": "ご請求金額（税込）",
        "exempt": "輸出免税（消費税なし）",
        "bank": "お振込先",
        "branch": "支店",
        "account": "口座",
        "holder": "口座名義",
        "fee_customer": "振込手数料はお客様のご負担でお願いいたします。",
        "fee_provider": "振込手数料は当社が負担いたします。",
        "credits": "訂正対象の請求書",
        "reason": "理由",
        "terms": "お支払条件",
        "greeting": "下記のとおりご請求申し上げます。",
        "yen": "円",
        "terms_end_of_next_month": "発行月の翌月末日払い",
        "terms_net_days": "発行日から%(days)s日以内",
    },
    "en": {
        "invoice": "Invoice",
        "credit_note": "Credit note",
        "qualified": "Qualified invoice",
        "number": "Invoice no.",
        "issue_date": "Issue date",
        "due_date": "Due date",
        "reference": "Your reference",
        "registration": "Registration no.",
        "recipient_suffix": "",
        "request": "Service request",
        "date": "Date",
        "description": "Description",
        "hours": "Hours",
        "engineers": "Engineers",
        "rate": "Rate (JPY/h)",
        "multiplier": "Multiplier",
        "amount": "Amount (JPY)",
        "after_hours": "after-hours",
        "overtime": "overtime",
        "business": "business hours",
        "expense": "Expense",
        "travel_time": "Travel time",
        "travel_fee": "Travel: zone flat fee",
        "estimate": "Against the approved estimate",
        "estimate_total": "Estimate approved (incl. tax)",
        "estimate_travel": "Travel and expenses, estimated",
        "travel_actual": "Travel and expenses, actual (this invoice)",
        "onsite_work": "On-site work",
        "overtime_work": "Overtime",
        "subtotal": "Subtotal (excl. tax)",
        "tax_base": "Taxable at 10%",
        "tax": "Consumption tax (10%)",
        "total": "Total (incl. tax)",
        "exempt": "Export exemption: no consumption tax",
        "bank": "Bank transfer to",
        "branch": "Branch",
        "account": "Account",
        "holder": "Account holder",
        "fee_customer": "Transfer fees are borne by the customer.",
        "fee_provider": "Transfer fees are borne by us.",
        "credits": "Corrects invoice",
        "reason": "Reason",
        "terms": "Payment terms",
        "greeting": "Please find our invoice below.",
        "yen": "JPY",
        "terms_end_of_next_month": "end of the month after issue",
        "terms_net_days": "within %(days)s days of issue",
    },
}


def font_paths() -> dict[str, str]:
    return {
        "regular": str(files("noto_cjk_sans_jp_regular") / "NotoSansCJKjp-Regular.otf"),
        "bold": str(files("noto_cjk_sans_jp_bold") / "NotoSansCJKjp-Bold.otf"),
    }


def _printed_moments(invoice: Invoice, lines) -> list:
    """The instants whose zone abbreviation the note names: the lines' times, or the issue time
    for a document without timed lines."""
    moments = [m for line in lines for m in (line.start, line.end) if m is not None]
    return moments or [invoice.issued_at]


def render_invoice_html(invoice: Invoice, language: str = "ja") -> str:
    language = "ja" if language.startswith("ja") else "en"
    zone = document_zone(invoice)
    lines = list(invoice.lines.all())
    for line in lines:
        # Formatted here, not with the template's `date`/`time` filters: those convert to the
        # active (viewer's) time zone first.
        line.day = zone_date(line.start, zone) if line.start else zone_date(line.visit_date, zone)
        line.time_range = time_range(line.start, line.end, zone) if line.start else ""
    labels = LABELS[language]
    code, _sep, days = invoice.payment_terms.partition(":")
    terms = (
        labels[f"terms_{code}"] % {"days": days}
        if f"terms_{code}" in labels
        else invoice.payment_terms
    )
    return render_to_string(
        "billing/invoice.html",
        {
            "invoice": invoice,
            "lines": lines,
            "L": labels,
            "terms": terms,
            "language": language,
            "fonts": font_paths(),
            "issuer": invoice.issuer,
            "credited": invoice.credits,
            "zone": zone,
            "zone_note": zone_note(zone, _printed_moments(invoice, lines), language),
        },
    )


def render_invoice_pdf(invoice: Invoice, language: str = "ja") -> bytes:
    from weasyprint import HTML  # imported here: loading Pango costs a second at start-up

    return HTML(string=render_invoice_html(invoice, language)).write_pdf()
