"""One inbound e-mail in, at most one request created or changed, one answer out.

`process_message(raw)` is the whole intake; the SMTP listener, `genba fetchmail` and
`genba import-mail` only deliver bytes to it. Per message, in one transaction:

1. Seen before (same Message-ID)? Answer the earlier row as a duplicate: nothing new, no reply.
2. Automatic mail (Auto-Submitted, bounces, Precedence: bulk, our own address)? Record it as
   ignored, never answer: answering auto-replies is how mail loops start.
3. The sender (From) must be an active customer user, matched case-insensitively. Anyone else gets
   a polite refusal in English and Japanese, and nothing is created.
4. The body is read with the template (intake.template) into a RequestIn, the one definition of
   what a customer may send, and handed to the order services, exactly as the API does.
   A reply on a thread ("[req_…]" in the subject, or In-Reply-To/References naming an earlier mail
   or our answer) updates that request while it is editable; otherwise it is a new request.
   Attachments go through `attachment_add` (its size and type checks); a refused file is listed in
   the answer, not fatal. "Submit / 送信: yes" submits.
5. The answer, in the sender's language, lists the open findings (or says nothing is missing), the
   lines that could not be read, and the files kept or refused. It is sent after the commit, so a
   rolled-back change is never confirmed; its Message-ID is stored first so replies to it thread.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import re
from email.message import EmailMessage as MimeMessage
from email.utils import getaddresses, make_msgid
from typing import Any

import pydantic
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation

from genba.accounts.models import Role, User
from genba.core import clock
from genba.core.errors import GenbaError
from genba.messaging.intake import quoting, template
from genba.messaging.intake.mime import body_text, header_text, mail_attachments, read_message
from genba.messaging.intake.models import InboundMessage, Outcome
from genba.messaging.notify import email_message
from genba.orders import selectors, services
from genba.orders.actions import SUBMITTABLE
from genba.orders.attachments import attachment_add
from genba.orders.inputs import ContactIn, RequestIn, SiteIn
from genba.orders.models import AttachmentKind, RequestStatus, ServiceRequest

logger = logging.getLogger(__name__)

DEFAULT_KEEP_RAW_BYTES = 1024 * 1024
REQUEST_ID = re.compile(r"\breq_[0-9a-z]{16}\b")
_MSGID = re.compile(r"<[^<>\s]+>")


# --- reading the message ---------------------------------------------------------------------------


def _message_id(message: MimeMessage, raw: bytes) -> tuple[str, bool]:
    """The Message-ID, or one made from the bytes' digest (then False: not the sender's own)."""
    found = _MSGID.search(header_text(message, "Message-ID"))
    if found and len(found.group(0)) <= 255:
        return found.group(0), True
    written = header_text(message, "Message-ID")
    if written and len(written) <= 255:
        return written, True
    return f"<sha256-{hashlib.sha256(raw).hexdigest()}@intake.genba>", False


def _sender(message: MimeMessage) -> tuple[str, str]:
    """(address, display name) of From, or ("", "")."""
    pairs = getaddresses([header_text(message, "From")])
    for name, address in pairs:
        if "@" in address:
            return address.strip(), name.strip()
    return "", ""


def _thread_ids(message: MimeMessage) -> list[str]:
    ids = _MSGID.findall(header_text(message, "In-Reply-To"))
    ids += _MSGID.findall(header_text(message, "References"))
    return list(dict.fromkeys(ids))


def _automatic(message: MimeMessage, sender: str) -> str:
    """Why this message must not be answered, or ""."""
    support = settings.GENBA_SUPPORT_ADDRESS.casefold()
    if not sender:
        return "no sender address"
    if sender.casefold() == support:
        return "sent from the support address itself (loop)"
    auto = header_text(message, "Auto-Submitted").casefold()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"
    if header_text(message, "Precedence").casefold() in ("bulk", "junk", "list", "auto_reply"):
        return "Precedence: " + header_text(message, "Precedence")
    if any(header_text(message, h) for h in ("X-Autoreply", "X-Autorespond", "List-Id")):
        return "automatic reply or list mail"
    if message.get_content_type() == "multipart/report":
        return "delivery report (bounce)"
    local = sender.split("@", 1)[0].casefold()
    if local in ("mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply"):
        return f"automatic sender {sender}"
    return ""


_KINDS = (
    (AttachmentKind.WORK_INSTRUCTIONS, r"instruction|procedure|runbook|\bmop\b|手順|作業指示|要領"),
    (AttachmentKind.DIAGRAM, r"diagram|port.?map|topology|rack|構成図|配線図|ラック"),
    (AttachmentKind.PAPERWORK, r"\bnda\b|photo.?id|permit|consent|身分証|誓約書|申請書|同意書"),
)


def attachment_kind(filename: str) -> str:
    """Guessed from the name, so that "work_instructions.pdf" counts as instructions (rulebook §2:
    an entry-level engineer needs a remote engineer or written instructions)."""
    name = filename.casefold()
    for kind, pattern in _KINDS:
        if re.search(pattern, name):
            return kind
    return AttachmentKind.OTHER


def clean_subject(subject: str) -> str:
    text = REQUEST_ID.sub("", subject or "")
    text = re.sub(r"\[\s*\]", "", text)
    previous = None
    while previous != text:
        previous = text
        text = re.sub(
            r"^\s*(?:re|fw|fwd|aw|wg|sv|vs|tr|答复|回复|返信|転送)\s*(?:\[\d+\])?\s*[:：]\s*",
            "",
            text,
            flags=re.IGNORECASE,
        )
    return " ".join(text.split())


# --- the request ------------------------------------------------------------------------------------


def _find_user(address: str) -> User | None:
    if not address:
        return None
    return (
        User.objects.filter(
            email__iexact=address,
            is_active=True,
            role=Role.CUSTOMER,
            organization__isnull=False,
        )
        .select_related("organization")
        .first()
    )


def _thread_request(user, subject: str, ids: list[str]) -> tuple[ServiceRequest | None, str]:
    """The request this mail answers, and the request id named in the subject if it names one."""
    named = REQUEST_ID.search(subject or "")
    if named:
        found = ServiceRequest.objects.filter(
            public_id=named.group(0), organization_id=user.organization_id
        ).first()
        return found, named.group(0)
    if ids:
        earlier = (
            InboundMessage.objects.filter(Q(message_id__in=ids) | Q(reply_message_id__in=ids))
            .filter(request__organization_id=user.organization_id)
            .select_related("request")
            .order_by("-received_at", "-id")
            .first()
        )
        if earlier is not None:
            return earlier.request, ""
    return None, ""


def _site_values(site) -> dict[str, Any]:
    return {name: getattr(site, name) for name in SiteIn.model_fields}


def _contact_values(contact) -> dict[str, Any]:
    values = {name: getattr(contact, name) for name in ContactIn.model_fields if name != "phone"}
    values["phone"] = contact.phone_input
    return values


def merge_for_update(data: dict[str, Any], request: ServiceRequest) -> dict[str, Any]:
    """A reply that names "Floor: 6" changes the floor, not the whole site: the site, the contacts
    and the visits are completed from what the request holds. Lists (equipment, items, paperwork)
    are replaced by the list sent."""
    merged = copy.deepcopy(data)
    if "site" in merged and request.site is not None:
        merged["site"] = {**_site_values(request.site), **merged["site"]}
    for role in ("local_contact", "remote_engineer"):
        current = getattr(request, role)
        if role in merged and current is not None:
            merged[role] = {**_contact_values(current), **merged[role]}
    if "visits" in merged:
        existing = []
        for visit in request.visits.exclude(status="cancelled").order_by("position", "id"):
            values: dict[str, Any] = {"scheduled_start": visit.scheduled_start}
            if not visit.reserved_hours_defaulted:  # a default stays a default
                values["reserved_hours"] = visit.reserved_hours
            existing.append(values)
        merged["visits"] = [
            {**(existing[i] if i < len(existing) else {}), **visit}
            for i, visit in enumerate(merged["visits"])
        ]
    return merged


_LIST_FIELDS = ("visits", "equipment", "items_to_bring", "paperwork")


def validated_input(
    data: dict[str, Any], problems: list[template.Problem]
) -> tuple[RequestIn, dict[str, Any]]:
    """RequestIn from the parsed data. A value RequestIn refuses (too long, out of bounds) is left
    out and reported, like a value the template could not read."""
    data = copy.deepcopy(data)
    for _ in range(20):
        try:
            return RequestIn.model_validate(data), data
        except pydantic.ValidationError as exc:
            drop_items: dict[str, set[int]] = {}
            for error in exc.errors():
                loc = error["loc"]
                path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)[1:]
                problems.append(
                    template.Problem(
                        path,
                        path,
                        str(error.get("input", ""))[:80],
                        f"{path}: {error['msg']}; this value was left out.",
                        f"{path}：値が長すぎるか正しくないため、保存しませんでした（{error['msg']}）。",
                    )
                )
                head = loc[0]
                if head in _LIST_FIELDS and len(loc) > 2 and isinstance(loc[1], int):
                    if head == "visits":
                        data[head][loc[1]].pop(loc[2], None)
                    else:
                        drop_items.setdefault(head, set()).add(loc[1])
                elif head in _LIST_FIELDS and len(loc) > 1 and isinstance(loc[1], int):
                    drop_items.setdefault(head, set()).add(loc[1])
                elif len(loc) > 1 and isinstance(data.get(head), dict):
                    data[head].pop(loc[1], None)
                else:
                    data.pop(head, None)
            for head, indexes in drop_items.items():
                data[head] = [x for i, x in enumerate(data[head]) if i not in indexes]
    raise RuntimeError("intake: the parsed order could not be made valid")


# --- the answer ------------------------------------------------------------------------------------

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


def _t(key: str, language: str, **values: Any) -> str:
    return _T[key][language].format(**values)


def _language(user) -> str:
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
        blocks.append(_t("complete", language))
    for key, items in groups:
        if items:
            lines = [f"  - {f.message(language)} ({f.code})" for f in items]
            blocks.append("\n".join([_t(key, language), *lines]))
    return "\n\n".join(blocks)


class _Report:
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
            _t("greeting", lang, name=user.get_full_name() or user.email),
            "\n".join(self.lead),
        ]
        if request is not None:
            parts.append(_findings_text(request, lang))
        if self.notices:
            parts.append(
                "\n".join([_t("read_as", lang), *(f"  - {p.message(lang)}" for p in self.notices)])
            )
        if self.problems:
            parts.append(
                "\n".join([_t("unread", lang), *(f"  - {p.message(lang)}" for p in self.problems)])
            )
        if self.kept:
            parts.append("\n".join([_t("files_kept", lang), *(f"  - {k}" for k in self.kept)]))
        if self.refused:
            parts.append(
                "\n".join([_t("files_refused", lang), *(f"  - {r}" for r in self.refused)])
            )
        if self.files_dropped:
            parts.append(_t("files_not_kept", lang))
        if request is not None:
            if request.is_editable:
                parts.append(_t("how_to_change", lang, ref=request.public_id))
            parts.append(_t("link", lang, url=_request_url(request)))
        if self.show_template:
            parts.append(_t("template", lang) + "\n\n" + template.TEMPLATE_EN_JA)
        parts.append(_t("signature", lang) + f" <{settings.GENBA_SUPPORT_ADDRESS}>")
        return "\n\n".join(p for p in parts if p.strip()) + "\n"


def _reply_headers(msgid: str, original_id: str, own_id: bool, references: list[str]):
    headers = {"Message-ID": msgid, "Auto-Submitted": "auto-replied"}
    if own_id:
        headers["In-Reply-To"] = original_id
        headers["References"] = " ".join(
            [*[r for r in references if r != original_id], original_id]
        )
    return headers


def _new_message_id() -> str:
    domain = settings.GENBA_SUPPORT_ADDRESS.rpartition("@")[2] or "genba.invalid"
    return make_msgid(idstring="intake", domain=domain)


def _send_after_commit(outgoing: EmailMessage) -> None:
    """`outgoing` is built by notify.email_message, like every message Genba sends: its subject
    is the sender's text, so its headers are sanitised there."""

    def send() -> None:
        try:
            outgoing.send()
        except Exception:
            # The request is stored; only the answer is lost. Logged for the operator.
            logger.exception("intake: could not send the answer to %s", outgoing.to)

    transaction.on_commit(send)


# --- the whole message -----------------------------------------------------------------------------


def content_digest(message: MimeMessage, raw: bytes) -> str:
    """SHA-256 of what the sender wrote: From, Subject and the body as sent. Not of the whole
    bytes: relays add Received headers, and the same mail delivered again must still be known."""
    head_end = min((i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0), default=-1)
    body = raw[head_end:] if head_end >= 0 else b""
    body = b"\n".join(line.rstrip() for line in body.replace(b"\r\n", b"\n").split(b"\n")).strip()
    digest = hashlib.sha256()
    for part in (header_text(message, "From"), header_text(message, "Subject")):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    digest.update(body)
    return digest.hexdigest()


def _seen_before(message_id: str, sender: str, digest: str) -> InboundMessage | None:
    """The row of this very mail (same Message-ID, sender and content), if it came before.

    A Message-ID is the sender's word only: reused by another sender or for other content, it
    names a new mail, which is read (and the reuse logged) instead of being dropped."""
    same_id = InboundMessage.objects.filter(message_id=message_id)
    earlier = same_id.filter(sender=sender, content_digest__in=(digest, "")).first()
    if earlier is None and same_id.exists():
        logger.warning(
            "intake: Message-ID %s was seen before from another sender or with other content; "
            "read as a new mail (from %s)",
            message_id,
            sender or "no sender",
        )
    return earlier


def process_message(raw: bytes) -> InboundMessage:
    """Take one e-mail (its bytes as received) and return the row that records what became of it.

    A mail seen before returns an unsaved copy of the earlier row with outcome `duplicate`.
    """
    message = read_message(raw)
    message_id, own_id = _message_id(message, raw)
    sender = _sender(message)[0][:254]
    digest = content_digest(message, raw)
    earlier = _seen_before(message_id, sender, digest)
    if earlier is not None:
        return _duplicate(earlier)
    stored_files: list[str] = []
    try:
        with transaction.atomic():
            return _process(message, raw, message_id, own_id, digest, stored_files)
    except IntegrityError:
        # The same mail delivered twice at once: the other delivery holds the row.
        _delete_files(stored_files)
        earlier = _seen_before(message_id, sender, digest)
        if earlier is None:
            raise
        return _duplicate(earlier)
    except BaseException:
        _delete_files(stored_files)  # written before the rollback: do not leave orphans
        raise


def _duplicate(earlier: InboundMessage) -> InboundMessage:
    logger.info("intake: %s seen before (%s)", earlier.message_id, earlier.outcome)
    # An unsaved copy (no pk): saving it by mistake cannot overwrite the earlier row.
    duplicate = copy.copy(earlier)
    duplicate.pk = None
    duplicate.outcome = Outcome.DUPLICATE
    return duplicate


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("intake: could not delete %s", name, exc_info=True)


def _process(
    message: MimeMessage,
    raw: bytes,
    message_id: str,
    own_id: bool,
    digest: str,
    stored_files: list[str],
) -> InboundMessage:
    subject = header_text(message, "Subject")
    sender, _display = _sender(message)
    references = _thread_ids(message)
    inbound = InboundMessage.objects.create(
        message_id=message_id,
        content_digest=digest,
        in_reply_to=(_MSGID.findall(header_text(message, "In-Reply-To")) or [""])[0][:255],
        references=" ".join(references)[:10000],
        subject=subject[:300],
        sender=sender[:254],
        outcome=Outcome.UNCHANGED,
        raw_size=len(raw),
    )
    why_not = _automatic(message, sender)
    if why_not:
        inbound.outcome = Outcome.IGNORED
        inbound.note = why_not
        inbound.save(update_fields=["outcome", "note"])
        return inbound

    user = _find_user(sender)
    if user is None:
        inbound.outcome = Outcome.REFUSED
        inbound.note = "unknown sender"
        inbound.reply_message_id = _new_message_id()
        inbound.save(update_fields=["outcome", "note", "reply_message_id"])
        reply_subject = f"Re: {clean_subject(subject)}" if clean_subject(subject) else "Re:"
        _send_after_commit(
            email_message(
                reply_subject[:300],
                REFUSAL.format(sender=sender),
                settings.GENBA_SUPPORT_ADDRESS,
                [sender],
                headers=_reply_headers(inbound.reply_message_id, message_id, own_id, references),
            )
        )
        return inbound

    inbound.user = user
    new = quoting.new_text(body_text(message), subject)
    parsed = template.parse(new.text, today=clock.now().astimezone(template.TOKYO).date())
    # The answer is in the language the mail was written in; the profile's when it mixes both.
    language = parsed.language or _language(user)
    with translation.override(language):
        _apply(message, inbound, user, language, parsed, new, own_id, references, stored_files)
    _keep_raw(inbound, raw, stored_files)
    return inbound


def _apply(
    message: MimeMessage,
    inbound: InboundMessage,
    user,
    language: str,
    parsed: template.ParsedOrder,
    new: quoting.NewText,
    own_id: bool,
    references: list[str],
    stored_files: list[str],
) -> None:
    subject = inbound.subject
    report = _Report(language)
    report.problems.extend(parsed.problems)
    report.notices.extend(parsed.notices)
    files = mail_attachments(message)
    target, named = _thread_request(user, subject, references)
    request: ServiceRequest | None = None
    changed = False

    if named and target is None:
        report.lead.append(_t("unknown_request", language, ref=named))
    elif target is not None:
        request = target
        if parsed.data:
            if request.is_editable:
                # Only the fields the mail gave are set, so only those change.
                data = merge_for_update(parsed.data, request)
                request_in, _ = validated_input(data, report.problems)
                try:
                    request = services.request_update(request=request, by=user, data=request_in)
                    changed = True
                    report.lead.append(_t("updated", language, ref=request.public_id))
                except GenbaError as exc:
                    report.lead.append(_t("failed", language, error=_error_text(exc)))
            else:
                report.lead.append(
                    _t(
                        "not_editable",
                        language,
                        ref=request.public_id,
                        status=request.get_status_display(),
                    )
                )
        elif not files and parsed.submit is None:
            report.lead.append(_t("nothing_read", language, ref=request.public_id))
    elif parsed.labels_seen == 0:
        report.lead.append(_t("no_order", language))
        report.show_template = True
    else:
        data = dict(parsed.data)
        # A forwarded order is titled by its own subject, not by "FW: …".
        data.setdefault("title", clean_subject(new.forwarded_subject or subject)[:200])
        request_in, _ = validated_input(data, report.problems)
        try:
            request = services.request_create(by=user, data=request_in)
            changed = True
            inbound.outcome = Outcome.CREATED
            report.lead.append(_t("created", language, ref=request.public_id))
        except GenbaError as exc:
            report.lead.append(_t("failed", language, error=_error_text(exc)))

    if request is not None:
        changed |= _attach(request, user, files, report, stored_files)
        if parsed.submit and request.status in SUBMITTABLE:
            try:
                request = services.request_submit(request=request, by=user)
                changed = True
            except GenbaError as exc:
                report.lead.append(_t("failed", language, error=_error_text(exc)))
        request = ServiceRequest.objects.get(pk=request.pk)
        inbound.submitted = bool(parsed.submit)
        if request.status == RequestStatus.SUBMITTED:
            report.lead.append(_t("submitted", language))
        elif request.status in SUBMITTABLE:
            report.lead.append(_t("draft", language))
        if inbound.outcome != Outcome.CREATED and changed:
            inbound.outcome = Outcome.UPDATED
        report.lead.append(_t("status", language, status=request.get_status_display()))
    elif files:
        report.files_dropped = True

    inbound.request = request
    inbound.note = report.note()[:5000]
    inbound.reply_message_id = _new_message_id()
    inbound.save()

    base = clean_subject(subject) or _t("default_subject", language)
    reply_subject = f"[{request.public_id}] {base}" if request is not None else f"Re: {base}"
    _send_after_commit(
        email_message(
            reply_subject[:300],
            report.body(user, request),
            settings.GENBA_SUPPORT_ADDRESS,
            [user.email],
            headers=_reply_headers(
                inbound.reply_message_id, inbound.message_id, own_id, references
            ),
        )
    )


def _error_text(exc: GenbaError) -> str:
    details = "; ".join(f"{p.field}: {p.message}" for p in exc.problems)
    return f"{exc.message} ({details})" if details else exc.message


def _attach(request, user, files, report: _Report, stored_files: list[str]) -> bool:
    added = False
    for filename, content in files:
        upload = ContentFile(content, name=filename)
        try:
            attachment = attachment_add(
                request=request, by=user, upload=upload, kind=attachment_kind(filename)
            )
        except GenbaError as exc:
            reasons = "; ".join(p.message for p in exc.problems) or exc.message
            report.refused.append(f"{filename}: {reasons}")
            continue
        stored_files.append(attachment.file.name)
        report.kept.append(filename)
        added = True
    return added


def _keep_raw(inbound: InboundMessage, raw: bytes, stored_files: list[str]) -> None:
    limit = getattr(settings, "GENBA_INTAKE_KEEP_RAW_BYTES", DEFAULT_KEEP_RAW_BYTES)
    if not limit or len(raw) > limit:
        return
    inbound.raw.save("message.eml", ContentFile(raw), save=False)
    stored_files.append(inbound.raw.name)
    inbound.save(update_fields=["raw"])
