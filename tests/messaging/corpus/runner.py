"""Import the e-mail corpus (see README.md beside this file) and score it field by field.

`run(deliver)` feeds every case's mails, in folder order, to `deliver(raw)` (the SMTP listener or
`genba import-mail`: both end in the intake) in the current database, then compares what was stored
and answered with each case's `case.json`. The test (tests/messaging/test_corpus.py) and the
benchmark (`python -m bench intake_corpus`) both use it; neither knows what a case holds.

Three figures come out, the issue's targets:
- the share of fields read right (every leaf of `request`, the outcome, the reply's language and
  each string it must contain);
- the mails that hold an order yet created nothing;
- corruptions: a field of an existing request that was right, was not to change, and changed after
  a reply.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core import mail

from genba.core.phones import normalize_phone
from genba.core.prefectures import normalize_prefecture
from genba.messaging.intake.models import InboundMessage, Outcome
from genba.orders.inputs import SiteIn
from genba.orders.models import ServiceRequest
from genba.sites.models import Contact

CORPUS = Path(__file__).resolve().parent
CUSTOMERS = (
    # (address, first name, last name, profile language, organization)
    ("alice@acme.example", "Alice", "Fowler", "en", "acme"),
    ("hanako@acme.example", "花子", "佐藤", "ja", "acme"),
    ("bob@globex.example", "Bob", "Stone", "en", "globex"),
)


@dataclass(frozen=True)
class Case:
    name: str
    path: Path
    spec: dict[str, Any]


def cases() -> list[Case]:
    found = []
    for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir() and p.name[:2].isdigit()):
        spec = json.loads((folder / "case.json").read_text(encoding="utf-8"))
        found.append(Case(folder.name, folder, spec))
    return found


# --- what was stored -------------------------------------------------------------------------------


def _contact(contact: Contact | None) -> dict[str, Any] | None:
    if contact is None:
        return None
    return {
        "name": contact.name,
        "company": contact.company,
        "phone": contact.phone_input,
        "email": contact.email,
        "skype": contact.skype,
        "whatsapp": contact.whatsapp,
        "line": contact.line,
    }


# What a customer gives of a site (orders.inputs.SiteIn), the coordinates aside.
SITE_FIELDS = tuple(n for n in SiteIn.model_fields if n not in ("latitude", "longitude"))
REQUEST_KEYS = frozenset(
    "title reference datacenter_reference status visits site local_contact remote_engineer "
    "languages skill_level engineers urgency sla_requested force_without_local_contact "
    "work_description customer_notes equipment items_to_bring paperwork".split()
)


def snapshot(request: ServiceRequest) -> dict[str, Any]:
    """The request as case.json writes it (its keys: REQUEST_KEYS)."""
    site = request.site
    return {
        "title": request.title,
        "reference": request.reference,
        "datacenter_reference": request.datacenter_reference,
        "status": request.status,
        "visits": [
            {"scheduled_start": v.scheduled_start, "reserved_hours": v.reserved_hours}
            for v in request.visits.exclude(status="cancelled").order_by("position", "id")
        ],
        "site": None if site is None else {name: getattr(site, name) for name in SITE_FIELDS},
        "local_contact": _contact(request.local_contact),
        "remote_engineer": _contact(request.remote_engineer),
        "languages": list(request.languages or []),
        "skill_level": request.skill_level,
        "engineers": request.engineers,
        "urgency": request.urgency,
        "sla_requested": request.sla_requested,
        "force_without_local_contact": request.force_without_local_contact,
        "work_description": request.work_description,
        "customer_notes": request.customer_notes,
        "equipment": [
            {"make": e.make, "model": e.model, "serial": e.serial, "quantity": e.quantity}
            for e in request.equipment.all()
        ],
        "items_to_bring": [i.name for i in request.items_to_bring.all()],
        "paperwork": [
            {"description": p.description, "done": p.done} for p in request.paperwork.all()
        ],
    }


# --- comparing ------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return " ".join(unicodedata.normalize("NFKC", str(value if value is not None else "")).split())


def _digits(value: Any) -> str:
    return re.sub(r"\D", "", _text(value))


def _phone(value: Any) -> str:
    text = _text(value)
    return normalize_phone(text) or ("+" if text.startswith("+") else "") + _digits(text)


def _instant(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _hours(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)).normalize() if value not in (None, "") else None
    except InvalidOperation:
        return None


def same(path: str, expected: Any, actual: Any) -> bool:
    leaf = path.rsplit(".", 1)[-1]
    if leaf in ("phone", "whatsapp"):
        return _phone(expected) == _phone(actual)
    if leaf == "postal_code":
        return _digits(expected) == _digits(actual)
    if leaf == "prefecture":
        return (normalize_prefecture(_text(expected)) or _text(expected)) == (
            normalize_prefecture(_text(actual)) or _text(actual)
        )
    if leaf == "scheduled_start":
        return actual is not None and _instant(expected) == _instant(actual)
    if leaf == "reserved_hours":
        return _hours(expected) == _hours(actual)
    if leaf == "languages":
        return sorted(expected or []) == sorted(actual or [])
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual or bool(expected) == bool(actual) and actual is not None
    if isinstance(expected, int):
        return expected == actual
    return _text(expected) == _text(actual)


def leaves(expected: dict[str, Any], actual: dict[str, Any] | None, prefix: str = ""):
    """(path, expected, actual) for every leaf of `expected`; lists count their length too."""
    for key, want in expected.items():
        path = f"{prefix}{key}"
        have = (actual or {}).get(key) if isinstance(actual, dict) else None
        if isinstance(want, dict):
            yield from leaves(want, have if isinstance(have, dict) else None, path + ".")
        elif isinstance(want, list) and key != "languages":
            have_list = have if isinstance(have, list) else []
            yield f"{path}.count", len(want), len(have_list)
            for index, item in enumerate(want):
                got = have_list[index] if index < len(have_list) else None
                if isinstance(item, dict):
                    yield from leaves(
                        item, got if isinstance(got, dict) else None, f"{path}[{index}]."
                    )
                else:
                    yield f"{path}[{index}]", item, got
        else:
            yield path, want, have


# --- running --------------------------------------------------------------------------------------


@dataclass
class Miss:
    case: str
    step: int
    field: str
    expected: Any
    actual: Any

    def __str__(self) -> str:
        return f"{self.case} #{self.step} {self.field}: expected {self.expected!r}, got {self.actual!r}"


@dataclass
class Score:
    fields: int = 0
    right: int = 0
    misses: list[Miss] = field(default_factory=list)
    created_nothing: list[str] = field(default_factory=list)
    corruptions: list[Miss] = field(default_factory=list)
    mails: int = 0
    by_case: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def share(self) -> float:
        return self.right / self.fields if self.fields else 0.0

    def report(self) -> str:
        lines = [
            f"{self.mails} mails in {len(self.by_case)} cases: {self.right}/{self.fields} fields "
            f"right ({self.share:.1%}); orders that created nothing: {len(self.created_nothing)}; "
            f"corruptions by a reply: {len(self.corruptions)}",
        ]
        lines += [f"  created nothing: {c}" for c in self.created_nothing]
        lines += [f"  corrupted: {m}" for m in self.corruptions]
        lines += [f"  miss: {m}" for m in self.misses]
        return "\n".join(lines)


def _reply_for(row: InboundMessage | None):
    if row is None or not row.reply_message_id:
        return None
    for message in reversed(mail.outbox):
        if message.extra_headers.get("Message-ID") == row.reply_message_id:
            return message
    return None


def _reply_language(message) -> str:
    return "ja" if "Genba サポート" in message.body else "en"


def run(deliver: Callable[[bytes], None]) -> Score:
    """Deliver every case and score it. Mail must go to Django's locmem outbox."""
    score = Score()
    for case in cases():
        _run_case(case, deliver, score)
    return score


def _run_case(case: Case, deliver: Callable[[bytes], None], score: Score) -> None:
    thread: ServiceRequest | None = None
    previous: dict[str, tuple[Any, bool]] = {}  # path -> (expected, was right) after last step
    created = 0
    fields_before, right_before = score.fields, score.right

    def check(step: int, path: str, want: Any, have: Any) -> bool:
        ok = same(path, want, have)
        score.fields += 1
        score.right += ok
        if not ok:
            score.misses.append(Miss(case.name, step, path, want, have))
        return ok

    for step, spec in enumerate(case.spec["steps"], start=1):
        last_id = InboundMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0
        deliver((case.path / spec["mail"]).read_bytes())
        score.mails += 1
        row = InboundMessage.objects.filter(id__gt=last_id).order_by("-id").first()
        outcome = row.outcome if row is not None else Outcome.DUPLICATE
        created += outcome == Outcome.CREATED
        check(step, "outcome", spec["outcome"], str(outcome))
        if spec["outcome"] == "created" and outcome != Outcome.CREATED:
            score.created_nothing.append(f"{case.name} #{step} ({outcome})")

        reply = _reply_for(row)
        if "reply" in spec:
            want = spec["reply"]
            if "language" in want:
                check(step, "reply.language", want["language"], reply and _reply_language(reply))
            for index, text in enumerate(want.get("contains", [])):
                body = _text(reply.subject + "\n" + reply.body) if reply else ""
                found = _text(text) in body
                check(step, f"reply.contains[{index}]", text, text if found else None)

        target = thread
        if row is not None and outcome == Outcome.CREATED:
            if spec.get("new_request") or thread is None:
                target = row.request
            if thread is None:
                thread = row.request
                _name_thread(case, row)
                target = thread = ServiceRequest.objects.get(pk=thread.pk)
        if "requests_created" in spec:
            check(step, "requests_created", spec["requests_created"], created)
        if "request" not in spec:
            continue
        actual = snapshot(ServiceRequest.objects.get(pk=target.pk)) if target is not None else None
        now: dict[str, tuple[Any, bool]] = {}
        for path, want, have in leaves(spec["request"], actual):
            ok = check(step, f"request.{path}", want, have)
            now[path] = (want, ok)
            before = previous.get(path)
            if before is not None and before[1] and not ok and before[0] == want:
                if not spec.get("new_request"):
                    score.corruptions.append(Miss(case.name, step, path, want, have))
        if not spec.get("new_request"):
            previous = now
    score.by_case[case.name] = (score.right - right_before, score.fields - fields_before)


def _name_thread(case: Case, row: InboundMessage) -> None:
    """Give the case's first request and our answer the names its later mails were written with."""
    public_id = case.spec.get("public_id")
    if public_id:
        ServiceRequest.objects.filter(pk=row.request_id).update(public_id=public_id)
    reply_id = case.spec.get("reply_message_id")
    if reply_id:
        InboundMessage.objects.filter(pk=row.pk).update(reply_message_id=reply_id)


def ensure_customers() -> None:
    """The corpus's senders (CUSTOMERS), in Acme and Globex as tests/conftest.py makes them."""
    from genba.accounts.models import Organization, User
    from genba.contracts.models import ContractKind, Policy
    from tests.factories import ContractFactory, OrganizationFactory, UserFactory, tokyo_coverage

    Policy.objects.ensure_presets()
    policy = Policy.objects.get(key="ecorpone")
    tokyo_coverage(policy)
    organizations = {}
    for key, name, kind in (
        ("acme", "Acme Inc.", ContractKind.RETAINER),
        ("globex", "Globex Corp.", ContractKind.AD_HOC),
    ):
        organization = Organization.objects.filter(name=name).first()
        if organization is None:
            organization = OrganizationFactory(name=name)
            ContractFactory(organization=organization, policy=policy, kind=kind)
        organizations[key] = organization
    for address, first, last, language, org in CUSTOMERS:
        user = User.objects.filter(email__iexact=address).first()
        if user is None:
            user = UserFactory(email=address, organization=organizations[org])
        user.first_name, user.last_name, user.language = first, last, language
        user.save(update_fields=["first_name", "last_name", "language"])
