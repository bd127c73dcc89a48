"""One row per e-mail that reached the intake, whatever became of it.

A mail is known by its Message-ID, its sender and the digest of its content (`content_digest`:
SHA-256 of the From, Subject and body, not of the headers relays add): that is what makes delivery
idempotent (an SMTP retry, a second IMAP fetch or an mbox imported twice finds the row and changes
nothing). A Message-ID alone is not trusted: another sender, or other content, under a Message-ID seen
before is a new mail (logged), never dropped. A message without a Message-ID gets one made from the
SHA-256 of its bytes, so the very same bytes are still recognised.

The raw message is kept in private storage (the attachments' storage, never under a public URL) when
the sender is a known customer and the message is at most `GENBA_INTAKE_KEEP_RAW_BYTES` (1 MiB by
default; 0 keeps none): it is what a coordinator looks at when a mail was read wrongly. Messages from
unknown senders (mostly spam) are not kept, only their headers here. Attachments are kept as the
request's attachments either way.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from genba.core import clock


class Outcome(models.TextChoices):
    CREATED = "created", _("Created a request")
    UPDATED = "updated", _("Updated a request")
    UNCHANGED = "unchanged", _("Known sender, nothing changed")
    REFUSED = "refused", _("Refused: unknown sender")
    IGNORED = "ignored", _("Ignored: automatic message or loop")
    # Never stored (a mail is recorded once): what process_message answers for a mail seen before.
    DUPLICATE = "duplicate", _("Duplicate of an earlier message")


def _raw_path(instance: InboundMessage, filename: str) -> str:
    moment = instance.received_at or clock.now()
    return f"intake/{moment:%Y/%m}/{instance.pk or 'new'}-{filename}"


class InboundMessage(models.Model):
    message_id = models.CharField(max_length=255, db_index=True)
    content_digest = models.CharField(max_length=64, blank=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    subject = models.CharField(max_length=300, blank=True)
    sender = models.CharField(max_length=254, blank=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(default=clock.now, db_index=True)
    request = models.ForeignKey(
        "orders.ServiceRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_messages",
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    # Why nothing changed, what could not be read, which files were refused: the reply's gist.
    note = models.TextField(blank=True)
    submitted = models.BooleanField(default=False, help_text="the mail asked to submit")
    # The Message-ID of our answer, so that a reply to the answer finds its request.
    reply_message_id = models.CharField(max_length=255, blank=True, db_index=True)
    raw = models.FileField(upload_to=_raw_path, max_length=200, blank=True)
    raw_size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inbound e-mail")
        constraints = [
            # The same mail delivered twice at once: one row, the other delivery a duplicate.
            models.UniqueConstraint(
                fields=["message_id", "sender", "content_digest"], name="intake_one_row_per_mail"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sender} {self.subject[:60]} ({self.outcome})"
