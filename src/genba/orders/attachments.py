"""Attachments: checked for size and type on the way in, stored privately, served only after a
permission check (api.requests.attachment_download)."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.conf import settings
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from genba.accounts.models import Role
from genba.core import audit
from genba.core.errors import FieldProblem, NotAllowed, ValidationFailed
from genba.core.transitions import lock, require_status
from genba.orders.models import (
    CLOSED_STATUSES,
    Attachment,
    AttachmentKind,
    RequestStatus,
    ServiceRequest,
)

# Extension -> (content type, magic prefixes; None = text that must decode as UTF-8).
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
    ".xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (b"PK\x03\x04",),
    ),
    ".vsdx": ("application/vnd.ms-visio.drawing", (b"PK\x03\x04",)),
    ".zip": ("application/zip", (b"PK\x03\x04",)),
    ".txt": ("text/plain", None),
    ".csv": ("text/csv", None),
}


def sniff_content_type(name: str, head: bytes) -> str | None:
    suffix = PurePath(name).suffix.lower()
    if suffix not in ALLOWED_TYPES:
        return None
    content_type, magics = ALLOWED_TYPES[suffix]
    if magics is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:
            # A multi-byte character may be cut at the end of the sniffed block.
            if exc.start < len(head) - 4:
                return None
        return None if b"\x00" in head else content_type
    return content_type if any(head.startswith(m) for m in magics) else None


@transaction.atomic
def attachment_add(
    *, request: ServiceRequest, by, upload, kind: str = AttachmentKind.OTHER
) -> Attachment:
    """Add a file to a request: its customer, a coordinator, or an engineer on one of its visits."""
    request = lock(ServiceRequest, request.pk)
    if by.role == Role.CUSTOMER:
        if by.organization_id != request.organization_id:
            raise NotAllowed(_("Only the ordering customer may add files."), code="role")
    elif by.role == Role.ENGINEER:
        if not request.visits.filter(assigned_engineers=by).exists():
            raise NotAllowed(_("Only an engineer on this request may add files."), code="role")
    elif by.role not in (Role.COORDINATOR, Role.ADMIN):
        raise NotAllowed(_("Your role may not add files."), code="role")
    require_status(request, set(RequestStatus) - CLOSED_STATUSES, action=_("add a file"))
    problems = []
    if kind not in AttachmentKind.values:
        problems.append(
            FieldProblem(
                "kind",
                _("Must be one of: %(choices)s.") % {"choices": ", ".join(AttachmentKind.values)},
                "literal_error",
            )
        )
    name = PurePath(upload.name or "file").name[:255]
    if upload.size > settings.GENBA_ATTACHMENT_MAX_BYTES:
        problems.append(
            FieldProblem(
                "file",
                _("The file is larger than the limit of %(limit)s.")
                % {"limit": filesizeformat(settings.GENBA_ATTACHMENT_MAX_BYTES)},
                "too_large",
            )
        )
    elif upload.size == 0:
        problems.append(FieldProblem("file", _("The file is empty."), "empty"))
    content_type = None
    if not problems:
        upload.seek(0)
        content_type = sniff_content_type(name, upload.read(4096))
        if content_type is None:
            problems.append(
                FieldProblem(
                    "file",
                    _(
                        "This type of file is not accepted (allowed: %(types)s), or its content does not match its name."
                    )
                    % {"types": ", ".join(sorted(ALLOWED_TYPES))},
                    "type",
                )
            )
    if problems:
        raise ValidationFailed(_("The file was not accepted."), problems=problems)
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    attachment = Attachment(
        request=request,
        kind=kind,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=by,
    )
    upload.seek(0)
    attachment.file.save(attachment.public_id, upload, save=False)
    try:
        attachment.save()
        audit.record(
            actor=by,
            obj=attachment,
            action="attachment_added",
            data={"name": name, "kind": kind, "size": upload.size},
        )
    except Exception:
        # The file reached the disk before the row: do not leave an orphan behind a rollback.
        attachment.file.delete(save=False)
        raise
    return attachment
