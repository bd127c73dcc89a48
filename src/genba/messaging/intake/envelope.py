"""Who sent a mail, what it answers, and whether it may be answered at all: read from its headers.

The Message-ID (or one made from the bytes), the sender's address, the Message-IDs it replies to,
the signs of an automatic mail (never answered: that is how mail loops start), the subject without
"Re:"/"FW:" and request ids, the customer user the sender is, and the request the thread is about
(a "[req_…]" in the subject, or an earlier mail or answer named in In-Reply-To/References). Kept
apart from process.py, which takes the steps, because these are the questions it asks of a mail.
"""

from __future__ import annotations

import hashlib
import re
from email.message import EmailMessage as MimeMessage
from email.utils import getaddresses

from django.conf import settings
from django.db.models import Q

from genba.accounts.models import Role, User
from genba.messaging.intake.mime import header_text
from genba.messaging.intake.models import InboundMessage
from genba.orders.models import ServiceRequest

REQUEST_ID = re.compile(r"\breq_[0-9a-z]{16}\b")
MSGID = re.compile(r"<[^<>\s]+>")


def message_id(message: MimeMessage, raw: bytes) -> tuple[str, bool]:
    """The Message-ID, or one made from the bytes' digest (then False: not the sender's own)."""
    found = MSGID.search(header_text(message, "Message-ID"))
    if found and len(found.group(0)) <= 255:
        return found.group(0), True
    written = header_text(message, "Message-ID")
    if written and len(written) <= 255:
        return written, True
    return f"<sha256-{hashlib.sha256(raw).hexdigest()}@intake.genba>", False


def sender(message: MimeMessage) -> tuple[str, str]:
    """(address, display name) of From, or ("", "")."""
    pairs = getaddresses([header_text(message, "From")])
    for name, address in pairs:
        if "@" in address:
            return address.strip(), name.strip()
    return "", ""


def thread_ids(message: MimeMessage) -> list[str]:
    ids = MSGID.findall(header_text(message, "In-Reply-To"))
    ids += MSGID.findall(header_text(message, "References"))
    return list(dict.fromkeys(ids))


def automatic(message: MimeMessage, sender: str) -> str:
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


def find_user(address: str) -> User | None:
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


def thread_request(user, subject: str, ids: list[str]) -> tuple[ServiceRequest | None, str]:
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
