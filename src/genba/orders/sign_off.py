"""The customer's sign-off taken on the engineer's phone: the signer's name, and a signature drawn on
the screen (kept as a PNG attachment on the request) or typed (kept in the audit trail).

One transaction around the sign-off and the signature, so that a refused signature leaves the visit
as it was, and a refused sign-off leaves no stray signature file.
"""

from __future__ import annotations

import base64
import binascii
import struct
from datetime import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from genba.core import audit
from genba.core.errors import FieldProblem, ValidationFailed
from genba.orders.attachments import attachment_add
from genba.orders.models import AttachmentKind, Visit, VisitStatus
from genba.orders.visit_services import lock_visit, visit_sign_off

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URL_PREFIX = "data:image/png;base64,"
# A phone-sized pad at 3x pixel density is well under 100 KB; anything far larger is not a signature.
SIGNATURE_MAX_BYTES = 512 * 1024
SIGNATURE_MAX_SIDE = 4000
TYPED_SIGNATURE_MAX_CHARS = 200
# AttachmentKind has no "signature": the signed sign-off is closest to the request's paperwork
# trail, but "paperwork" means the prerequisites (NDA, photo ID) a coordinator ticks off, so the
# signature goes under "other" with a name that says what it is.
SIGNATURE_KIND = AttachmentKind.OTHER


def _bad(message: str, code: str) -> ValidationFailed:
    return ValidationFailed(
        _("The signature was not accepted."), problems=[FieldProblem("signature", message, code)]
    )


def decode_signature(data_url: str) -> bytes:
    """The PNG bytes of a `data:image/png;base64,...` URL, or ValidationFailed naming `signature`."""
    text = (data_url or "").strip()
    if not text.startswith(DATA_URL_PREFIX):
        raise _bad(_("The drawn signature must be a PNG image (data:image/png)."), "type")
    encoded = text[len(DATA_URL_PREFIX) :]
    # Base64 is 4/3 of the bytes: refuse before decoding what is obviously too large.
    if len(encoded) > SIGNATURE_MAX_BYTES * 4 // 3 + 4:
        raise _bad(
            _("The drawn signature is larger than %(limit)s.")
            % {"limit": filesizeformat(SIGNATURE_MAX_BYTES)},
            "too_large",
        )
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _bad(_("The drawn signature could not be read."), "invalid") from None
    if len(data) > SIGNATURE_MAX_BYTES:
        raise _bad(
            _("The drawn signature is larger than %(limit)s.")
            % {"limit": filesizeformat(SIGNATURE_MAX_BYTES)},
            "too_large",
        )
    # A PNG starts with its magic, then the IHDR chunk: length 13, width and height.
    if len(data) < 33 or not data.startswith(PNG_MAGIC) or data[12:16] != b"IHDR":
        raise _bad(_("The drawn signature is not a PNG image."), "type")
    width, height = struct.unpack(">II", data[16:24])
    if not (0 < width <= SIGNATURE_MAX_SIDE and 0 < height <= SIGNATURE_MAX_SIDE):
        raise _bad(_("The drawn signature has an impossible size."), "invalid")
    return data


@transaction.atomic
def visit_sign_off_signed(
    *,
    visit: Visit,
    by,
    signer_name: str,
    signed_at: datetime | None = None,
    signature_png: str = "",
    typed_signature: str = "",
) -> Visit:
    """Sign off with a drawn (`signature_png`, a data URL) or typed signature; one is required.

    A repeated sign-off (the phone resent the form) answers the visit and stores no second signature.
    """
    drawn = (signature_png or "").strip()
    typed = (typed_signature or "").strip()
    png = decode_signature(drawn) if drawn else None
    if png is None and not typed:
        raise ValidationFailed(
            _("The customer's signature is missing."),
            problems=[
                FieldProblem("signature", _("Draw the signature, or type it below."), "required")
            ],
        )
    if len(typed) > TYPED_SIGNATURE_MAX_CHARS:
        raise ValidationFailed(
            _("The typed signature is too long."),
            problems=[
                FieldProblem(
                    "typed_signature",
                    _("At most %(n)s characters.") % {"n": TYPED_SIGNATURE_MAX_CHARS},
                    "too_long",
                )
            ],
        )
    current, _request = lock_visit(visit)
    if current.status == VisitStatus.SIGNED_OFF:
        return visit_sign_off(visit=current, by=by, signer_name=signer_name, signed_at=signed_at)
    visit = visit_sign_off(visit=current, by=by, signer_name=signer_name, signed_at=signed_at)
    data = {"signer": visit.signed_off_by_name, "method": "typed" if png is None else "drawn"}
    if typed:
        data["typed"] = typed
    if png is None:
        audit.record(actor=by, obj=visit, action="signature_recorded", data=data)
        return visit
    upload = ContentFile(png, name=f"signature-{visit.public_id}.png")
    attachment = attachment_add(request=visit.request, by=by, upload=upload, kind=SIGNATURE_KIND)
    try:
        data["attachment"] = attachment.public_id
        audit.record(actor=by, obj=visit, action="signature_recorded", data=data)
    except Exception:
        # The file is on disk already; a rollback of the rows must not leave it behind.
        attachment.file.delete(save=False)
        raise
    return visit
