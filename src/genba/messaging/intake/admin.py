"""Inbound e-mails in the back office: read-only, as a log of what arrived and what became of it."""

from django.contrib import admin
from django.utils.html import format_html

from genba.core.admin import ADMIN_COORDINATOR, ViewOnly
from genba.messaging.intake.mime import body_text, header_text, mail_attachments, read_message
from genba.messaging.intake.models import InboundMessage

_SHOWN_CHARS = 64 * 1024


@admin.register(InboundMessage)
class InboundMessageAdmin(ViewOnly, admin.ModelAdmin):
    view_roles = ADMIN_COORDINATOR
    list_display = ("received_at", "sender", "subject", "outcome", "request")
    list_filter = ("outcome",)
    list_select_related = ("request",)
    search_fields = ("sender", "subject", "message_id", "request__public_id")
    date_hierarchy = "received_at"
    fields = (
        "received_at",
        "sender",
        "user",
        "subject",
        "outcome",
        "request",
        "submitted",
        "note",
        "message_id",
        "in_reply_to",
        "references",
        "reply_message_id",
        "raw_size",
        "raw_message",
    )
    readonly_fields = fields

    @admin.display(description="Message as read")
    def raw_message(self, obj):
        # Decoded here (base64, quoted-printable, ISO-2022-JP) rather than linked: private storage
        # has no public URL, and the text is what the template was read from.
        if not obj.raw:
            return "— (not kept)"
        try:
            with obj.raw.open("rb") as handle:
                raw = handle.read()
        except OSError:
            return "— (file missing)"
        message = read_message(raw)
        headers = "\n".join(
            f"{name}: {header_text(message, name)}" for name in ("From", "To", "Date", "Subject")
        )
        files = "\n".join(
            f"[file] {name} ({len(data)} bytes)" for name, data in mail_attachments(message)
        )
        text = body_text(message)
        if len(text) > _SHOWN_CHARS:
            text = text[:_SHOWN_CHARS] + "\n…"
        return format_html(
            '<pre style="white-space: pre-wrap">{}\n\n{}\n\n{}</pre>', headers, text, files
        )
