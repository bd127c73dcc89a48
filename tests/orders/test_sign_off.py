"""The sign-off with its signature: one transaction, so nothing is half-written."""

from __future__ import annotations

import base64
import struct
import zlib
from datetime import timedelta
from unittest import mock

import pytest

from genba.core import clock
from genba.core.errors import ValidationFailed
from genba.core.models import AuditEvent
from genba.orders import sign_off
from genba.orders.models import Attachment, VisitStatus
from tests.orders.helpers import VISIT_START, on_site, reload

pytestmark = pytest.mark.django_db


def png(width=4, height=2) -> bytes:
    """A real (tiny) PNG, as a signature pad would send."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\x00\x00\x00\xff" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def data_url(content: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(content).decode()


@pytest.fixture
def visit(alice, carol, ken):
    _, visit = on_site(alice, carol, ken)
    clock.set_now(VISIT_START + timedelta(hours=2))
    return visit


def test_a_failing_signature_file_leaves_the_visit_unsigned(visit, ken):
    with mock.patch.object(sign_off, "attachment_add", side_effect=RuntimeError("disk full")):
        with pytest.raises(RuntimeError):
            sign_off.visit_sign_off_signed(
                visit=visit, by=ken, signer_name="Taro Yamada", signature_png=data_url(png())
            )
    visit = reload(visit)
    assert visit.status == VisitStatus.ON_SITE and visit.signed_off_at is None
    assert not AuditEvent.objects.filter(action="signed_off").exists()


def test_a_repeated_sign_off_keeps_one_signature(visit, ken):
    for _ in range(2):
        sign_off.visit_sign_off_signed(
            visit=visit, by=ken, signer_name="Taro Yamada", signature_png=data_url(png())
        )
    assert Attachment.objects.filter(request=visit.request).count() == 1
    assert AuditEvent.objects.filter(action="signature_recorded").count() == 1


def test_bad_data_names_the_signature_field(visit, ken):
    with pytest.raises(ValidationFailed) as caught:
        sign_off.visit_sign_off_signed(
            visit=visit, by=ken, signer_name="Taro", signature_png="data:text/html,<b>hi</b>"
        )
    assert [p.field for p in caught.value.problems] == ["signature"]
    assert reload(visit).status == VisitStatus.ON_SITE


def test_a_typed_signature_too_long_names_its_field(visit, ken):
    with pytest.raises(ValidationFailed) as caught:
        sign_off.visit_sign_off_signed(
            visit=visit, by=ken, signer_name="Taro", typed_signature="x" * 201
        )
    assert [p.field for p in caught.value.problems] == ["typed_signature"]
