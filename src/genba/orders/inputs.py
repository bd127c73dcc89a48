"""What a customer may send to create or change a request: one definition for the API and the pages.

Types and bounds are checked here (a wrong type is refused with the field named); whether the order
is complete is the completeness check's job, so a request with gaps can still be saved.

Every bound comes from genba.core.bounds (one place per kind): each string's max_length is its
model column's (tests/security/test_bounds_schemas.py compares them), text refuses NUL and control
characters, a planned start lies in the window bounds.PLANNED_PAST .. PLANNED_AHEAD around now, the
map link is https. Values the rulebook makes findings rather than refusals (reserved hours outside
(0, 24], engineers outside 1..10) are only bounded by what their columns hold.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from genba.core.bounds import (
    MapsUrl,
    MultiLineText,
    PlannedInstant,
    ReservedHours,
    SingleLineText,
)
from genba.core.bounds import (
    PublicIdText as _PublicIdText,
)

# A text column of the request, its site or its contacts (TextField): bounded all the same.
LONG_TEXT = 20000
Text = SingleLineText(200)
LongText = MultiLineText(LONG_TEXT)
# One line of at most N characters, N being the column's max_length.
Line10 = SingleLineText(10)
Line40 = SingleLineText(40)
Line100 = SingleLineText(100)
Line200 = SingleLineText(200)
Line254 = SingleLineText(254)
Line300 = SingleLineText(300)
RequiredLine200 = SingleLineText(200, min_length=1)
RequiredLine300 = SingleLineText(300, min_length=1)
PublicId = _PublicIdText()
SkillLevelIn = Literal["entry", "senior", "specialist"]
LanguageIn = Literal["en", "ja"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SiteIn(_In):
    name: Line200 = ""
    company_name: Line200 = ""
    postal_code: Line10 = ""
    prefecture: Line40 = ""
    city: Line100 = ""
    street: Line200 = ""
    building: Line200 = ""
    floor: Line40 = ""
    room: Line100 = ""
    entry_instructions: LongText = ""
    maps_url: MapsUrl = ""
    is_datacenter: bool = False
    latitude: Decimal | None = Field(default=None, ge=-90, le=90, decimal_places=6)
    longitude: Decimal | None = Field(default=None, ge=-180, le=180, decimal_places=6)


class ContactIn(_In):
    name: Line200 = ""
    company: Line200 = ""
    # phone_input's column: the number as typed (phone holds its E.164 form).
    phone: Line40 = ""
    email: Line254 = ""
    skype: Line100 = ""
    whatsapp: Line40 = ""
    line: Line100 = ""
    language: Literal["en", "ja", ""] = ""


class VisitIn(_In):
    # Aware, and within the planning window: a start the database cannot store and read back
    # (0001-01-01, 9999-12-31) never reaches it.
    scheduled_start: PlannedInstant | None = None
    # Bounds keep the value storable; "positive and at most 24" is a finding, not a refusal.
    reserved_hours: ReservedHours | None = None


class EquipmentIn(_In):
    make: Line100 = ""
    model: Line100 = ""
    serial: Line100 = ""
    quantity: int = Field(default=1, ge=1, le=1000)
    description: Line300 = ""


class PaperworkIn(_In):
    description: RequiredLine300
    done: bool = False


class RequestIn(_In):
    """A new request, or (with only the fields to change) an update of a draft."""

    title: Line200 = ""
    reference: Line100 = ""
    work_description: LongText = ""
    skill_level: SkillLevelIn | None = None
    # The column holds a small integer; 1..10 is the finding request.engineers.invalid.
    engineers: int | None = Field(default=None, ge=-100, le=100)
    languages: list[LanguageIn] = Field(default_factory=list, max_length=2)
    urgency: int = Field(default=1, ge=1, le=4)
    sla_requested: bool = False
    force_without_local_contact: bool = False
    datacenter_reference: Line100 = ""
    customer_notes: LongText = ""
    site: SiteIn | None = None
    site_id: PublicId | None = None
    local_contact: ContactIn | None = None
    local_contact_id: PublicId | None = None
    remote_engineer: ContactIn | None = None
    remote_engineer_id: PublicId | None = None
    visits: list[VisitIn] = Field(default_factory=list, max_length=31)
    equipment: list[EquipmentIn] = Field(default_factory=list, max_length=500)
    items_to_bring: list[RequiredLine200] = Field(default_factory=list, max_length=100)
    paperwork: list[PaperworkIn] = Field(default_factory=list, max_length=50)
