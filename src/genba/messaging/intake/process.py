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

This module takes those steps. What is read from the headers (who, which thread, automatic or
not) is in envelope.py; the answer's texts, body and sending are in answer.py.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import re
from email.message import EmailMessage as MimeMessage
from typing import Any

import pydantic
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import translation

from genba.core import clock
from genba.core.errors import GenbaError
from genba.messaging.intake import answer, envelope, quoting, template
from genba.messaging.intake.mime import body_text, header_text, mail_attachments, read_message
from genba.messaging.intake.models import InboundMessage, Outcome
from genba.messaging.notify import email_message
from genba.orders import services
from genba.orders.actions import SUBMITTABLE
from genba.orders.attachments import attachment_add
from genba.orders.inputs import ContactIn, RequestIn, SiteIn
from genba.orders.models import AttachmentKind, RequestStatus, ServiceRequest

logger = logging.getLogger(__name__)

DEFAULT_KEEP_RAW_BYTES = 1024 * 1024


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
    message_id, own_id = envelope.message_id(message, raw)
    sender = envelope.sender(message)[0][:254]
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
    sender, _display = envelope.sender(message)
    references = envelope.thread_ids(message)
    inbound = InboundMessage.objects.create(
        message_id=message_id,
        content_digest=digest,
        in_reply_to=(envelope.MSGID.findall(header_text(message, "In-Reply-To")) or [""])[0][:255],
        references=" ".join(references)[:10000],
        subject=subject[:300],
        sender=sender[:254],
        outcome=Outcome.UNCHANGED,
        raw_size=len(raw),
    )
    why_not = envelope.automatic(message, sender)
    if why_not:
        inbound.outcome = Outcome.IGNORED
        inbound.note = why_not
        inbound.save(update_fields=["outcome", "note"])
        return inbound

    user = envelope.find_user(sender)
    if user is None:
        inbound.outcome = Outcome.REFUSED
        inbound.note = "unknown sender"
        inbound.reply_message_id = answer.new_message_id()
        inbound.save(update_fields=["outcome", "note", "reply_message_id"])
        reply_subject = (
            f"Re: {envelope.clean_subject(subject)}" if envelope.clean_subject(subject) else "Re:"
        )
        answer.send_after_commit(
            email_message(
                reply_subject[:300],
                answer.REFUSAL.format(sender=sender),
                settings.GENBA_SUPPORT_ADDRESS,
                [sender],
                headers=answer.reply_headers(
                    inbound.reply_message_id, message_id, own_id, references
                ),
            )
        )
        return inbound

    inbound.user = user
    new = quoting.new_text(body_text(message), subject)
    parsed = template.parse(new.text, today=clock.now().astimezone(template.TOKYO).date())
    # The answer is in the language the mail was written in; the profile's when it mixes both.
    language = parsed.language or answer.language_of(user)
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
    report = answer.Report(language)
    report.problems.extend(parsed.problems)
    report.notices.extend(parsed.notices)
    files = mail_attachments(message)
    target, named = envelope.thread_request(user, subject, references)
    request: ServiceRequest | None = None
    changed = False

    if named and target is None:
        report.lead.append(answer.phrase("unknown_request", language, ref=named))
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
                    report.lead.append(answer.phrase("updated", language, ref=request.public_id))
                except GenbaError as exc:
                    report.lead.append(answer.phrase("failed", language, error=_error_text(exc)))
            else:
                report.lead.append(
                    answer.phrase(
                        "not_editable",
                        language,
                        ref=request.public_id,
                        status=request.get_status_display(),
                    )
                )
        elif not files and parsed.submit is None:
            report.lead.append(answer.phrase("nothing_read", language, ref=request.public_id))
    elif parsed.labels_seen == 0:
        report.lead.append(answer.phrase("no_order", language))
        report.show_template = True
    else:
        data = dict(parsed.data)
        # A forwarded order is titled by its own subject, not by "FW: …".
        data.setdefault("title", envelope.clean_subject(new.forwarded_subject or subject)[:200])
        request_in, _ = validated_input(data, report.problems)
        try:
            request = services.request_create(by=user, data=request_in)
            changed = True
            inbound.outcome = Outcome.CREATED
            report.lead.append(answer.phrase("created", language, ref=request.public_id))
        except GenbaError as exc:
            report.lead.append(answer.phrase("failed", language, error=_error_text(exc)))

    if request is not None:
        changed |= _attach(request, user, files, report, stored_files)
        if parsed.submit and request.status in SUBMITTABLE:
            try:
                request = services.request_submit(request=request, by=user)
                changed = True
            except GenbaError as exc:
                report.lead.append(answer.phrase("failed", language, error=_error_text(exc)))
        request = ServiceRequest.objects.get(pk=request.pk)
        inbound.submitted = bool(parsed.submit)
        if request.status == RequestStatus.SUBMITTED:
            report.lead.append(answer.phrase("submitted", language))
        elif request.status in SUBMITTABLE:
            report.lead.append(answer.phrase("draft", language))
        if inbound.outcome != Outcome.CREATED and changed:
            inbound.outcome = Outcome.UPDATED
        report.lead.append(answer.phrase("status", language, status=request.get_status_display()))
    elif files:
        report.files_dropped = True

    inbound.request = request
    inbound.note = report.note()[:5000]
    inbound.reply_message_id = answer.new_message_id()
    inbound.save()

    base = envelope.clean_subject(subject) or answer.phrase("default_subject", language)
    reply_subject = f"[{request.public_id}] {base}" if request is not None else f"Re: {base}"
    answer.send_after_commit(
        email_message(
            reply_subject[:300],
            report.body(user, request),
            settings.GENBA_SUPPORT_ADDRESS,
            [user.email],
            headers=answer.reply_headers(
                inbound.reply_message_id, inbound.message_id, own_id, references
            ),
        )
    )


def _error_text(exc: GenbaError) -> str:
    details = "; ".join(f"{p.field}: {p.message}" for p in exc.problems)
    return f"{exc.message} ({details})" if details else exc.message


def _attach(request, user, files, report: answer.Report, stored_files: list[str]) -> bool:
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
