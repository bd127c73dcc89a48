"""The completeness check of rulebook §2: what an order must contain, as findings.

`check(request, policy, contract, now=...)` is a pure function of plain values (orders.facts): no
Django, no database, no clock of its own. Same input, same findings, in the same order.

Choices where the rulebook is silent (kept here so the docs can quote them):

- Findings are ordered by the code's row in the §2 table (`CODES`), then by field, with list indexes
  compared as numbers (`visits[2]` before `visits[10]`).
- `site.address.incomplete`: one finding per missing part, on `site.prefecture`, `site.city` and
  `site.street`; a prefecture that is given but not recognised is the same code on `site.prefecture`
  with its own message.
- `site.postal_code.invalid` is also raised, with a message that asks for it, when no postal code is
  given (the rule says "not a known Japanese postal code"; an absent code is not a known one).
- `site.missing` suppresses every other `site.*` finding, `site.local_contact.missing` included, and the
  data-center finding; the contact checks (`contact.*`) still run.
- `site.not_covered` and `site.postal_code.mismatch` are only judged when the prefecture is recognised.
- `request.start.after_hours` with invalid reserved hours is judged on the least that could be billed,
  [S, S + minimum_hours); a visit in the past is still judged.
- `request.reserved_hours.defaulted` is raised on every visit when the request records that the default
  was applied (`reserved_hours_defaulted`), since the flag is per request; `below_minimum` is judged on
  the hours that apply (given or default).
- Fields: `request.assistance.required` is on `remote_engineer` (the usual fix); `site.not_covered` and
  `site.travel_required` on `site`; `request.urgent.call_required` on `urgency`;
  `request.sla.no_retainer` on `sla_requested`.
- Items to bring are compared after case folding, with punctuation dropped and whitespace collapsed. An
  item is standard when it equals a standard entry, or when one contains the other as a whole-word
  phrase; an entry's parenthesised detail ("console cable (RJ45/DB9, USB)") only counts for an exact
  match, so "USB" alone is not taken for a console cable. Spelling variants ("screw driver") are not
  recognised. Blank items are ignored.
- Equipment lines count as given even when blank; each blank serial is its own warning.
- Only the rulebook's three map-link prefixes are accepted (case-insensitive, with something after the
  prefix and no whitespace); "https://www.google.com/maps?q=..." is refused.
- A work description is measured in characters after trimming (Japanese text counts one per character).
- `request.start.short_notice` and `request.urgent.call_required` name the number to call and the
  office hours when the provider's numbers are given (`provider`, core.provider.ProviderContact):
  the office in its hours, the urgent line outside them. Without numbers they say "please call us".
- The remote engineer's messenger handles count when non-blank: they cannot be validated offline.
- Two findings are not rows of the §2 table: they say that a stored value cannot be read at all
  (`READ_CODES`; issue 11: one bad row must not take a list down). `request.start.out_of_range` is
  raised here for a planned start outside `READABLE_YEARS` (local years) or so close to the ends of
  the calendar that its billed window cannot be computed, and no other `request.start.*` finding is
  raised for that visit. `request.unreadable` is raised by the reader (`orders.selectors.
  request_findings`) when the check or the price fails on a stored value; it ranks first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from genba.core.phones import normalize_email, normalize_phone
from genba.core.prefectures import (
    lookup_postal_code,
    normalize_postal_code,
    normalize_prefecture,
    prefecture_by_name,
)
from genba.core.provider import DAYS_EN, DAYS_JA, ProviderContact, day_ranges
from genba.orders.facts import (
    ContractFacts,
    CoverageRule,
    PolicyRules,
    RequestFacts,
    SiteFacts,
)
from genba.orders.finding_texts import (
    LEVELS_JA,
    MAPS_URL_PREFIXES,
    MAX_ENGINEERS,
    MIN_DESCRIPTION_CHARS,
    TEXT,
    stored_part,
)
from genba.pricing.calendar import BusinessCalendar

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)

# The rows of the rulebook §2 table, in its order: this order is also the order of the findings.
CODES: tuple[str, ...] = (
    "request.reference.missing",
    "request.start.missing",
    "request.start.past",
    "request.start.short_notice",
    "request.start.after_hours",
    "request.reserved_hours.defaulted",
    "request.reserved_hours.below_minimum",
    "request.reserved_hours.invalid",
    "request.skill_level.defaulted",
    "request.engineers.invalid",
    "request.language.missing",
    "request.work_description.missing",
    "request.equipment.missing",
    "request.equipment.serial_missing",
    "request.items.non_standard",
    "request.paperwork.pending",
    "request.assistance.required",
    "request.urgent.call_required",
    "request.sla.no_retainer",
    "site.missing",
    "site.address.incomplete",
    "site.postal_code.invalid",
    "site.postal_code.mismatch",
    "site.not_covered",
    "site.travel_required",
    "site.floor.missing",
    "site.entry_instructions.missing",
    "site.maps_url.missing",
    "site.maps_url.invalid",
    "site.datacenter_reference.missing",
    "site.local_contact.missing",
    "contact.phone.invalid",
    "contact.email.invalid",
    "contact.remote_engineer.missing",
    "contact.remote_engineer.channel_missing",
)
# Not rows of the rulebook's table: a stored value the check cannot read (see the module's notes).
READ_CODES: tuple[str, ...] = ("request.unreadable", "request.start.out_of_range")
# "unreadable" first (it says the rest may be incomplete); "out_of_range" beside the other starts.
_RANK = {
    code: rank
    for rank, code in enumerate(
        (
            "request.unreadable",
            *CODES[: CODES.index("request.start.missing") + 1],
            "request.start.out_of_range",
            *CODES[CODES.index("request.start.missing") + 1 :],
        )
    )
}
# A planned start outside these years (in the policy's zone) is no date a visit can have: the
# input refuses far narrower windows (orders.inputs), so only old rows, admin edits or a migration
# hold one, and the check says so instead of computing business hours for the year 9999.
READABLE_YEARS = range(1970, 3000)

MAX_RESERVED_HOURS = Decimal(24)


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    field: str
    message_en: str
    message_ja: str

    def message(self, language: str) -> str:
        """The message in "ja" (also "ja-JP") or, for any other language, English."""
        return self.message_ja if language.lower().startswith("ja") else self.message_en

    def as_dict(self, language: str | None = None) -> dict[str, str]:
        """Always the same keys, so an API schema can be fixed: `message` is in `language` (English
        when None), and both translations travel along for clients that switch language."""
        return {
            "code": self.code,
            "severity": self.severity,
            "field": self.field,
            "message": self.message(language or "en"),
            "message_en": self.message_en,
            "message_ja": self.message_ja,
        }


def unreadable(field: str = "") -> Finding:
    """`request.unreadable` on `field` (a path as the price or the check names it, e.g.
    "visits[0].scheduled_start"): a stored value that cannot be read, named in words."""
    part_en, part_ja = stored_part(field)
    en, ja = TEXT["request.unreadable"]
    return Finding(
        "request.unreadable",
        ERROR,
        field or "request",
        en.format(part_en=part_en),
        ja.format(part_ja=part_ja),
    )


def has_blocking(findings: Iterable[Finding]) -> bool:
    """An `error` blocks approval and release (rulebook §2)."""
    return any(f.severity == ERROR for f in findings)


def check(
    request: RequestFacts,
    policy: PolicyRules,
    contract: ContractFacts | None,
    *,
    now: datetime,
    provider: ProviderContact | None = None,
) -> list[Finding]:
    """`provider`: the provider's numbers, said in the findings that ask for a call (None: none)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    out = _Findings()
    call = _call(provider)
    _check_request(out, request, policy, contract, call)
    _check_visits(out, request, policy, now, call)
    _check_site(out, request, policy)
    _check_contacts(out, request, policy)
    return sorted(out, key=lambda f: (_RANK[f.code], _natural(f.field)))


def coverage_for(site: SiteFacts, policy: PolicyRules) -> CoverageRule | None:
    """The coverage rule that serves a site: its municipality's row when the postal code is known, else
    its whole prefecture's row; None when the prefecture is not recognised or nothing matches."""
    prefecture = normalize_prefecture(site.prefecture)
    if prefecture is None:
        return None
    area = lookup_postal_code(site.postal_code)
    if area is not None and area.municipality_code:
        for rule in policy.coverage:
            # Five digits: some sources append JIS X 0402's check digit.
            if rule.municipality_code and rule.municipality_code[:5] == area.municipality_code[:5]:
                return rule
    for rule in policy.coverage:
        # "" as well as None: a database row stores a whole-prefecture rule with an empty code.
        if not rule.municipality_code and normalize_prefecture(rule.prefecture) == prefecture:
            return rule
    return None


class _Findings(list[Finding]):
    def add(
        self, code: str, severity: str, field: str, variant: str = "", /, **values: Any
    ) -> None:
        # Positional-only, so a message value may be called "code" or "field".
        en, ja = TEXT[f"{code}:{variant}" if variant else code]
        self.append(Finding(code, severity, field, en.format(**values), ja.format(**values)))


def _natural(field_path: str) -> tuple[str | int, ...]:
    # re.split with a group alternates text and digits, so equal positions always hold the same type.
    parts = re.split(r"(\d+)", field_path)
    return tuple(int(p) if i % 2 else p for i, p in enumerate(parts))


def _error_if(required: bool) -> str:
    return ERROR if required else WARNING


def _blank(value: str | None) -> bool:
    return not (value or "").strip()


def _hours(value: Decimal) -> str:
    return format(value.normalize(), "f")  # "2", "2.5"; never "2.00" or "2E+1"


def _hours_en(value: Decimal | int) -> str:
    return f"{_hours(Decimal(value))} hour{'' if value == 1 else 's'}"


def _when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} {moment.tzname()}"


def _stored(moment: datetime) -> str:
    """A moment as stored (no zone conversion, which may itself overflow): "9999-12-31 14:59 UTC"."""
    # isoformat, not strftime: "%Y" writes the year 1 as "1" on some platforms.
    return f"{moment.isoformat(sep=' ', timespec='minutes')} {moment.tzname() or ''}".strip()


def _call(provider: ProviderContact | None) -> dict[str, str]:
    """The values of a ":call" variant (which number, when), or {} without a number to call."""
    if provider is None or provider.is_blank:
        return {}
    return {"call_en": provider.call("en"), "call_ja": provider.call("ja")}


# --- the request itself ------------------------------------------------------------------------------


def _check_request(
    out: _Findings,
    request: RequestFacts,
    policy: PolicyRules,
    contract: ContractFacts | None,
    call: dict[str, str],
) -> None:
    if _blank(request.reference):
        required = policy.reference_required_before_release
        variant = "required" if required else "optional"
        out.add("request.reference.missing", _error_if(required), "reference", variant)
    level = request.skill_level or policy.default_skill_level
    if request.skill_level is None or request.skill_level_defaulted:
        level_ja = LEVELS_JA.get(level, level)
        out.add(
            "request.skill_level.defaulted", INFO, "skill_level", level=level, level_ja=level_ja
        )
    if request.engineers is not None and not 1 <= request.engineers <= MAX_ENGINEERS:
        out.add("request.engineers.invalid", ERROR, "engineers", count=request.engineers)
    if not request.languages:
        out.add("request.language.missing", ERROR, "languages")
    length = len((request.work_description or "").strip())
    if length < MIN_DESCRIPTION_CHARS:
        variant = "short" if length else ""
        out.add(
            "request.work_description.missing", ERROR, "work_description", variant, length=length
        )

    if not request.equipment:
        out.add("request.equipment.missing", _error_if(policy.equipment_list_required), "equipment")
    for i, line in enumerate(request.equipment):
        if _blank(line.serial):
            label = " ".join(p.strip() for p in (line.make, line.model) if p.strip()) or "?"
            out.add(
                "request.equipment.serial_missing",
                WARNING,
                f"equipment[{i}].serial",
                n=i + 1,
                label=label,
            )
    standard = [_phrase(entry) for entry in policy.standard_equipment]
    for i, item in enumerate(request.items_to_bring):
        if not _blank(item) and not _is_standard(item, standard):
            out.add(
                "request.items.non_standard", WARNING, f"items_to_bring[{i}]", item=item.strip()
            )
    for i, paper in enumerate(request.paperwork):
        if not paper.done:
            what = paper.description.strip()
            variant = "" if what else "unnamed"
            out.add(
                "request.paperwork.pending", ERROR, f"paperwork[{i}]", variant, what=what, n=i + 1
            )

    if level == "entry" and request.remote_engineer is None and not request.has_work_instructions:
        out.add("request.assistance.required", ERROR, "remote_engineer")
    if request.urgency == 4 and not request.call_recorded:
        variant = "call" if call else ""
        out.add("request.urgent.call_required", ERROR, "urgency", variant, **call)
    retainer = contract is not None and contract.kind == "retainer" and contract.active
    if request.sla_requested and not retainer:
        out.add("request.sla.no_retainer", WARNING, "sla_requested")


def _words(value: str) -> tuple[str, ...]:
    folded = unicodedata.normalize("NFKC", value).casefold()
    return tuple(re.sub(r"[^\w\s]|_", " ", folded).split())


def _phrase(entry: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """An entry as (all its words, its words without the parenthesised detail)."""
    folded = unicodedata.normalize("NFKC", entry)  # full-width brackets too
    return _words(folded), _words(re.sub(r"\([^)]*\)", " ", folded))


def _contains(outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    n = len(inner)
    return n > 0 and any(outer[k : k + n] == inner for k in range(len(outer) - n + 1))


def _is_standard(item: str, standard: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> bool:
    words = _words(item)
    return any(
        words == full or _contains(head, words) or _contains(words, head) for full, head in standard
    )


# --- visits ------------------------------------------------------------------------------------------


def _check_visits(
    out: _Findings,
    request: RequestFacts,
    policy: PolicyRules,
    now: datetime,
    call: dict[str, str],
) -> None:
    if not request.visits:
        out.add("request.start.missing", ERROR, "visits", "none")
        return
    calendar = BusinessCalendar.from_policy(policy)
    lead = timedelta(hours=policy.min_lead_hours)
    minimum = policy.minimum_hours
    for i, visit in enumerate(request.visits):
        at, n = f"visits[{i}]", i + 1
        given = visit.reserved_hours
        hours = Decimal(policy.default_reserved_hours if given is None else given)
        valid_hours = Decimal(0) < hours <= MAX_RESERVED_HOURS
        if given is None or request.reserved_hours_defaulted:
            out.add(
                "request.reserved_hours.defaulted",
                INFO,
                f"{at}.reserved_hours",
                n=n,
                hours=_hours(hours),
                hours_en=_hours_en(hours),
            )
        if not valid_hours:
            out.add(
                "request.reserved_hours.invalid",
                ERROR,
                f"{at}.reserved_hours",
                n=n,
                hours=_hours(hours),
                hours_en=_hours_en(hours),
            )
        elif hours < minimum:
            out.add(
                "request.reserved_hours.below_minimum",
                INFO,
                f"{at}.reserved_hours",
                n=n,
                hours=_hours(hours),
                hours_en=_hours_en(hours),
                minimum=_hours(minimum),
                minimum_en=_hours_en(minimum),
            )

        start = visit.scheduled_start
        if start is None:
            out.add("request.start.missing", ERROR, f"{at}.scheduled_start", n=n)
            continue
        # The billed window [S, S + R*), R* = max(R, minimum): its after-hours minutes cost more.
        billed = max(hours, minimum) if valid_hours else minimum
        try:
            local = start.astimezone(calendar.zone)
            if local.year not in READABLE_YEARS:
                raise OverflowError(f"year {local.year}")
            end = start + timedelta(seconds=int((billed * 3600).to_integral_value()))
            after_hours = calendar.window_has_after_hours(start, end)
            end_local = end.astimezone(calendar.zone)
        except OverflowError:
            # datetime arithmetic ends at the years 1 and 9999: a start near them (stored by an old
            # version, an admin edit or a migration) is named, and the rest of the check goes on.
            out.add(
                "request.start.out_of_range",
                ERROR,
                f"{at}.scheduled_start",
                n=n,
                start=_stored(start),
                first=READABLE_YEARS.start,
                last=READABLE_YEARS.stop - 1,
            )
            continue
        if start < now:
            out.add("request.start.past", ERROR, f"{at}.scheduled_start", n=n, start=_when(local))
        elif start < now + lead and not request.call_recorded:
            out.add(
                "request.start.short_notice",
                ERROR,
                f"{at}.scheduled_start",
                "call" if call else "",
                **call,
                n=n,
                start=_when(local),
                lead=policy.min_lead_hours,
                lead_en=_hours_en(policy.min_lead_hours),
            )
        if after_hours:
            hours_en, hours_ja = _business_hours(calendar)
            out.add(
                "request.start.after_hours",
                INFO,
                f"{at}.scheduled_start",
                n=n,
                start=_when(local),
                end=_when(end_local),
                business_en=hours_en,
                business_ja=hours_ja,
            )


def _business_hours(calendar: BusinessCalendar) -> tuple[str, str]:
    """The policy's business hours in words: "Mon–Fri 10:00–18:00, except national holidays ..."."""
    opens, closes = f"{calendar.business_start:%H:%M}", f"{calendar.business_end:%H:%M}"
    en = f"{day_ranges(calendar.business_days, DAYS_EN, '–', ', ')} {opens}–{closes}"
    ja = f"{day_ranges(calendar.business_days, DAYS_JA, '〜', '・')} {opens}〜{closes}"
    closed = [
        *([("national holidays", "祝日")] if calendar.holidays_after_hours else []),
        *([("29 Dec–3 Jan", "12月29日〜1月3日")] if calendar.year_end_closure else []),
    ]
    if closed:
        en += ", except " + " and ".join(e for e, _ in closed)
        ja += "、" + "および".join(j for _, j in closed) + "を除く"
    return en, ja


# --- the site ----------------------------------------------------------------------------------------


def _check_site(out: _Findings, request: RequestFacts, policy: PolicyRules) -> None:
    site = request.site
    if site is None:
        out.add("site.missing", ERROR, "site")
        return

    prefecture = normalize_prefecture(site.prefecture)
    if _blank(site.prefecture):
        out.add("site.address.incomplete", ERROR, "site.prefecture", "prefecture")
    elif prefecture is None:
        out.add(
            "site.address.incomplete",
            ERROR,
            "site.prefecture",
            "unknown",
            given=site.prefecture.strip(),
        )
    if _blank(site.city):
        out.add("site.address.incomplete", ERROR, "site.city", "city")
    if _blank(site.street):
        out.add("site.address.incomplete", ERROR, "site.street", "street")

    given_code = (site.postal_code or "").strip()
    area = lookup_postal_code(given_code)
    if area is None:
        variant = "" if given_code else "blank"
        if given_code and normalize_postal_code(given_code) is None:
            variant = "malformed"
        out.add("site.postal_code.invalid", ERROR, "site.postal_code", variant, given=given_code)
    elif prefecture is not None and area.prefecture != prefecture:
        found, named = prefecture_by_name(area.prefecture), prefecture_by_name(prefecture)
        out.add(
            "site.postal_code.mismatch",
            WARNING,
            "site.postal_code",
            code=f"{area.postal_code[:3]}-{area.postal_code[3:]}",
            found_en=f"{found.name_en} ({found.name_ja})" if found else area.prefecture,
            found_ja=area.prefecture,
            given_en=f"{named.name_en} ({named.name_ja})" if named else prefecture,
            given_ja=prefecture,
        )

    if prefecture is not None:
        rule = coverage_for(site, policy)
        # The postal data's spelling of the municipality, unless the code is from elsewhere.
        known = area is not None and area.prefecture == prefecture
        place = prefecture + (area.city if area is not None and known else site.city.strip())
        if rule is None:
            out.add("site.not_covered", ERROR, "site", place=place)
        elif rule.travel_required:
            out.add("site.travel_required", INFO, "site", zone=rule.zone)

    if _blank(site.floor):
        out.add("site.floor.missing", WARNING, "site.floor")
    if _blank(site.entry_instructions):
        out.add("site.entry_instructions.missing", WARNING, "site.entry_instructions")
    maps_url = (site.maps_url or "").strip()
    if not maps_url and policy.maps_url_expected:
        out.add("site.maps_url.missing", WARNING, "site.maps_url")
    elif maps_url and not _is_maps_url(maps_url):
        out.add("site.maps_url.invalid", ERROR, "site.maps_url", url=maps_url)
    if site.is_datacenter and _blank(request.datacenter_reference):
        required = policy.datacenter_reference_required
        variant = "required" if required else "optional"
        out.add(
            "site.datacenter_reference.missing",
            _error_if(required),
            "datacenter_reference",
            variant,
        )

    contact = request.local_contact
    if not request.force_without_local_contact:
        if contact is None:
            out.add("site.local_contact.missing", ERROR, "local_contact", "none")
        elif normalize_phone(contact.phone_input) is None:
            out.add(
                "site.local_contact.missing",
                ERROR,
                "local_contact",
                "phone",
                **_who("local", contact.name),
            )


def _is_maps_url(url: str) -> bool:
    if any(c.isspace() for c in url):
        return False
    lowered = url.lower()
    return any(lowered.startswith(p) and len(url) > len(p) for p in MAPS_URL_PREFIXES)


# --- contacts ----------------------------------------------------------------------------------------


def _who(role: str, name: str, index: int = 0) -> dict[str, str]:
    """Who a contact message is about, in both languages, with the name when there is one."""
    name = name.strip()
    en = {"local": "the local contact", "remote": "the remote engineer"}.get(
        role, f"contact {index + 1}"
    )
    ja = {"local": "現地連絡先", "remote": "リモートエンジニア"}.get(role, f"連絡先{index + 1}")
    if name:
        en, ja = f"{en} ({name})", f"{ja}（{name}様）"
    return {"who_en": en, "who_ja": ja}


def _check_contacts(out: _Findings, request: RequestFacts, policy: PolicyRules) -> None:
    people = [
        *([("local_contact", request.local_contact, "local", 0)] if request.local_contact else []),
        *(
            [("remote_engineer", request.remote_engineer, "remote", 0)]
            if request.remote_engineer
            else []
        ),
        *((f"other_contacts[{i}]", c, "other", i) for i, c in enumerate(request.other_contacts)),
    ]
    for path, person, role, index in people:
        who = _who(role, person.name, index)
        phone, email = person.phone_input.strip(), person.email.strip()
        if phone and normalize_phone(phone) is None:
            out.add("contact.phone.invalid", ERROR, f"{path}.phone", value=phone, **who)
        if email and normalize_email(email) is None:
            out.add("contact.email.invalid", ERROR, f"{path}.email", value=email, **who)

    remote = request.remote_engineer
    if remote is None:
        required = policy.remote_engineer_required
        variant = "required" if required else "optional"
        out.add("contact.remote_engineer.missing", _error_if(required), "remote_engineer", variant)
        return
    phone_ok = normalize_phone(remote.phone_input) is not None
    written_ok = normalize_email(remote.email) is not None or any(
        not _blank(handle) for handle in (remote.skype, remote.whatsapp, remote.line)
    )
    if not (phone_ok and written_ok):
        variant = "written" if phone_ok else ("phone" if written_ok else "both")
        out.add(
            "contact.remote_engineer.channel_missing",
            ERROR,
            "remote_engineer",
            variant,
            **_who("remote", remote.name),
        )
