"""Every status change is a transition (rulebook §3: guarded, one transaction, in the audit trail):
no module under src/genba writes a status field except `genba/core/transitions.py` (`move`).

Read with `ast`, not grep, so that a write spread over lines, or through `setattr`, `update(...)`,
`bulk_update` or `update_or_create`, is found, and a comment or a string is not. Creating an object
with its first status (`objects.create(status=...)`, `Model(status=...)`) is not a change and is
allowed.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import genba
from genba.dispatch.models import Booking, BookingStatus, Proposal, ProposalStatus
from genba.messaging.webhooks.models import DeliveryStatus, WebhookDelivery
from genba.orders.models import RequestStatus, ServiceRequest, Visit, VisitStatus

SRC = Path(genba.__file__).parent
THE_ONE_WRITER = SRC / "core" / "transitions.py"

# Enums whose values may be written directly, with why. A webhook delivery's status counts the
# attempts to send one event to one endpoint (pending, failed, retried, exhausted): bookkeeping of
# the worker, not a lifecycle of the rulebook, and it has no audit trail of its own.
NOT_A_LIFECYCLE = {"DeliveryStatus": WebhookDelivery}
# The lifecycles of the rulebook: each model's status field and its states.
LIFECYCLES = {
    ServiceRequest: RequestStatus,
    Visit: VisitStatus,
    Proposal: ProposalStatus,
    Booking: BookingStatus,
}


def _is_status_string(node) -> bool:
    return isinstance(node, ast.Constant) and node.value == "status"


def _names_a_status(node) -> bool:
    """A list or tuple of field names with "status" in it (update_fields, bulk_update's fields)."""
    return isinstance(node, (ast.List, ast.Tuple, ast.Set)) and any(
        _is_status_string(e) for e in node.elts
    )


LIFECYCLE_STATES = {state for states in LIFECYCLES.values() for state in states.values}


def _is_exempt_value(value) -> bool:
    """A value that is no state of a lifecycle: a member of an exempt enum (DeliveryStatus.FAILED),
    or a string that no lifecycle has (the `genba plan` document's "optimal" / "feasible")."""
    if isinstance(value, ast.IfExp):
        return _is_exempt_value(value.body) and _is_exempt_value(value.orelse)
    if isinstance(value, ast.Constant):
        return isinstance(value.value, str) and value.value not in LIFECYCLE_STATES
    return (
        isinstance(value, ast.Attribute)
        and isinstance(value.value, ast.Name)
        and value.value.id in NOT_A_LIFECYCLE
    )


def _dict_names(scope) -> set[str]:
    """Names bound to a dict in this function or module (`data: dict = {...}`, `x = dict(...)`):
    their `.update(status=...)` fills a document, not a table."""
    names = set()
    for node in ast.walk(scope):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            annotated = ast.unparse(node.annotation).split("[")[0]
            if annotated in ("dict", "Dict") or isinstance(node.value, ast.Dict):
                names.add(node.target.id)
        elif isinstance(node, ast.Assign) and (
            isinstance(node.value, (ast.Dict, ast.DictComp))
            or (
                isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Name)
                and node.value.func.id == "dict"
            )
        ):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _targets(node):
    for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
        if isinstance(target, (ast.Tuple, ast.List)):
            yield from target.elts
        else:
            yield target


class _Finder(ast.NodeVisitor):
    def __init__(self):
        self.found: list[tuple[int, str]] = []
        self.dicts: list[set[str]] = []
        self.classes: list[ast.ClassDef] = []

    def _scope(self, node):
        self.dicts.append(_dict_names(node))
        self.generic_visit(node)
        self.dicts.pop()

    visit_Module = visit_FunctionDef = visit_AsyncFunctionDef = _scope

    def visit_ClassDef(self, node):
        self.classes.append(node)
        self.generic_visit(node)
        self.classes.pop()

    def _own_field_of_a_plain_class(self, target) -> bool:
        """`self.status = ...` in a class that is no model (an error's HTTP status, say)."""
        if not (isinstance(target.value, ast.Name) and target.value.id == "self" and self.classes):
            return False
        bases = [ast.unparse(b) for b in self.classes[-1].bases]
        return not any(b.endswith("Model") for b in bases)

    def _flag(self, node, what):
        self.found.append((node.lineno, what))

    def _assignment(self, node):
        value = getattr(node, "value", None)
        for target in _targets(node):
            if (
                isinstance(target, ast.Attribute)
                and target.attr == "status"
                and not self._own_field_of_a_plain_class(target)
            ):
                # x.status += ... makes a new value from the old: never exempt.
                if isinstance(node, ast.AugAssign) or not _is_exempt_value(value):
                    self._flag(node, f"{ast.unparse(target)} = ...")
        self.generic_visit(node)

    visit_Assign = visit_AugAssign = visit_AnnAssign = _assignment

    def visit_Call(self, node):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        if name == "setattr" and len(node.args) >= 2 and _is_status_string(node.args[1]):
            if len(node.args) < 3 or not _is_exempt_value(node.args[2]):
                self._flag(node, "setattr(..., 'status', ...)")
        elif name == "update" and "status" in keywords:
            receiver = func.value if isinstance(func, ast.Attribute) else None
            a_dict = isinstance(receiver, ast.Name) and any(
                receiver.id in names for names in self.dicts
            )
            if not a_dict and not _is_exempt_value(keywords["status"]):
                self._flag(node, f"{ast.unparse(func)}(status=...)")
        elif name == "bulk_update":
            fields = keywords.get("fields", node.args[1] if len(node.args) > 1 else None)
            if fields is not None and _names_a_status(fields):
                self._flag(node, "bulk_update(..., ['status'])")
        elif name == "update_or_create":
            defaults = keywords.get("defaults")
            if isinstance(defaults, ast.Dict) and any(_is_status_string(k) for k in defaults.keys):
                self._flag(node, "update_or_create(defaults={'status': ...})")
        self.generic_visit(node)


def status_writes(source: str) -> list[tuple[int, str]]:
    """(line, what) for each write of a status field in the source."""
    finder = _Finder()
    finder.visit(ast.parse(source))
    return sorted(finder.found)


def test_no_module_writes_a_status_but_the_transitions():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path == THE_ONE_WRITER:
            continue
        try:
            writes = status_writes(path.read_text(encoding="utf-8"))
        except SyntaxError as error:
            writes = [(error.lineno or 0, f"does not parse: {error.msg}")]
        for line, what in writes:
            found.append(f"{path.relative_to(SRC.parent)}:{line}: {what}")
    assert not found, "status written outside core/transitions.py:\n" + "\n".join(found)


def test_the_transitions_module_is_where_the_status_is_written():
    # The one exemption names the file that really writes (were `move` to move, this says so).
    writes = status_writes(THE_ONE_WRITER.read_text(encoding="utf-8"))
    assert [what for _, what in writes] == ["obj.status = ..."]


def test_the_exempt_status_is_not_a_lifecycle():
    for enum_name, model in NOT_A_LIFECYCLE.items():
        assert model._meta.get_field("status").choices == DeliveryStatus.choices, enum_name
        assert model not in LIFECYCLES
    for model, states in LIFECYCLES.items():
        assert model._meta.get_field("status").choices == states.choices


PLANTED = """
from genba.orders.models import RequestStatus, ServiceRequest


def sneak(request, visit, qs, pk, to_state):
    request.status = RequestStatus.APPROVED
    visit.status, visit.notes = "cancelled", ""
    setattr(request, "status", "paid")
    ServiceRequest.objects.filter(pk=pk).update(
        title="x",
        status=RequestStatus.DECLINED,
    )
    qs.update(status="paid")
    qs.update(status=to_state)
    ServiceRequest.objects.bulk_update([request], ["title", "status"])
    ServiceRequest.objects.update_or_create(pk=pk, defaults={"status": "paid"})


class Visit(models.Model):
    def close(self):
        self.status = "cancelled"
"""

ALLOWED = """
from genba.messaging.webhooks.models import DeliveryStatus
from genba.orders.models import RequestStatus, ServiceRequest


def fine(organization, delivery, to_state, solve, proven):
    ServiceRequest.objects.create(organization=organization, status=RequestStatus.DRAFT)
    request = ServiceRequest(organization=organization, status=RequestStatus.DRAFT)
    delivery.status = DeliveryStatus.FAILED
    payload: dict = {"request": request.public_id}
    payload.update(status=to_state)
    plan = solve()
    plan.update(status="optimal" if proven else "feasible")
    ServiceRequest.objects.filter(status=RequestStatus.DRAFT).update(title="x")
    # request.status = "paid" in a comment is no write
    return "request.status = 'paid'"


class Refused(ValueError):
    def __init__(self, status: int = 422):
        self.status = status
"""


def test_a_planted_write_is_caught(tmp_path):
    planted = tmp_path / "sneaky.py"
    planted.write_text(PLANTED, encoding="utf-8")
    assert [what for _, what in status_writes(planted.read_text(encoding="utf-8"))] == [
        "request.status = ...",
        "visit.status = ...",
        "setattr(..., 'status', ...)",
        "ServiceRequest.objects.filter(pk=pk).update(status=...)",
        "qs.update(status=...)",
        "qs.update(status=...)",
        "bulk_update(..., ['status'])",
        "update_or_create(defaults={'status': ...})",
        "self.status = ...",
    ]


def test_creation_a_delivery_log_and_documents_are_not_writes():
    assert status_writes(ALLOWED) == []


@pytest.mark.parametrize("line", ["x.status += '_a'", "x.status: str = 'paid'", "x.status = y"])
def test_every_form_of_assignment_is_caught(line):
    assert status_writes(line) != []
