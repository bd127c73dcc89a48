"""`Idempotency-Key` for POST creates: a retry returns the first answer; the same key with another
body is refused (422). The record is written in the same transaction as the thing created, so a
create that fails leaves no key behind, and two racing retries cannot both create."""

from __future__ import annotations

import hashlib
import json

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja.responses import NinjaJSONEncoder, Status

from genba.api.models import IdempotencyRecord
from genba.core.errors import FieldProblem, IdempotencyConflict

HEADER = "HTTP_IDEMPOTENCY_KEY"


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        json.dumps(record.response, ensure_ascii=False),
        status=record.status_code,
        content_type="application/json",
    )
    response["Idempotent-Replayed"] = "true"
    return response


def _check_same(record: IdempotencyRecord, body_hash: str) -> None:
    if record.body_sha256 != body_hash:
        raise IdempotencyConflict(
            _("This Idempotency-Key was used with another request body."),
            problems=[
                FieldProblem("Idempotency-Key", _("Already used with another body."), "reused")
            ],
        )


def _fingerprint(request) -> str:
    """What "the same request" means: method, path and body.

    A multipart body is fingerprinted by its fields and its files' contents: its raw bytes are
    consumed once parsed (reading them again raised), and the boundary changes on every retry.
    """
    if request.content_type != "multipart/form-data":
        return hashlib.sha256(
            request.method.encode() + request.path.encode() + request.body
        ).hexdigest()
    digest = hashlib.sha256(request.method.encode() + request.path.encode())
    for name in sorted(request.POST):
        for value in request.POST.getlist(name):
            digest.update(json.dumps(["field", name, value]).encode())
    for name in sorted(request.FILES):
        for upload in request.FILES.getlist(name):
            content = hashlib.sha256()
            upload.seek(0)
            for chunk in upload.chunks():
                content.update(chunk)
            upload.seek(0)
            digest.update(json.dumps(["file", name, upload.name, content.hexdigest()]).encode())
    return digest.hexdigest()


def run(request, user, create, *, status: int = 201):
    """Call `create()` (returns a JSON-able document) at most once per (user, key)."""
    key = request.META.get(HEADER, "").strip()
    if not key:
        return Status(status, create())
    if len(key) > 200:
        raise IdempotencyConflict(
            _("The Idempotency-Key is too long."),
            problems=[FieldProblem("Idempotency-Key", _("At most 200 characters."), "too_long")],
        )
    body_hash = _fingerprint(request)
    existing = IdempotencyRecord.objects.filter(user=user, key=key).first()
    if existing is not None:
        _check_same(existing, body_hash)
        return _replay(existing)
    try:
        with transaction.atomic():
            document = json.loads(json.dumps(create(), cls=NinjaJSONEncoder))
            IdempotencyRecord.objects.create(
                user=user,
                key=key,
                method=request.method,
                path=request.path,
                body_sha256=body_hash,
                status_code=status,
                response=document,
            )
    except IntegrityError:
        # A concurrent retry with the same key won the race; its creation stands, ours rolled back.
        existing = IdempotencyRecord.objects.get(user=user, key=key)
        _check_same(existing, body_hash)
        return _replay(existing)
    return Status(status, document)
