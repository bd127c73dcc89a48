"""The completeness check of rulebook §2, under the two presets; and the building blocks it stands on
(prefectures, postal codes, phones, e-mail). Pure: no database, no Django."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import genba
from genba.core.phones import normalize_email, normalize_phone
from genba.core.prefectures import (
    PREFECTURES,
    lookup_postal_code,
    normalize_postal_code,
    normalize_prefecture,
    prefecture_by_code,
    prefecture_by_name,
)
from genba.orders.completeness import (
    CODES,
    ERROR,
    INFO,
    SEVERITIES,
    WARNING,
    Finding,
    check,
    coverage_for,
    has_blocking,
)
from genba.orders.facts import (
    ContactFacts,
    ContractFacts,
    CoverageRule,
    EquipmentFacts,
    PaperworkFacts,
    PolicyRules,
    RequestFacts,
    SiteFacts,
    VisitFacts,
)

JST = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=JST)  # a Monday
PRESETS = ("ecorpone", "tokyo-its")
PRESET_DIR = Path(genba.__file__).parent / "contracts" / "presets"

COVERAGE = (
    CoverageRule(prefecture="東京都", municipality_code=None, zone="A"),
    CoverageRule(prefecture="神奈川県", municipality_code=None, zone="A"),
    CoverageRule(prefecture="大阪府", municipality_code=None, zone="C", travel_required=True),
)


def policy(key: str, **overrides: Any) -> PolicyRules:
    data = json.loads((PRESET_DIR / f"{key}.json").read_text(encoding="utf-8"))
    return replace(PolicyRules.from_dict(data, coverage=COVERAGE), **overrides)


def jst(*args: int) -> datetime:
    return datetime(*args, tzinfo=JST)


# --- a complete request, and its parts -------------------------------------------------------------


def visit(start: datetime | None = None, hours: str | None = "3") -> VisitFacts:
    # Tuesday 10:00 for 3 h: inside business hours and at least the minimum under both presets.
    return VisitFacts(
        scheduled_start=jst(2026, 12, 8, 10) if start is None else start,
        reserved_hours=None if hours is None else Decimal(hours),
    )


def complete_site(**overrides: Any) -> SiteFacts:
    values: dict[str, Any] = {
        "postal_code": "100-0005",
        "prefecture": "東京都",
        "city": "千代田区",
        "street": "丸の内1-1-1 パレスビル",
        "floor": "5F, server room 501",
        "entry_instructions": "Reception on 1F; show photo ID and the visit reference.",
        "maps_url": "https://maps.app.goo.gl/AbCdEf123",
        "is_datacenter": True,
    }
    return SiteFacts(**{**values, **overrides})


def local_contact(**overrides: Any) -> ContactFacts:
    values = {"name": "Sato Hanako", "phone_input": "03-1234-5678", "email": "sato@example.co.jp"}
    return ContactFacts(**{**values, **overrides})


def remote_engineer(**overrides: Any) -> ContactFacts:
    values = {
        "name": "Jane Doe",
        "phone_input": "+1 415 555 0132",
        "email": "jane.doe@example.com",
        "skype": "",
    }
    return ContactFacts(**{**values, **overrides})


def complete_request(**overrides: Any) -> RequestFacts:
    """A request with nothing missing under either preset (checked at NOW)."""
    values: dict[str, Any] = {
        "reference": "PO-4711",
        "skill_level": "senior",
        "engineers": 1,
        "languages": ("en", "ja"),
        "work_description": "Replace the failed disk in slot 3 of the storage array and rebuild RAID.",
        "urgency": 2,
        "datacenter_reference": "DC-VISIT-2026-0042",
        "site": complete_site(),
        "local_contact": local_contact(),
        "remote_engineer": remote_engineer(),
        "visits": (visit(),),
        "equipment": (EquipmentFacts(make="NetApp", model="FAS2750", serial="SN123456"),),
        "items_to_bring": ("laptop", "console cable"),
        "paperwork": (PaperworkFacts(description="NDA", done=True),),
    }
    return RequestFacts(**{**values, **overrides})


def run(
    request: RequestFacts,
    preset: str = "tokyo-its",
    contract: ContractFacts | None = None,
    now: datetime = NOW,
    **policy_overrides: Any,
) -> list[Finding]:
    return check(request, policy(preset, **policy_overrides), contract, now=now)


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def of(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


@pytest.mark.parametrize("preset", PRESETS)
def test_a_complete_request_has_no_findings(preset: str) -> None:
    assert run(complete_request(), preset) == []


# --- every code: one case that raises it, one that clears it ---------------------------------------


@dataclass(frozen=True)
class Case:
    code: str
    request: RequestFacts
    preset: str = "tokyo-its"
    severity: str = ERROR  # expected when raising
    field: str = ""  # expected when raising
    contract: ContractFacts | None = None
    policy: dict[str, Any] = dataclasses.field(default_factory=dict)


def raises(
    name: str, code: str, severity: str, field: str, request: RequestFacts, **kw: Any
) -> Any:
    return pytest.param(Case(code, request, severity=severity, field=field, **kw), id=name)


def clears(name: str, code: str, request: RequestFacts, **kw: Any) -> Any:
    return pytest.param(Case(code, request, **kw), id=name)


R = complete_request
S = complete_site
RETAINER = ContractFacts(kind="retainer", active=True)
ENTRY_ALONE = {"skill_level": "entry", "remote_engineer": None}

# fmt: off
RAISERS = [
    raises("reference_missing_is_error_under_tokyo_its", "request.reference.missing", ERROR, "reference", R(reference=" ")),
    raises("reference_missing_is_warning_under_ecorpone", "request.reference.missing", WARNING, "reference", R(reference=""), preset="ecorpone"),
    raises("no_visit_is_start_missing", "request.start.missing", ERROR, "visits", R(visits=())),
    raises("visit_without_start_is_start_missing", "request.start.missing", ERROR, "visits[0].scheduled_start", R(visits=(VisitFacts(reserved_hours=Decimal(3)),))),
    raises("start_in_the_past", "request.start.past", ERROR, "visits[0].scheduled_start", R(visits=(visit(NOW - timedelta(minutes=1)),))),
    raises("start_within_lead_time_without_call", "request.start.short_notice", ERROR, "visits[0].scheduled_start", R(visits=(visit(jst(2026, 11, 30, 14)),))),
    raises("start_before_business_hours_is_after_hours_under_tokyo_its", "request.start.after_hours", INFO, "visits[0].scheduled_start", R(visits=(visit(jst(2026, 12, 8, 9)),))),
    raises("visit_on_saturday_is_after_hours_under_ecorpone", "request.start.after_hours", INFO, "visits[0].scheduled_start", R(visits=(visit(jst(2026, 12, 5, 10)),)), preset="ecorpone"),
    raises("no_reserved_hours_is_defaulted", "request.reserved_hours.defaulted", INFO, "visits[0].reserved_hours", R(visits=(visit(hours=None),))),
    raises("recorded_default_is_defaulted", "request.reserved_hours.defaulted", INFO, "visits[0].reserved_hours", R(reserved_hours_defaulted=True)),
    raises("two_hours_is_below_minimum_under_tokyo_its", "request.reserved_hours.below_minimum", INFO, "visits[0].reserved_hours", R(visits=(visit(hours="2"),))),
    raises("zero_hours_is_invalid", "request.reserved_hours.invalid", ERROR, "visits[0].reserved_hours", R(visits=(visit(hours="0"),))),
    raises("more_than_24_hours_is_invalid", "request.reserved_hours.invalid", ERROR, "visits[0].reserved_hours", R(visits=(visit(hours="24.5"),))),
    raises("no_skill_level_is_defaulted", "request.skill_level.defaulted", INFO, "skill_level", R(skill_level=None)),
    raises("recorded_default_skill_is_defaulted", "request.skill_level.defaulted", INFO, "skill_level", R(skill_level="entry", skill_level_defaulted=True)),
    raises("no_engineer_is_invalid", "request.engineers.invalid", ERROR, "engineers", R(engineers=0)),
    raises("eleven_engineers_is_invalid", "request.engineers.invalid", ERROR, "engineers", R(engineers=11)),
    raises("no_language", "request.language.missing", ERROR, "languages", R(languages=())),
    raises("no_work_description", "request.work_description.missing", ERROR, "work_description", R(work_description="")),
    raises("work_description_of_29_characters", "request.work_description.missing", ERROR, "work_description", R(work_description="  " + "x" * 29 + "  ")),
    raises("no_equipment_is_error_under_tokyo_its", "request.equipment.missing", ERROR, "equipment", R(equipment=())),
    raises("no_equipment_is_warning_under_ecorpone", "request.equipment.missing", WARNING, "equipment", R(equipment=()), preset="ecorpone"),
    raises("equipment_without_serial", "request.equipment.serial_missing", WARNING, "equipment[1].serial", R(equipment=(EquipmentFacts("Cisco", "C9300", "FOC1"), EquipmentFacts("Cisco", "C9200", " ")))),
    raises("router_is_non_standard", "request.items.non_standard", WARNING, "items_to_bring[2]", R(items_to_bring=("laptop", "screwdriver", "router"))),
    raises("paperwork_not_done", "request.paperwork.pending", ERROR, "paperwork[1]", R(paperwork=(PaperworkFacts("NDA", True), PaperworkFacts("Scanned photo ID", False)))),
    raises("entry_level_alone_needs_assistance", "request.assistance.required", ERROR, "remote_engineer", R(**ENTRY_ALONE)),
    raises("default_skill_alone_needs_assistance", "request.assistance.required", ERROR, "remote_engineer", R(skill_level=None, remote_engineer=None)),
    raises("urgency_4_without_call", "request.urgent.call_required", ERROR, "urgency", R(urgency=4)),
    raises("sla_without_contract", "request.sla.no_retainer", WARNING, "sla_requested", R(sla_requested=True)),
    raises("sla_with_ad_hoc_contract", "request.sla.no_retainer", WARNING, "sla_requested", R(sla_requested=True), contract=ContractFacts("ad_hoc", True)),
    raises("sla_with_inactive_retainer", "request.sla.no_retainer", WARNING, "sla_requested", R(sla_requested=True), contract=ContractFacts("retainer", False)),
    raises("no_site", "site.missing", ERROR, "site", R(site=None)),
    raises("no_prefecture", "site.address.incomplete", ERROR, "site.prefecture", R(site=S(prefecture=" "))),
    raises("unknown_prefecture", "site.address.incomplete", ERROR, "site.prefecture", R(site=S(prefecture="Narnia"))),
    raises("no_city", "site.address.incomplete", ERROR, "site.city", R(site=S(city=""))),
    raises("no_street", "site.address.incomplete", ERROR, "site.street", R(site=S(street=""))),
    raises("no_postal_code", "site.postal_code.invalid", ERROR, "site.postal_code", R(site=S(postal_code=""))),
    raises("postal_code_of_six_digits", "site.postal_code.invalid", ERROR, "site.postal_code", R(site=S(postal_code="100-005"))),
    raises("unknown_postal_code", "site.postal_code.invalid", ERROR, "site.postal_code", R(site=S(postal_code="999-9999"))),
    raises("osaka_postal_code_in_tokyo", "site.postal_code.mismatch", WARNING, "site.postal_code", R(site=S(postal_code="530-0001"))),
    raises("hokkaido_is_not_covered", "site.not_covered", ERROR, "site", R(site=S(postal_code="060-0001", prefecture="北海道", city="札幌市中央区"))),
    raises("nothing_is_covered_without_a_coverage_table", "site.not_covered", ERROR, "site", R(), policy={"coverage": ()}),
    raises("osaka_needs_travel", "site.travel_required", INFO, "site", R(site=S(postal_code="530-0001", prefecture="Osaka", city="大阪市北区"))),
    raises("no_floor", "site.floor.missing", WARNING, "site.floor", R(site=S(floor=""))),
    raises("no_entry_procedure", "site.entry_instructions.missing", WARNING, "site.entry_instructions", R(site=S(entry_instructions=" "))),
    raises("maps_url_missing_is_warning_under_ecorpone", "site.maps_url.missing", WARNING, "site.maps_url", R(site=S(maps_url="")), preset="ecorpone"),
    raises("maps_url_of_another_site_is_invalid", "site.maps_url.invalid", ERROR, "site.maps_url", R(site=S(maps_url="https://example.com/maps/x"))),
    raises("maps_url_over_http_is_invalid", "site.maps_url.invalid", ERROR, "site.maps_url", R(site=S(maps_url="http://maps.app.goo.gl/AbC"))),
    raises("datacenter_reference_missing_is_error_under_tokyo_its", "site.datacenter_reference.missing", ERROR, "datacenter_reference", R(datacenter_reference="")),
    raises("datacenter_reference_missing_is_warning_under_ecorpone", "site.datacenter_reference.missing", WARNING, "datacenter_reference", R(datacenter_reference=""), preset="ecorpone"),
    raises("no_local_contact", "site.local_contact.missing", ERROR, "local_contact", R(local_contact=None)),
    raises("local_contact_without_phone", "site.local_contact.missing", ERROR, "local_contact", R(local_contact=local_contact(phone_input=""))),
    raises("local_phone_that_does_not_parse", "contact.phone.invalid", ERROR, "local_contact.phone", R(local_contact=local_contact(phone_input="12345"))),
    raises("remote_phone_without_country_code", "contact.phone.invalid", ERROR, "remote_engineer.phone", R(remote_engineer=remote_engineer(phone_input="415 555 0132"))),
    raises("other_contact_phone_invalid", "contact.phone.invalid", ERROR, "other_contacts[1].phone", R(other_contacts=(ContactFacts("A", "090-1234-5678"), ContactFacts("B", "phone me")))),
    raises("remote_email_invalid", "contact.email.invalid", ERROR, "remote_engineer.email", R(remote_engineer=remote_engineer(email="jane@"))),
    raises("local_email_invalid", "contact.email.invalid", ERROR, "local_contact.email", R(local_contact=local_contact(email="sato at example"))),
    raises("remote_engineer_missing_is_error_under_both_presets", "contact.remote_engineer.missing", ERROR, "remote_engineer", R(remote_engineer=None), preset="ecorpone"),
    raises("remote_engineer_missing_is_warning_when_not_required", "contact.remote_engineer.missing", WARNING, "remote_engineer", R(remote_engineer=None), policy={"remote_engineer_required": False}),
    raises("remote_engineer_without_phone", "contact.remote_engineer.channel_missing", ERROR, "remote_engineer", R(remote_engineer=remote_engineer(phone_input=""))),
    raises("remote_engineer_without_email_or_messenger", "contact.remote_engineer.channel_missing", ERROR, "remote_engineer", R(remote_engineer=remote_engineer(email=""))),
]
# fmt: on

# fmt: off
CLEARERS = [
    clears("reference_given", "request.reference.missing", R(reference="CASE-9")),
    clears("start_given", "request.start.missing", R()),
    clears("start_in_the_future", "request.start.past", R()),
    clears("start_exactly_now_is_not_past", "request.start.past", R(visits=(visit(NOW),), call_recorded=True)),
    clears("call_recorded_clears_short_notice", "request.start.short_notice", R(visits=(visit(jst(2026, 11, 30, 14)),), call_recorded=True)),
    clears("start_exactly_24_hours_away_is_not_short_notice", "request.start.short_notice", R(visits=(visit(NOW + timedelta(hours=24)),))),
    clears("start_at_9_is_business_time_under_ecorpone", "request.start.after_hours", R(visits=(visit(jst(2026, 12, 8, 9)),)), preset="ecorpone"),
    clears("reserved_hours_given", "request.reserved_hours.defaulted", R(visits=(visit(hours="4"),))),
    clears("two_hours_is_the_minimum_under_ecorpone", "request.reserved_hours.below_minimum", R(visits=(visit(hours="2"),)), preset="ecorpone"),
    clears("24_hours_is_valid", "request.reserved_hours.invalid", R(visits=(visit(jst(2026, 12, 8, 10), "24"),))),
    clears("skill_level_given", "request.skill_level.defaulted", R(skill_level="entry")),
    clears("ten_engineers_is_valid", "request.engineers.invalid", R(engineers=10)),
    clears("no_engineer_count_means_one", "request.engineers.invalid", R(engineers=None)),
    clears("japanese_only_is_a_language", "request.language.missing", R(languages=("ja",))),
    clears("work_description_of_30_characters", "request.work_description.missing", R(work_description="x" * 30)),
    clears("equipment_not_required_is_fine_when_given", "request.equipment.missing", R(), preset="ecorpone"),
    clears("serial_given", "request.equipment.serial_missing", R()),
    clears("standard_items", "request.items.non_standard", R(items_to_bring=("Screwdriver", "console cable (RJ45/DB9, USB)", "LAPTOP", "label tape", ""))),
    clears("paperwork_done", "request.paperwork.pending", R(paperwork=(PaperworkFacts("Scanned photo ID", True),))),
    clears("work_instructions_clear_assistance", "request.assistance.required", R(**ENTRY_ALONE, has_work_instructions=True)),
    clears("remote_engineer_clears_assistance", "request.assistance.required", R(skill_level="entry")),
    clears("senior_needs_no_assistance", "request.assistance.required", R(skill_level="senior", remote_engineer=None)),
    clears("call_recorded_clears_urgent", "request.urgent.call_required", R(urgency=4, call_recorded=True)),
    clears("urgency_3_needs_no_call", "request.urgent.call_required", R(urgency=3)),
    clears("active_retainer_grants_sla", "request.sla.no_retainer", R(sla_requested=True), contract=RETAINER),
    clears("site_given", "site.missing", R()),
    clears("english_prefecture", "site.address.incomplete", R(site=S(prefecture="Tokyo Metropolis"))),
    clears("fullwidth_postal_code", "site.postal_code.invalid", R(site=S(postal_code="〒１００－０００５"))),
    clears("postal_code_in_the_prefecture", "site.postal_code.mismatch", R(site=S(prefecture="tokyo-to"))),
    clears("tokyo_is_covered", "site.not_covered", R()),
    clears("tokyo_needs_no_travel", "site.travel_required", R()),
    clears("floor_given", "site.floor.missing", R()),
    clears("entry_procedure_given", "site.entry_instructions.missing", R()),
    clears("maps_url_missing_is_not_reported_under_tokyo_its", "site.maps_url.missing", R(site=S(maps_url=""))),
    clears("google_maps_url", "site.maps_url.invalid", R(site=S(maps_url="https://www.google.com/maps/place/Tokyo"))),
    clears("not_a_datacenter", "site.datacenter_reference.missing", R(datacenter_reference="", site=S(is_datacenter=False))),
    clears("forced_without_local_contact", "site.local_contact.missing", R(local_contact=None, force_without_local_contact=True)),
    clears("mobile_phone_is_valid", "contact.phone.invalid", R(local_contact=local_contact(phone_input="090 1234 5678"))),
    clears("blank_phone_of_another_contact_is_not_invalid", "contact.phone.invalid", R(other_contacts=(ContactFacts("C", ""),))),
    clears("email_normal", "contact.email.invalid", R(remote_engineer=remote_engineer(email="Jane.Doe@Example.COM"))),
    clears("remote_engineer_given", "contact.remote_engineer.missing", R()),
    clears("line_handle_is_a_channel", "contact.remote_engineer.channel_missing", R(remote_engineer=remote_engineer(email="", line="jane_doe"))),
    clears("japanese_phone_is_a_phone_with_country_code", "contact.remote_engineer.channel_missing", R(remote_engineer=remote_engineer(phone_input="090-1234-5678"))),
]
# fmt: on


def run_case(case: Case) -> list[Finding]:
    return run(case.request, case.preset, case.contract, **case.policy)


@pytest.mark.parametrize("case", RAISERS)
def test_raises(case: Case) -> None:
    found = of(run_case(case), case.code)
    assert [(f.field, f.severity) for f in found] == [(case.field, case.severity)]


@pytest.mark.parametrize("case", CLEARERS)
def test_clears(case: Case) -> None:
    assert case.code not in codes(run_case(case))


def test_every_code_has_a_case_that_raises_it_and_one_that_clears_it() -> None:
    raised = {p.values[0].code for p in RAISERS}
    cleared = {p.values[0].code for p in CLEARERS}
    assert set(CODES) - raised == set()
    assert set(CODES) - cleared == set()
    assert raised | cleared <= set(CODES)


def test_codes_are_the_35_rows_of_the_rulebook_table() -> None:
    assert len(CODES) == len(set(CODES)) == 35
    assert all(re.fullmatch(r"(request|site|contact)\.[a-z_]+(\.[a-z_]+)?", code) for code in CODES)


# --- rules in more detail --------------------------------------------------------------------------


@pytest.mark.parametrize(("preset", "expected"), [("ecorpone", False), ("tokyo-its", True)])
def test_after_hours_is_judged_on_the_billed_reservation(preset: str, expected: bool) -> None:
    # Friday 16:00 for 2 h: R* is 2 h (16-18) under ecorpone but 3 h (16-19) under tokyo-its.
    findings = run(R(visits=(visit(jst(2026, 12, 4, 16), "2"),)), preset)
    assert ("request.start.after_hours" in codes(findings)) is expected


def test_after_hours_message_names_the_window_and_the_business_hours() -> None:
    [finding] = of(run(R(visits=(visit(jst(2026, 12, 4, 16), "2"),))), "request.start.after_hours")
    assert (
        "2026-12-04 16:00 JST" in finding.message_en
        and "2026-12-04 19:00 JST" in finding.message_en
    )
    assert "Mon–Fri 10:00–18:00" in finding.message_en
    assert "月〜金 10:00〜18:00" in finding.message_ja


@pytest.mark.parametrize(
    "holiday", [jst(2026, 11, 23, 10), jst(2027, 3, 22, 10), jst(2026, 9, 22, 10)]
)
def test_a_visit_on_a_national_holiday_is_after_hours(holiday: datetime) -> None:
    assert "request.start.after_hours" in codes(run(R(visits=(visit(holiday),)), "ecorpone"))


def test_a_visit_in_the_year_end_closure_is_after_hours() -> None:
    assert "request.start.after_hours" in codes(run(R(visits=(visit(jst(2026, 12, 29, 10)),))))


def test_each_visit_is_judged_on_its_own() -> None:
    request = R(visits=(visit(), visit(jst(2026, 12, 5, 10)), visit(NOW - timedelta(days=1))))
    findings = run(request)
    assert [f.field for f in of(findings, "request.start.after_hours")] == [
        "visits[1].scheduled_start",
        "visits[2].scheduled_start",  # yesterday Sunday: past, and after-hours all the same
    ]
    assert [f.field for f in of(findings, "request.start.past")] == ["visits[2].scheduled_start"]


def test_a_past_visit_is_not_also_short_notice() -> None:
    findings = run(R(visits=(visit(NOW - timedelta(hours=1)),)))
    assert "request.start.short_notice" not in codes(findings)


def test_the_default_hours_appear_in_the_defaulted_message() -> None:
    [finding] = of(
        run(R(visits=(visit(hours=None),)), "ecorpone"), "request.reserved_hours.defaulted"
    )
    assert "default of 2 hours" in finding.message_en
    assert "2時間" in finding.message_ja


def test_below_minimum_names_the_minimum_charged() -> None:
    [finding] = of(run(R(visits=(visit(hours="1.5"),))), "request.reserved_hours.below_minimum")
    assert "1.5 hours" in finding.message_en and "minimum of 3 hours" in finding.message_en


def test_negative_hours_are_invalid_and_not_also_below_minimum() -> None:
    findings = run(R(visits=(visit(hours="-1"),)))
    assert "request.reserved_hours.invalid" in codes(findings)
    assert "request.reserved_hours.below_minimum" not in codes(findings)


@pytest.mark.parametrize(
    "item",
    [
        "screwdriver",
        "Screwdriver Set",
        "console cable",
        "Console cable (RJ45/DB9, USB)",
        "laptop",
        "Laptop PC",
        "label-tape",
        "ＬＡＰＴＯＰ",
    ],
)
def test_standard_items_are_recognised(item: str) -> None:
    assert "request.items.non_standard" not in codes(run(R(items_to_bring=(item,))))


@pytest.mark.parametrize(
    "item", ["photo ID", "RS-232C cable", "router", "USB", "screw driver", "torque wrench"]
)
def test_non_standard_items_must_be_supplied_by_the_customer(item: str) -> None:
    [finding] = of(run(R(items_to_bring=(item,))), "request.items.non_standard")
    assert item in finding.message_en and item in finding.message_ja


def test_site_missing_hides_every_other_site_finding_but_not_the_contact_checks() -> None:
    request = R(
        site=None,
        datacenter_reference="",
        local_contact=local_contact(phone_input="12345"),
    )
    found = codes(run(request))
    assert "site.missing" in found
    assert {c for c in found if c.startswith("site.")} == {"site.missing"}
    assert "contact.phone.invalid" in found


def test_an_empty_address_gives_one_finding_per_missing_part() -> None:
    request = R(site=S(prefecture="", city="", street=""))
    fields = [f.field for f in of(run(request), "site.address.incomplete")]
    assert fields == ["site.city", "site.prefecture", "site.street"]


def test_an_unknown_prefecture_says_so_and_skips_coverage() -> None:
    findings = run(R(site=S(prefecture="Narnia")))
    [finding] = of(findings, "site.address.incomplete")
    assert "Narnia" in finding.message_en and "Narnia" in finding.message_ja
    assert "site.not_covered" not in codes(findings)
    assert "site.postal_code.mismatch" not in codes(findings)


def test_postal_code_messages_quote_the_code_given() -> None:
    [finding] = of(run(R(site=S(postal_code="999-9999"))), "site.postal_code.invalid")
    assert "999-9999" in finding.message_en and "999-9999" in finding.message_ja
    [missing] = of(run(R(site=S(postal_code=""))), "site.postal_code.invalid")
    assert "no postal code" in missing.message_en


def test_mismatch_names_both_prefectures() -> None:
    [finding] = of(run(R(site=S(postal_code="530-0001"))), "site.postal_code.mismatch")
    assert "530-0001" in finding.message_en
    assert "Osaka" in finding.message_en and "Tokyo" in finding.message_en
    assert "大阪府" in finding.message_ja and "東京都" in finding.message_ja


def test_coverage_prefers_the_municipality_rule() -> None:
    sapporo = CoverageRule("北海道", "01101", "Sapporo", travel_required=True)
    hokkaido = CoverageRule("北海道", None, "Hokkaido")
    rules = policy("tokyo-its", coverage=(hokkaido, sapporo))
    assert coverage_for(S(postal_code="0600001", prefecture="Hokkaido"), rules) == sapporo
    assert coverage_for(S(postal_code="0400001", prefecture="Hokkaido"), rules) == hokkaido


def test_a_municipality_rule_alone_does_not_cover_the_rest_of_the_prefecture() -> None:
    only_sapporo = {"coverage": (CoverageRule("北海道", "01101", "Sapporo"),)}
    hakodate = R(site=S(postal_code="040-0001", prefecture="北海道", city="函館市"))
    sapporo = R(site=S(postal_code="060-0001", prefecture="北海道", city="札幌市中央区"))
    assert "site.not_covered" in codes(run(hakodate, **only_sapporo))
    assert "site.not_covered" not in codes(run(sapporo, **only_sapporo))


def test_a_whole_prefecture_rule_may_have_an_empty_municipality_code() -> None:
    # The database stores "" rather than None.
    rules = policy("tokyo-its", coverage=(CoverageRule("東京都", "", "A"),))
    assert coverage_for(S(), rules) == CoverageRule("東京都", "", "A")


def test_coverage_for_an_unknown_prefecture_is_none() -> None:
    assert coverage_for(S(prefecture="Atlantis"), policy("tokyo-its")) is None


@pytest.mark.parametrize(
    "url",
    [
        "https://maps.app.goo.gl/AbCdEf123",
        "https://goo.gl/maps/xyz",
        "https://www.google.com/maps/place/35.68,139.76",
        "HTTPS://MAPS.APP.GOO.GL/AbC",
    ],
)
def test_google_maps_links_are_accepted(url: str) -> None:
    assert "site.maps_url.invalid" not in codes(run(R(site=S(maps_url=url)), "ecorpone"))


@pytest.mark.parametrize(
    "url",
    [
        "https://maps.app.goo.gl/",
        "https://bit.ly/abc",
        "maps.app.goo.gl/AbC",
        "https://www.google.com/maps/ place",
        "https://www.google.com.evil.example/maps/x",
    ],
)
def test_other_links_are_refused(url: str) -> None:
    assert "site.maps_url.invalid" in codes(run(R(site=S(maps_url=url)), "ecorpone"))


def test_an_invalid_local_phone_is_both_invalid_and_no_local_contact() -> None:
    found = codes(run(R(local_contact=local_contact(phone_input="12345"))))
    assert {"contact.phone.invalid", "site.local_contact.missing"} <= found


@pytest.mark.parametrize(
    ("changes", "says_en", "says_ja"),
    [
        ({"phone_input": ""}, "phone number", "電話番号"),
        ({"email": ""}, "e-mail address or messenger handle", "メールアドレス"),
        ({"email": "not-an-address"}, "e-mail address or messenger handle", "メッセンジャー"),
    ],
)
def test_channel_missing_says_which_channel(
    changes: dict[str, str], says_en: str, says_ja: str
) -> None:
    [finding] = of(
        run(R(remote_engineer=remote_engineer(**changes))),
        "contact.remote_engineer.channel_missing",
    )
    assert says_en in finding.message_en and says_ja in finding.message_ja
    assert "Jane Doe" in finding.message_en


def test_a_remote_engineer_with_no_channel_at_all_has_one_finding_naming_both() -> None:
    findings = run(R(remote_engineer=ContactFacts(name="Jane")))
    [finding] = of(findings, "contact.remote_engineer.channel_missing")
    assert "phone number" in finding.message_en and "messenger" in finding.message_en


def test_a_remote_engineer_needs_both_a_phone_and_a_written_channel() -> None:
    # A messenger handle does not replace the phone.
    only_skype = ContactFacts(name="Jane", skype="jane.doe")
    assert "contact.remote_engineer.channel_missing" in codes(run(R(remote_engineer=only_skype)))


def test_one_hour_is_singular_in_english() -> None:
    [finding] = of(run(R(visits=(visit(hours="1"),))), "request.reserved_hours.below_minimum")
    assert "reserves 1 hour," in finding.message_en


def test_paperwork_without_a_description_is_numbered() -> None:
    [finding] = of(run(R(paperwork=(PaperworkFacts("", False),))), "request.paperwork.pending")
    assert "Paperwork item 1" in finding.message_en and "書類1" in finding.message_ja


def test_not_covered_names_the_place() -> None:
    sapporo = R(site=S(postal_code="060-0001", prefecture="Hokkaido", city="Sapporo"))
    [finding] = of(run(sapporo), "site.not_covered")
    assert "北海道札幌市中央区" in finding.message_en and "北海道札幌市中央区" in finding.message_ja


def test_short_notice_names_the_lead_time() -> None:
    [finding] = of(run(R(visits=(visit(jst(2026, 11, 30, 14)),))), "request.start.short_notice")
    assert "24 hours" in finding.message_en and "24時間" in finding.message_ja


# --- findings as a whole ---------------------------------------------------------------------------


def messy_request() -> RequestFacts:
    return R(
        reference="",
        skill_level=None,
        languages=(),
        work_description="fix",
        visits=tuple(visit(jst(2026, 12, 8 + k % 3, 10), None) for k in range(11)),
        equipment=tuple(EquipmentFacts("HPE", f"DL{k}", "") for k in range(3)),
        items_to_bring=("router", "laptop", "photo ID"),
        paperwork=(PaperworkFacts("NDA", False),),
        urgency=4,
        sla_requested=True,
        site=S(prefecture="", city="", street="", postal_code="12", floor="", maps_url="x"),
        datacenter_reference="",
        local_contact=None,
        remote_engineer=ContactFacts(name="X", phone_input="123", email="bad"),
        other_contacts=(ContactFacts("Y", "456", "also bad"),),
    )


def test_findings_follow_the_table_then_the_field() -> None:
    findings = run(messy_request())
    ranks = [CODES.index(f.code) for f in findings]
    assert ranks == sorted(ranks)
    defaulted = [f.field for f in of(findings, "request.reserved_hours.defaulted")]
    assert defaulted == [f"visits[{k}].reserved_hours" for k in range(11)]  # 2 before 10
    phones = [f.field for f in of(findings, "contact.phone.invalid")]
    assert phones == ["other_contacts[0].phone", "remote_engineer.phone"]


@pytest.mark.parametrize("preset", PRESETS)
def test_the_check_is_pure(preset: str) -> None:
    request = messy_request()
    first = run(request, preset)
    assert run(request, preset) == first
    assert request == messy_request()


@pytest.mark.parametrize("preset", PRESETS)
def test_every_finding_has_a_known_code_and_severity_and_two_messages(preset: str) -> None:
    findings = [f for case in RAISERS for f in run_case(case.values[0])] + run(
        messy_request(), preset
    )
    japanese = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
    for f in findings:
        assert f.code in CODES and f.severity in SEVERITIES and f.field
        assert f.message_en and f.message_ja and f.message_en != f.message_ja
        assert japanese.search(f.message_ja) and f.message_ja.endswith("。")
        assert f.message_en.endswith(".")
        assert "{" not in f.message_en + f.message_ja, "a template placeholder was left unfilled"


def test_finding_message_picks_the_language() -> None:
    [finding] = of(run(R(languages=())), "request.language.missing")
    assert finding.message("ja") == finding.message_ja
    assert finding.message("ja-JP") == finding.message_ja
    assert finding.message("en") == finding.message_en
    assert finding.message("fr") == finding.message_en
    assert finding.as_dict("ja") == {
        "code": "request.language.missing",
        "severity": ERROR,
        "field": "languages",
        "message": finding.message_ja,
        "message_en": finding.message_en,
        "message_ja": finding.message_ja,
    }
    assert finding.as_dict()["message"] == finding.message_en


def test_has_blocking_is_true_only_with_an_error() -> None:
    assert not has_blocking([])
    assert not has_blocking(run(R(skill_level=None, reference=""), "ecorpone"))  # info and warning
    assert has_blocking(run(R(languages=())))


def test_info_and_warning_do_not_block() -> None:
    findings = run(R(skill_level=None, visits=(visit(jst(2026, 12, 5, 10)),)))
    assert {f.severity for f in findings} == {INFO}
    assert not has_blocking(findings)


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        check(R(), policy("tokyo-its"), None, now=datetime(2026, 11, 30, 9))


def test_the_pure_modules_do_not_import_django() -> None:
    code = (
        "import sys, genba.orders.completeness, genba.pricing.calendar, genba.core.phones, "
        "genba.core.prefectures; "
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- building blocks: prefectures, postal codes, phones, e-mail ------------------------------------


def test_there_are_47_prefectures_with_codes_in_order() -> None:
    assert [p.code for p in PREFECTURES] == [f"{k:02d}" for k in range(1, 48)]
    assert len({p.name_ja for p in PREFECTURES}) == len({p.name_en for p in PREFECTURES}) == 47
    assert all(p.name_ja[-1] in "都道府県" for p in PREFECTURES)
    assert all(
        Decimal(24) < p.lat < Decimal(46) and Decimal(122) < p.lng < Decimal(146)
        for p in PREFECTURES
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("東京都", "東京都"),
        ("東京", "東京都"),
        ("Tokyo", "東京都"),
        ("tokyo-to", "東京都"),
        ("Tokyo Metropolis", "東京都"),
        ("ＴＯＫＹＯ", "東京都"),
        ("　東京都　", "東京都"),
        ("Osaka-fu", "大阪府"),
        ("Osaka Prefecture", "大阪府"),
        ("Ōsaka", "大阪府"),
        ("大阪", "大阪府"),
        ("Hokkaido", "北海道"),
        ("Hokkaidō", "北海道"),
        ("Kyoto-fu", "京都府"),
        ("京都", "京都府"),
        ("Kyoto", "京都府"),
        ("Hyōgo-ken", "兵庫県"),
        ("kanagawa ken", "神奈川県"),
        ("Kouchi", "高知県"),
        ("Gumma", "群馬県"),
        ("Narnia", None),
        ("", None),
        ("to", None),
        ("大阪 Tokyo", None),
        ("千代田区", None),
    ],
)
def test_normalize_prefecture(text: str, expected: str | None) -> None:
    assert normalize_prefecture(text) == expected


def test_every_prefecture_normalizes_from_its_names() -> None:
    for p in PREFECTURES:
        assert normalize_prefecture(p.name_ja) == p.name_ja
        assert normalize_prefecture(p.name_en) == p.name_ja
        assert normalize_prefecture(p.name_en.upper() + " Prefecture") == p.name_ja
        assert normalize_prefecture(p.short_ja) == p.name_ja


def test_prefecture_records_are_found_by_name_and_code() -> None:
    tokyo = prefecture_by_name("東京都")
    assert tokyo is not None and tokyo.code == "13" and tokyo.name_en == "Tokyo"
    assert prefecture_by_code("13101") == tokyo
    assert prefecture_by_name("Tokyo") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("100-0005", "1000005"),
        ("〒100-0005", "1000005"),
        ("１００－０００５", "1000005"),
        ("100 0005", "1000005"),
        ("10000", None),
        ("abcdefg", None),
    ],
)
def test_normalize_postal_code(text: str, expected: str | None) -> None:
    assert normalize_postal_code(text) == expected


def test_lookup_postal_code_gives_prefecture_and_municipality() -> None:
    area = lookup_postal_code("〒100-0005")
    assert area is not None
    assert (area.prefecture, area.city, area.municipality_code) == ("東京都", "千代田区", "13101")
    assert lookup_postal_code("999-9999") is None
    # A business ("office") postal code is a known code too.
    office = lookup_postal_code("060-8621")
    assert (
        office is not None and office.prefecture == "北海道" and office.municipality_code == "01101"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+81 3-1234-5678", "+81312345678"),
        ("03-1234-5678", "+81312345678"),
        ("(03) 1234.5678", "+81312345678"),
        ("０３－１２３４－５６７８", "+81312345678"),
        ("090 1234 5678", "+819012345678"),
        ("+1 415 555 0132", "+14155550132"),
        ("001 415 555 0132", "+14155550132"),
        ("0044 20 7946 0958", "+442079460958"),
        ("12345", None),
        ("415 555 0132", None),
        ("", None),
        ("   ", None),
        ("call me", None),
    ],
)
def test_normalize_phone(raw: str, expected: str | None) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("jane.doe@example.com", "jane.doe@example.com"),
        (" Jane.Doe@Example.COM ", "Jane.Doe@example.com"),
        ("jane@", None),
        ("no at sign", None),
        ("", None),
    ],
)
def test_normalize_email(raw: str, expected: str | None) -> None:
    assert normalize_email(raw) == expected
