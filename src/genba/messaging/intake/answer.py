"""The answer to a customer's mail: its texts in English and Japanese, its body, and its sending.

`Report` collects what became of one mail (the lead lines, the problems and readings to check, the
files kept or refused) and writes the answer in the mail's language, with the request's open
findings and how to change it. `REFUSAL` answers a sender who is not a customer user. The answer is
sent only after the transaction commits, so a rolled-back change is never confirmed. Kept apart
from process.py so that the wording can change without touching the steps.
"""

from __future__ import annotations

import logging
from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction

from genba.messaging.intake import template
from genba.orders import selectors
from genba.orders.models import ServiceRequest

logger = logging.getLogger(__name__)

_T: dict[str, dict[str, str]] = {
    "greeting": {"en": "Hello {name},", "ja": "{name} 様"},
    "created": {
        "en": "Thank you for your order. We have recorded it as request {ref}.",
        "ja": "ご依頼ありがとうございます。依頼番号 {ref} として登録いたしました。",
    },
    "updated": {
        "en": "Thank you. We have updated request {ref} with your e-mail.",
        "ja": "ありがとうございます。お送りいただいた内容で依頼 {ref} を更新いたしました。",
    },
    "nothing_read": {
        "en": "Your e-mail about request {ref} had no template lines, so the request was not changed.",
        "ja": "依頼 {ref} についてのメールにテンプレートの項目が見つからなかったため、依頼は変更されていません。",
    },
    "submitted": {
        "en": "The request is submitted: a coordinator will check it, ask you for anything "
        "missing, and come back to you with a proposal.",
        "ja": "ご依頼は送信済みです。担当コーディネーターが内容を確認し、不足があればお問い合わせした"
        "うえで、ご提案をお送りいたします。",
    },
    "draft": {
        "en": "The request is saved as a draft. When it is complete, reply with the line "
        "“Submit / 送信: yes” and we will start arranging the visit.",
        "ja": "ご依頼は下書きとして保存されています。内容がそろいましたら「Submit / 送信: はい」の行を"
        "付けてご返信ください。手配を開始いたします。",
    },
    "status": {"en": "Status: {status}.", "ja": "ステータス：{status}"},
    "not_editable": {
        "en": "Request {ref} is {status}, so it can no longer be changed by e-mail, and nothing in it "
        "was changed. If something must change, please call us or tell your coordinator.",
        "ja": "依頼 {ref} は「{status}」のため、メールでは変更できません。内容は変更されていません。"
        "変更が必要な場合は、お電話または担当コーディネーターまでご連絡ください。",
    },
    "unknown_request": {
        "en": "We could not find request {ref} in your organization, so nothing was changed. Please "
        "check the number in the subject, or send a new order without it.",
        "ja": "貴社の依頼に {ref} が見つからなかったため、何も変更されていません。件名の依頼番号をご確認"
        "いただくか、依頼番号を付けずに新しいご依頼をお送りください。",
    },
    "no_order": {
        "en": "We could not find an order in your e-mail: it has none of the template's labels, so no "
        "request was created. Please copy the template below, fill it in and send it again.",
        "ja": "メールにご依頼テンプレートの項目が見つからなかったため、依頼は作成されていません。"
        "下のテンプレートをコピーしてご記入のうえ、再度お送りください。",
    },
    "failed": {
        "en": "We could not record your e-mail: {error}",
        "ja": "メールの内容を登録できませんでした：{error}",
    },
    "missing": {
        "en": "Still missing or to be corrected:",
        "ja": "不足している項目・修正が必要な項目：",
    },
    "check": {"en": "Please check:", "ja": "ご確認ください："},
    "info": {"en": "For your information:", "ja": "ご参考："},
    "complete": {
        "en": "Nothing is missing: the order is complete.",
        "ja": "不足している項目はありません。ご依頼の内容はそろっています。",
    },
    "read_as": {
        "en": "Please check how we read these lines:",
        "ja": "次の行の読み取り方をご確認ください：",
    },
    "unread": {
        "en": "We could not read these lines; they were left out:",
        "ja": "次の行は読み取れなかったため、反映されていません：",
    },
    "files_kept": {"en": "Files kept with the request:", "ja": "依頼に保存したファイル："},
    "files_refused": {"en": "Files not accepted:", "ja": "受け付けられなかったファイル："},
    "files_not_kept": {
        "en": "The attached files were not kept, because no request was created or changed.",
        "ja": "依頼が作成・変更されなかったため、添付ファイルは保存されていません。",
    },
    "how_to_change": {
        "en": "To change the request, reply to this e-mail with only the lines that change (for "
        "example “PO number / 発注番号: PO-1234”), keeping [{ref}] in the subject. A list you send "
        "(equipment, items to bring, paperwork) replaces the one on the request.",
        "ja": "変更する場合は、変更する行だけを書いてこのメールにご返信ください（例：「PO number / "
        "発注番号: PO-1234」）。件名の [{ref}] はそのままにしてください。機器・持参品・書類の一覧は、"
        "お送りいただいた一覧で置き換えられます。",
    },
    "link": {"en": "Request: {url}", "ja": "依頼の詳細：{url}"},
    "template": {
        "en": "The order template (English and Japanese labels; either works):",
        "ja": "ご依頼テンプレート（英語・日本語どちらの項目名でも受け付けます）：",
    },
    "signature": {"en": "Genba support", "ja": "Genba サポート"},
    "default_subject": {"en": "Your order", "ja": "ご依頼"},
}

REFUSAL = (
    "Hello,\n\n"
    "Thank you for your e-mail. This address accepts orders only from registered customer users, "
    "and {sender} is not registered with us, so we have not recorded your message.\n\n"
    "If you are a customer, please send your order from the e-mail address you sign in with, or ask "
    "your administrator to register this address.\n\n"
    "---\n\n"
    "お問い合わせいただきありがとうございます。このアドレスでは、ご登録済みのお客様ユーザーからの"
    "ご依頼のみを受け付けております。送信元の {sender} はご登録がないため、このメールは登録されて"
    "おりません。\n\n"
    "お客様の場合は、ログインにお使いのメールアドレスからお送りいただくか、貴社の管理者にこの"
    "アドレスのご登録をご依頼ください。\n\n"
    "Genba support / Genba サポート\n"
)


def phrase(key: str, language: str, **values: Any) -> str:
    return _T[key][language].format(**values)


def language_of(user) -> str:
    return "ja" if (getattr(user, "language", "") or "").lower().startswith("ja") else "en"


def _request_url(request: ServiceRequest) -> str:
    return f"{settings.GENBA_BASE_URL}/api/v1/requests/{request.public_id}"


def _findings_text(request: ServiceRequest, language: str) -> str:
    findings = selectors.request_findings(request)
    groups = [
        ("missing", [f for f in findings if f.severity == "error"]),
        ("check", [f for f in findings if f.severity == "warning"]),
        ("info", [f for f in findings if f.severity == "info"]),
    ]
    blocks = []
    if not groups[0][1] and not groups[1][1]:
        blocks.append(phrase("complete", language))
    for key, items in groups:
        if items:
            lines = [f"  - {f.message(language)} ({f.code})" for f in items]
            blocks.append("\n".join([phrase(key, language), *lines]))
    return "\n\n".join(blocks)


class Report:
    """What happened to one message, to become the answer and the row's note."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.lead: list[str] = []
        self.problems: list[template.Problem] = []
        self.notices: list[template.Problem] = []
        self.kept: list[str] = []
        self.refused: list[str] = []
        self.files_dropped = False
        self.show_template = False

    def note(self) -> str:
        lines = [*self.lead]
        lines += [p.message_en for p in self.notices + self.problems]
        lines += [f"refused file {r}" for r in self.refused]
        return "\n".join(lines)

    def body(self, user, request: ServiceRequest | None) -> str:
        lang = self.language
        parts = [
            phrase("greeting", lang, name=user.get_full_name() or user.email),
            "\n".join(self.lead),
        ]
        if request is not None:
            parts.append(_findings_text(request, lang))
        if self.notices:
            parts.append(
                "\n".join(
                    [phrase("read_as", lang), *(f"  - {p.message(lang)}" for p in self.notices)]
                )
            )
        if self.problems:
            parts.append(
                "\n".join(
                    [phrase("unread", lang), *(f"  - {p.message(lang)}" for p in self.problems)]
                )
            )
        if self.kept:
            parts.append("\n".join([phrase("files_kept", lang), *(f"  - {k}" for k in self.kept)]))
        if self.refused:
            parts.append(
                "\n".join([phrase("files_refused", lang), *(f"  - {r}" for r in self.refused)])
            )
        if self.files_dropped:
            parts.append(phrase("files_not_kept", lang))
        if request is not None:
            if request.is_editable:
                parts.append(phrase("how_to_change", lang, ref=request.public_id))
            parts.append(phrase("link", lang, url=_request_url(request)))
        if self.show_template:
            parts.append(phrase("template", lang) + "\n\n" + template.TEMPLATE_EN_JA)
        parts.append(phrase("signature", lang) + f" <{settings.GENBA_SUPPORT_ADDRESS}>")
        return "\n\n".join(p for p in parts if p.strip()) + "\n"


def reply_headers(msgid: str, original_id: str, own_id: bool, references: list[str]):
    headers = {"Message-ID": msgid, "Auto-Submitted": "auto-replied"}
    if own_id:
        headers["In-Reply-To"] = original_id
        headers["References"] = " ".join(
            [*[r for r in references if r != original_id], original_id]
        )
    return headers


def new_message_id() -> str:
    domain = settings.GENBA_SUPPORT_ADDRESS.rpartition("@")[2] or "genba.invalid"
    return make_msgid(idstring="intake", domain=domain)


def send_after_commit(outgoing: EmailMessage) -> None:
    """`outgoing` is built by notify.email_message, like every message Genba sends: its subject
    is the sender's text, so its headers are sanitised there."""

    def send() -> None:
        try:
            outgoing.send()
        except Exception:
            # The request is stored; only the answer is lost. Logged for the operator.
            logger.exception("intake: could not send the answer to %s", outgoing.to)

    transaction.on_commit(send)
