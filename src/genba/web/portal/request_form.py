"""The request form: one page of fieldsets plus repeated rows, read into an orders.inputs.RequestIn.

The form always sends the whole order, so an edit replaces every part (what the API's PATCH does for
the fields it is sent). Blank rows are dropped; a row the customer half filled still counts, so the
completeness check can name what it lacks.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.forms import formset_factory
from pydantic import ValidationError as PydanticError

from genba.core.clock import JST
from genba.core.errors import GenbaError
from genba.orders.inputs import RequestIn, SiteIn
from genba.pricing.document import plain
from genba.web.errors import attach_problems
from genba.web.portal.forms import (
    EquipmentRowForm,
    ItemRowForm,
    PaperworkRowForm,
    RequestForm,
    VisitRowForm,
)

# The site as the form shows it: every field of SiteIn but the coordinates (set by the back office).
SITE_KEYS = tuple(k for k in SiteIn.model_fields if k not in ("latitude", "longitude"))
LOCAL_KEYS = ("name", "company", "phone", "email")
REMOTE_KEYS = ("name", "company", "phone", "email", "skype", "whatsapp", "line", "language")
# RequestIn's nested objects -> the prefix of their fields on the form.
NESTED = {"site": "site", "local_contact": "local", "remote_engineer": "remote"}
SCALARS = (
    "title",
    "reference",
    "work_description",
    "skill_level",
    "engineers",
    "languages",
    "urgency",
    "sla_requested",
    "force_without_local_contact",
    "datacenter_reference",
    "customer_notes",
)
# Each list of RequestIn: (form prefix, row form, the row field a bare list item maps to).
ROWS = {
    "visits": ("visits", VisitRowForm, "date"),
    "equipment": ("equipment", EquipmentRowForm, "make"),
    "items_to_bring": ("items", ItemRowForm, "name"),
    "paperwork": ("paperwork", PaperworkRowForm, "description"),
}
ROW_FIELDS = {"scheduled_start": "date", "reserved_hours": "hours"}
BLANK_ROWS = {"visits": 1, "equipment": 3, "items_to_bring": 3, "paperwork": 2}
_PATH = re.compile(r"^(?P<list>\w+)\[(?P<index>\d+)\](?:\.(?P<field>\w+))?$")


class RequestFormBundle:
    """The main form and its four row formsets, read and validated together."""

    def __init__(self, data=None, *, initial: dict | None = None, rows: dict | None = None):
        rows = rows or {}
        self.main = RequestForm(data, initial=initial or {})
        self.formsets = {}
        for key, (prefix, form_class, _first) in ROWS.items():
            given = rows.get(key, [])
            extra = BLANK_ROWS[key] + (1 if key == "visits" and not given else 0)
            formset_class = formset_factory(form_class, extra=extra)
            self.formsets[key] = formset_class(data, prefix=prefix, initial=given)
        # The payload's list positions -> the row form they came from (blank rows are skipped).
        self.row_forms: dict[str, list] = {key: [] for key in ROWS}

    @property
    def visits(self):
        return self.formsets["visits"]

    @property
    def equipment(self):
        return self.formsets["equipment"]

    @property
    def items(self):
        return self.formsets["items_to_bring"]

    @property
    def paperwork(self):
        return self.formsets["paperwork"]

    def is_valid(self) -> bool:
        results = [self.main.is_valid()] + [fs.is_valid() for fs in self.formsets.values()]
        return all(results)

    def has_errors(self) -> bool:
        return bool(
            self.main.errors
            or any(
                f.errors or fs.non_form_errors() for fs in self.formsets.values() for f in fs.forms
            )
        )

    # --- the RequestIn -----------------------------------------------------------------------

    def payload(self) -> dict:
        """The order as the API's JSON, from the fields that validated (call is_valid first); an
        unbound form gives its initial values (the saved request being edited)."""
        bound = self.main.is_bound
        m = getattr(self.main, "cleaned_data", {}) if bound else self.main.initial

        def nested(prefix: str, keys: tuple[str, ...]):
            values = {k: m.get(f"{prefix}_{k}") or _EMPTY.get(k, "") for k in keys}
            return values if any(values.values()) else None

        data = {name: m.get(name) for name in SCALARS}
        data.update(
            title=data["title"] or "",
            reference=data["reference"] or "",
            work_description=data["work_description"] or "",
            skill_level=data["skill_level"] or None,
            languages=list(data["languages"] or []),
            urgency=int(data["urgency"] or 1),
            sla_requested=bool(data["sla_requested"]),
            force_without_local_contact=bool(data["force_without_local_contact"]),
            datacenter_reference=data["datacenter_reference"] or "",
            customer_notes=data["customer_notes"] or "",
            site=nested("site", SITE_KEYS),
            local_contact=nested("local", LOCAL_KEYS),
            remote_engineer=nested("remote", REMOTE_KEYS),
        )
        for key in ROWS:
            self.row_forms[key] = []
            data[key] = []
            for form in self.formsets[key].forms:
                row = getattr(form, "cleaned_data", None) if bound else form.initial
                if not row or is_blank(key, row):
                    continue
                self.row_forms[key].append(form)
                data[key].append(_row_value(key, row))
        return data

    def to_input(self) -> RequestIn | None:
        """The RequestIn, or None with the reasons put next to the fields."""
        try:
            return RequestIn.model_validate(self.payload())
        except PydanticError as error:
            for item in error.errors():
                self._add_error(item["loc"], item["msg"])
            return None

    def _add_error(self, loc: tuple, message: str) -> None:
        head = loc[0] if loc else None
        if head in NESTED and len(loc) > 1:
            name = f"{NESTED[head]}_{loc[1]}"
            if name in self.main.fields:
                self.main.add_error(name, message)
                return
        if head in ROWS and len(loc) > 1 and isinstance(loc[1], int):
            forms = self.row_forms[head]
            if loc[1] < len(forms):
                field = ROW_FIELDS.get(loc[2], loc[2]) if len(loc) > 2 else ROWS[head][2]
                form = forms[loc[1]]
                form.add_error(field if field in form.fields else None, message)
                return
        if head in self.main.fields:
            self.main.add_error(head, message)
            return
        self.main.add_error(None, f"{'.'.join(str(p) for p in loc)}: {message}")

    def attach(self, error: GenbaError) -> None:
        """A service's refusal, next to the fields it names."""
        attach_problems(
            self.main,
            error,
            field_map={
                "site": "site_name",
                "site_id": "site_name",
                "local_contact": "local_name",
                "local_contact_id": "local_name",
                "remote_engineer": "remote_name",
                "remote_engineer_id": "remote_name",
            },
        )

    # --- where a finding points ----------------------------------------------------------------

    def anchor(self, path: str) -> str:
        """The id of the input a finding's `field` names, so the panel can link to it."""
        return field_anchor(path, self.row_forms)


_EMPTY = {"is_datacenter": False}
_CONTENT = {
    "visits": ("date", "time", "hours"),
    "equipment": ("make", "model", "serial", "description"),
    "items_to_bring": ("name",),
    "paperwork": ("description",),
}


def is_blank(key: str, row: dict) -> bool:
    """A row with nothing typed in it (a quantity or a tick alone does not make a line)."""
    return all(row.get(name) in (None, "") for name in _CONTENT[key])


def _row_value(key: str, row: dict):
    if key == "visits":
        start = None
        if row.get("date") and row.get("time") is not None:
            start = datetime.combine(row["date"], row["time"], tzinfo=JST)
        return {"scheduled_start": start, "reserved_hours": row.get("hours")}
    if key == "equipment":
        return {
            "make": row.get("make") or "",
            "model": row.get("model") or "",
            "serial": row.get("serial") or "",
            "quantity": row.get("quantity") or 1,
            "description": row.get("description") or "",
        }
    if key == "items_to_bring":
        return row["name"]
    return {"description": row.get("description") or "", "done": bool(row.get("done"))}


def field_anchor(path: str, row_forms: dict | None = None) -> str:
    """`site.postal_code` -> `id_site_postal_code`; `visits[1].scheduled_start` -> the date
    input of the row that became visit 2."""
    head, _dot, rest = path.partition(".")
    if head in NESTED:
        return f"id_{NESTED[head]}_{rest or 'name'}"
    match = _PATH.match(path)
    if match and match["list"] in ROWS:
        key = match["list"]
        index = int(match["index"])
        forms = (row_forms or {}).get(key) or []
        prefix = forms[index].prefix if index < len(forms) else f"{ROWS[key][0]}-{index}"
        field = ROW_FIELDS.get(match["field"] or "", match["field"] or ROWS[key][2])
        return f"id_{prefix}-{field}"
    if head in ROWS:
        return f"id_{ROWS[head][0]}-0-{ROWS[head][2]}"
    if head == "languages":
        return "id_languages_0"
    return f"id_{head}"


def initial_from_request(request) -> tuple[dict, dict]:
    """The form's initial values and rows for an existing request (reads prefetched rows)."""
    initial = {name: getattr(request, name) for name in SCALARS}
    initial["skill_level"] = "" if request.skill_level_defaulted else request.skill_level
    site = request.site
    if site is not None:
        initial.update({f"site_{k}": getattr(site, k) for k in SITE_KEYS})
    for prefix, contact, keys in (
        ("local", request.local_contact, LOCAL_KEYS),
        ("remote", request.remote_engineer, REMOTE_KEYS),
    ):
        if contact is not None:
            initial.update(
                {
                    f"{prefix}_{k}": contact.phone_input if k == "phone" else getattr(contact, k)
                    for k in keys
                }
            )

    def local(start):
        try:
            return start.astimezone(JST) if start else None
        except OverflowError:  # stored near the year 9999 (issue 11): the customer enters it anew
            return None

    rows = {
        "visits": [
            {
                "date": local(v.scheduled_start).date() if local(v.scheduled_start) else None,
                "time": local(v.scheduled_start).time().replace(tzinfo=None)
                if local(v.scheduled_start)
                else None,
                "hours": None if v.reserved_hours_defaulted else plain(v.reserved_hours),
            }
            for v in request.visits.all()
            if v.status != "cancelled"
        ],
        "equipment": [
            {
                "make": e.make,
                "model": e.model,
                "serial": e.serial,
                "quantity": e.quantity,
                "description": e.description,
            }
            for e in request.equipment.all()
        ],
        "items_to_bring": [{"name": i.name} for i in request.items_to_bring.all()],
        "paperwork": [
            {"description": p.description, "done": p.done} for p in request.paperwork.all()
        ],
    }
    return initial, rows
