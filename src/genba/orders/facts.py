"""Plain values the completeness check reads: no Django here, so the check stays a pure function.

`orders.selectors.request_facts()` builds these from the models; tests build them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from typing import Any

SKILL_LEVELS = ("entry", "senior", "specialist")
LANGUAGES = ("en", "ja")


@dataclass(frozen=True)
class CoverageRule:
    """One row of the coverage table: a whole prefecture (municipality_code None) or one municipality."""

    prefecture: str  # Japanese name, e.g. "東京都"
    municipality_code: str | None  # JIS X 0402 five-digit code, e.g. "13101"
    zone: str
    travel_required: bool = False


@dataclass(frozen=True)
class PolicyRules:
    key: str
    time_zone: str
    business_days: tuple[int, ...]  # 0 = Monday
    business_start: time
    business_end: time
    holidays_after_hours: bool
    year_end_closure: bool
    minimum_hours: Decimal
    default_reserved_hours: Decimal
    min_lead_hours: int
    reference_required_before_release: bool
    equipment_list_required: bool
    datacenter_reference_required: bool
    remote_engineer_required: bool
    maps_url_expected: bool
    default_skill_level: str
    default_engineers: int
    standard_equipment: tuple[str, ...]
    coverage: tuple[CoverageRule, ...] = ()

    @classmethod
    def from_dict(
        cls, data: dict[str, Any], coverage: tuple[CoverageRule, ...] = ()
    ) -> PolicyRules:
        """From a preset document (contracts/presets/*.json) or a Policy row's values."""

        def as_time(value: Any) -> time:
            return value if isinstance(value, time) else time.fromisoformat(value)

        return cls(
            key=data["key"],
            time_zone=data["time_zone"],
            business_days=tuple(data["business_days"]),
            business_start=as_time(data["business_start"]),
            business_end=as_time(data["business_end"]),
            holidays_after_hours=bool(data["holidays_after_hours"]),
            year_end_closure=bool(data["year_end_closure"]),
            minimum_hours=Decimal(str(data["minimum_hours"])),
            default_reserved_hours=Decimal(str(data["default_reserved_hours"])),
            min_lead_hours=int(data["min_lead_hours"]),
            reference_required_before_release=bool(data["reference_required_before_release"]),
            equipment_list_required=bool(data["equipment_list_required"]),
            datacenter_reference_required=bool(data["datacenter_reference_required"]),
            remote_engineer_required=bool(data["remote_engineer_required"]),
            maps_url_expected=bool(data["maps_url_expected"]),
            default_skill_level=data["default_skill_level"],
            default_engineers=int(data["default_engineers"]),
            standard_equipment=tuple(data["standard_equipment"]),
            coverage=coverage,
        )


@dataclass(frozen=True)
class ContractFacts:
    kind: str  # "retainer" or "ad_hoc"
    active: bool


@dataclass(frozen=True)
class ContactFacts:
    name: str = ""
    phone_input: str = ""  # as the customer typed it; normalised to E.164 by core.phones
    email: str = ""
    skype: str = ""
    whatsapp: str = ""
    line: str = ""


@dataclass(frozen=True)
class SiteFacts:
    postal_code: str = ""
    prefecture: str = ""  # as given: Japanese ("東京都") or English ("Tokyo")
    city: str = ""
    street: str = ""
    floor: str = ""
    entry_instructions: str = ""
    maps_url: str = ""
    is_datacenter: bool = False


@dataclass(frozen=True)
class VisitFacts:
    scheduled_start: datetime | None = None  # aware
    reserved_hours: Decimal | None = None


@dataclass(frozen=True)
class EquipmentFacts:
    make: str = ""
    model: str = ""
    serial: str = ""


@dataclass(frozen=True)
class PaperworkFacts:
    description: str = ""
    done: bool = False


@dataclass(frozen=True)
class RequestFacts:
    reference: str = ""  # PO / case / ticket number
    skill_level: str | None = None
    skill_level_defaulted: bool = False  # the default was applied earlier and recorded
    engineers: int | None = None
    languages: tuple[str, ...] = ()
    work_description: str = ""
    urgency: int = 1  # 1..4; 4 = visit immediately
    sla_requested: bool = False
    call_recorded: bool = False  # a phone call with the provider is recorded on the request
    force_without_local_contact: bool = False
    has_work_instructions: bool = False  # a work-instructions document is attached
    datacenter_reference: str = ""
    reserved_hours_defaulted: bool = False  # the default was applied earlier and recorded
    site: SiteFacts | None = None
    local_contact: ContactFacts | None = None
    remote_engineer: ContactFacts | None = None
    other_contacts: tuple[ContactFacts, ...] = ()
    visits: tuple[VisitFacts, ...] = ()
    equipment: tuple[EquipmentFacts, ...] = ()
    items_to_bring: tuple[str, ...] = ()
    paperwork: tuple[PaperworkFacts, ...] = field(default_factory=tuple)
