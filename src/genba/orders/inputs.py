"""What a customer may send to create or change a request: one definition for the API and the pages.

Types and bounds are checked here (a wrong type is refused with the field named); whether the order
is complete is the completeness check's job, so a request with gaps can still be saved.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20000)]
PublicId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)]
SkillLevelIn = Literal["entry", "senior", "specialist"]
LanguageIn = Literal["en", "ja"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SiteIn(_In):
    name: Text = ""
    company_name: Text = ""
    postal_code: Annotated[str, StringConstraints(strip_whitespace=True, max_length=10)] = ""
    prefecture: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    city: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    street: Text = ""
    building: Text = ""
    floor: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    room: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    entry_instructions: LongText = ""
    maps_url: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    is_datacenter: bool = False
    latitude: Decimal | None = Field(default=None, ge=-90, le=90, decimal_places=6)
    longitude: Decimal | None = Field(default=None, ge=-180, le=180, decimal_places=6)


class ContactIn(_In):
    name: Text = ""
    company: Text = ""
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    email: Annotated[str, StringConstraints(strip_whitespace=True, max_length=254)] = ""
    skype: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    whatsapp: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    line: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    language: Literal["en", "ja", ""] = ""


class VisitIn(_In):
    scheduled_start: AwareDatetime | None = None
    # Bounds keep the value storable; "positive and at most 24" is a finding, not a refusal.
    reserved_hours: Decimal | None = Field(default=None, ge=-999, le=999, decimal_places=2)


class EquipmentIn(_In):
    make: Text = ""
    model: Text = ""
    serial: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    quantity: int = Field(default=1, ge=1, le=1000)
    description: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""


class PaperworkIn(_In):
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)
    ]
    done: bool = False


class RequestIn(_In):
    """A new request, or (with only the fields to change) an update of a draft."""

    title: Text = ""
    reference: Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)] = ""
    work_description: LongText = ""
    skill_level: SkillLevelIn | None = None
    engineers: int | None = Field(default=None, ge=-100, le=100)
    languages: list[LanguageIn] = Field(default_factory=list, max_length=2)
    urgency: int = Field(default=1, ge=1, le=4)
    sla_requested: bool = False
    force_without_local_contact: bool = False
    datacenter_reference: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=100)
    ] = ""
    customer_notes: LongText = ""
    site: SiteIn | None = None
    site_id: PublicId | None = None
    local_contact: ContactIn | None = None
    local_contact_id: PublicId | None = None
    remote_engineer: ContactIn | None = None
    remote_engineer_id: PublicId | None = None
    visits: list[VisitIn] = Field(default_factory=list, max_length=31)
    equipment: list[EquipmentIn] = Field(default_factory=list, max_length=500)
    items_to_bring: list[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    ] = Field(default_factory=list, max_length=100)
    paperwork: list[PaperworkIn] = Field(default_factory=list, max_length=50)
