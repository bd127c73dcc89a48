"""The e-mail order template: labelled plain text in, a dict shaped like `RequestIn` out.

Pure Python (no Django). `parse(text)` reads one `Label: value` per line:

- Labels are English or Japanese or both ("PO number / 発注番号"), case-insensitive; spaces, hyphens,
  dots, brackets and a parenthesised hint ("Planned start (JST)") do not matter; a full-width colon
  "：" works as well as ":"; a leading bullet ("-", "*", "・", "1.", "①") is skipped.
- A value may continue on the following lines: indented lines continue any field; free-text and list
  fields (work description, entry procedure, equipment, items, paperwork, notes, the address and
  contact headings) also take unindented lines, up to the next label.
- The contact fields (name, phone, e-mail, Skype, WhatsApp, LINE, company) belong to the heading
  above them ("Local contact / 現地担当者", "Remote engineer / リモートエンジニア"), or are written
  with it ("Local contact phone", "現地担当者電話"). A heading may also carry everything on one line
  ("Local contact: Taro Yamada, 03-1234-5678"). The same holds for "Site address / 住所": a one-line
  or multi-line address is split into postal code, prefecture, city, street, building and floor,
  and a part given on its own line ("Floor / 階: 5") wins over the split.
- Reading stops at a signature separator "-- ", a closing line ("以上", "End", "Best regards",
  "Thanks" at the start of a line), the start of a quoted original ("-----Original Message-----",
  "On ... wrote:"), and at the first line after "Submit / 送信" that is not a label (a signature's
  start). Quoted lines ("> ...") are skipped.

What is read is returned in `ParsedOrder.data` (only the fields the mail gave, so a reply that names
two fields changes two fields); a value that cannot be read is left out and described in
`ParsedOrder.problems`, in English and Japanese, so the answer can say what to write instead.

This module reads lines into labelled entries and assembles the order from them. What is said in
sentences instead (a date, a reference, the language, "please submit") is read by prose.py, and
the texts of the problems and notices are in problems.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from genba.messaging.intake.addresses import (
    clean_email,
    clean_phone,
    parse_address,
    parse_contact_inline,
)
from genba.messaging.intake.entries import read_entries
from genba.messaging.intake.labels import (
    GROUPS,
    LABELS,
)
from genba.messaging.intake.problems import Problem, value_problem, year_notice
from genba.messaging.intake.prose import (
    ASKS_TO_SUBMIT,
    REFERENCE_SAID,
    SKILL_SAID,
    SPEAKS,
    sentence_notice,
    sentences,
    written_in,
)
from genba.messaging.intake.values import (
    TOKYO,
    DateError,
    DateReading,
    list_lines,
    nfkc,
    one_line,
    parse_count,
    parse_datetime,
    parse_equipment_line,
    parse_hours,
    parse_languages,
    parse_paperwork_line,
    parse_skill,
    parse_urgency,
    parse_yes_no,
    read_datetime,
    split_items,
    text_block,
)

__all__ = [
    "LABELS",
    "TOKYO",
    "ParsedOrder",
    "Problem",
    "parse",
    "parse_address",
    "parse_datetime",
    "parse_hours",
]


@dataclass
class ParsedOrder:
    data: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # True: "Submit: yes"; False: "Submit: no"; None: not said (a draft).
    submit: bool | None = None
    # How many labelled lines were read: 0 means the mail did not use the template at all.
    labels_seen: int = 0
    # The language the mail is written in ("en", "ja"), None when it mixes both: the answer's.
    language: str | None = None
    # Dates read from a month and day without a year ("12/7"): said back in the answer.
    notices: list[Problem] = field(default_factory=list)


# A table's header or rule row ("| Make | Model | Serial |", "|---|---|"), not a device.
_TABLE_FRAME = re.compile(
    r"^[|\s:-]+$|^\|?(?:\s*(?:make|maker|vendor|model|serial|s/n|qty|quantity|メーカー|型番|"
    r"シリアル|数量)\s*\|)+\s*(?:make|maker|vendor|model|serial|s/n|qty|quantity|メーカー|型番|"
    r"シリアル|数量)?\s*\|?$",
    re.IGNORECASE,
)

_TIME_ONLY = re.compile(r"^\s*(?:午前|午後|am|pm)?\s*\d{1,2}\s*(?::\s*\d{2}|時)", re.IGNORECASE)
# "午前9時30分から、4時間を予定", "from 10:00 for 3 hours": the hours said with the start.
_HOURS_WITH_START = re.compile(
    r"(?P<n>\d+(?:\.\d+)?)\s*(?:時間|hours?|hrs?)(?!\s*(?:前|before|prior))", re.IGNORECASE
)


def _read_start(line: str, today: date | None) -> DateReading:
    if today is None:
        return DateReading(*parse_datetime(line), year_assumed=False)
    return read_datetime(line, today=today)


def _span(when: DateReading, line: str) -> Decimal | None:
    if when.end is not None:
        return Decimal((when.end - when.start).total_seconds() / 3600).quantize(Decimal("0.01"))
    said = _HOURS_WITH_START.search(nfkc(line))
    return Decimal(said.group("n")).quantize(Decimal("0.01")) if said else None


def parse(text: str, *, today: date | None = None) -> ParsedOrder:
    """Read an order written in the template. Never raises on what a customer wrote.

    `today` (Tokyo's date, from the clock) lets dates be written without a year ("12/7 14:00"):
    the next such date is taken and said back in `notices`. Without it, a date needs its year."""
    result = ParsedOrder()
    problems = result.problems
    reading = read_entries(text or "", problems)
    entries = reading.entries
    result.labels_seen = len(entries)
    data = result.data
    site: dict[str, Any] = {}
    site_inline: list[str] = []
    contacts: dict[str, dict[str, Any]] = {g: {} for g in GROUPS}
    contact_inline: dict[str, list[tuple[str, str]]] = {g: [] for g in GROUPS}
    starts: list[datetime] = []
    # Each start's own range ("14:00-17:00"), when written: that visit's hours.
    ranges: list[Decimal | None] = []
    pending_day: tuple[str, Problem] | None = None  # a date written without its time, so far
    hours: Decimal | None = None
    start_given = hours_given = False

    for entry in entries:
        key, label = entry.key, entry.label
        value = one_line(entry.lines)
        if key == "title" and value:
            data["title"] = value
        elif key in ("reference", "datacenter_reference") and value:
            data[key] = value
        elif key == "start":
            start_given = True
            for line in list_lines(entry.lines):
                if pending_day is not None and _TIME_ONLY.match(nfkc(line)):
                    # "[作業日] 2027年01月09日(土)" then "[開始時刻] 08:00": one start.
                    problems.remove(pending_day[1])
                    line = f"{pending_day[0]} {line}"
                    pending_day = None
                try:
                    when = _read_start(line, today)
                except DateError as exc:
                    problem = value_problem(
                        str(exc), f"visits[{len(starts)}].scheduled_start", label, line
                    )
                    problems.append(problem)
                    if str(exc) == "time":
                        pending_day = (line, problem)
                    continue
                if when.year_assumed:
                    result.notices.append(year_notice(len(starts), label, line, when.start))
                starts.append(when.start)
                ranges.append(_span(when, line))
        elif key == "hours" and value:
            hours_given = True
            hours = parse_hours(value)
            if hours is None or abs(hours) > 999:
                hours = None
                problems.append(value_problem("hours", "visits[0].reserved_hours", label, value))
        elif key == "site_address":
            site_inline.extend(x for x in entry.lines if x.strip())
        elif key.startswith("site.") and key != "site.entry_instructions":
            if not value:
                continue
            name = key.split(".", 1)[1]
            if name == "is_datacenter":
                flag = parse_yes_no(value)
                if flag is None:
                    problems.append(value_problem("yes_no", key, label, value))
                else:
                    site[name] = flag
            elif name == "maps_url":
                url = re.search(r"https?://\S+", value)
                site[name] = (url.group(0) if url else value).strip("<>()[]")
            elif name == "floor":
                floor = re.fullmatch(
                    r"(B?\d{1,3})\s*(?:F|階|/F|fl\.?|th floor)?", nfkc(value), re.I
                )
                site[name] = floor.group(1) if floor else value
            elif name == "postal_code":
                site[name] = nfkc(value).removeprefix("〒").strip()
            else:
                site[name] = value
        elif key == "site.entry_instructions":
            block = text_block(entry.lines)
            if block:
                site["entry_instructions"] = block
        elif key in GROUPS:
            contact_inline[key].extend((label, x) for x in entry.lines if x.strip())
        elif key.startswith(tuple(f"{g}." for g in GROUPS)):
            group, sub = key.split(".", 1)
            if value:
                if sub == "phone":
                    value = clean_phone(value)
                elif sub == "email":
                    value = clean_email(value)
                contacts[group][sub] = value
        elif key in ("force_without_local_contact", "sla_requested", "submit"):
            if not value:
                continue
            flag = parse_yes_no(value)
            if flag is None:
                problems.append(value_problem("yes_no", key, label, value))
            elif key == "submit":
                result.submit = flag
            else:
                data[key] = flag
        elif key == "languages" and value:
            languages = parse_languages(value)
            if languages is None:
                problems.append(value_problem("languages", key, label, value))
            else:
                data[key] = languages
        elif key == "skill_level" and value:
            level = parse_skill(value)
            if level is None:
                problems.append(value_problem("skill_level", key, label, value))
            else:
                data[key] = level
        elif key == "engineers" and value:
            count = parse_count(value)
            if "skill_level" not in data and (said := parse_skill(value)):
                data["skill_level"] = said  # "Engineers: 1, senior"
            if count is None or abs(count) > 100:
                problems.append(value_problem("engineers", key, label, value))
            else:
                data[key] = count
        elif key == "urgency" and value:
            urgency = parse_urgency(value)
            if urgency is None:
                problems.append(value_problem("urgency", key, label, value))
            else:
                data[key] = urgency
        elif key in ("work_description", "customer_notes"):
            block = text_block(entry.lines)
            if block:
                data[key] = block
        elif key == "equipment":
            lines = [x for x in list_lines(entry.lines) if not _TABLE_FRAME.match(x)]
            if lines:
                data.setdefault("equipment", []).extend(parse_equipment_line(x) for x in lines)
        elif key == "items_to_bring":
            for line in list_lines(entry.lines):
                data.setdefault("items_to_bring", []).extend(split_items(line))
        elif key == "paperwork":
            lines = list_lines(entry.lines)
            if lines:
                data.setdefault("paperwork", []).extend(
                    parse_paperwork_line(item) for x in lines for item in split_items(x)
                )

    if site_inline:
        # An address we cannot split fully leaves parts out: the completeness check asks for them.
        for name, part in parse_address("\n".join(x.strip() for x in site_inline)).items():
            site.setdefault(name, part)
    if "datacenter_reference" in data and "is_datacenter" not in site:
        site["is_datacenter"] = True  # a data-center visit reference says where we are going
    if site:
        data["site"] = site
    for group in GROUPS:
        for label, line in contact_inline[group]:
            fields, leftovers = parse_contact_inline(line)
            for name, part in fields.items():
                contacts[group].setdefault(name, part)
            for piece in leftovers:
                problems.append(value_problem("contact", f"{group}.name", label, piece))
        if contacts[group]:
            data[group] = contacts[group]

    if not start_given:
        # No date label: a date said in a sentence ("on Tuesday, December 8, 2026, from 10:00 to
        # 14:00 JST"), read back in the answer so that a wrong reading is seen.
        for sentence in sentences(reading.prose):
            try:
                when = _read_start(sentence, today)
            except DateError:
                continue
            start_given = True
            starts.append(when.start)
            ranges.append(_span(when, sentence))
            result.notices.append(sentence_notice(sentence, when))
            break
    if "skill_level" not in data:
        level = next(filter(None, (SKILL_SAID.search(line) for line in reading.prose)), None)
        if level:
            data["skill_level"] = parse_skill(level.group(0))
    if start_given or hours_given:
        # "Reserved hours" written holds for every visit; otherwise each visit's own range, or
        # the first range for a visit written without one.
        fallback = next((r for r in ranges if r is not None), None)
        visits = []
        for start, span in zip(starts, ranges, strict=True):
            visit_hours = hours if hours_given else (span if span is not None else fallback)
            visits.append(
                {"scheduled_start": start}
                | ({"reserved_hours": visit_hours} if visit_hours is not None else {})
            )
        if visits:
            data["visits"] = visits
        elif hours is not None:
            data["visits"] = [{"reserved_hours": hours}]
    if result.submit is None and any(ASKS_TO_SUBMIT.search(line) for line in reading.prose):
        result.submit = True
    if "languages" not in data:
        spoken = [
            m.group("language") or m.group("language2") or m.group("language3")
            for line in reading.prose
            for m in SPEAKS.finditer(line)
        ]
        if spoken:
            data["languages"] = parse_languages(" ".join(spoken)) or []
    if "reference" not in data:
        said = next(filter(None, (REFERENCE_SAID.search(line) for line in reading.prose)), None)
        if said:
            data["reference"] = (said.group("value") or said.group("ja")).rstrip(".。")
    result.language = written_in(reading)
    return result


TEMPLATE_EN_JA = """\
Title / 件名: Replace failed disk in storage array
PO number / 発注番号: PO-4711
Planned start / 訪問日時: 2027-02-02 10:00 JST
Reserved hours / 予約時間: 3
Site address / 住所:
  Site name / 拠点名: Otemachi DC
  Company / 会社名: Acme KK
  Postal code / 郵便番号: 100-0004
  Prefecture / 都道府県: Tokyo
  City / 市区町村: Chiyoda-ku
  Street / 番地: 1-2-3 Otemachi
  Building / 建物: Otemachi Tower
  Floor / 階: 5
  Room / 部屋: Cage 12
Entry procedure / 入館手順: Show photo ID at the security desk.
Maps URL / 地図: https://maps.app.goo.gl/abc123
Data center reference / データセンター受付番号: DC-REF-889
Local contact / 現地担当者:
  Name / 氏名: Taro Yamada
  Phone / 電話: 03-1234-5678
  Email / メール: yamada@acme.example
Remote engineer / リモートエンジニア:
  Name / 氏名: Jane Doe
  Phone / 電話: +1 415 555 0132
  Email / メール: jane@acme.example
  Skype: jane.doe
Language / 言語: English
Skill level / スキル: senior
Engineers / 人数: 1
Urgency / 緊急度: 1
SLA: no
Work description / 作業内容:
  Replace the failed disk in slot 3 of the array, then confirm the rebuild
  with the remote engineer before leaving.
Equipment / 機器:
  NetApp FAS2750 SN-001
Items to bring / 持参品: laptop, console cable
Paperwork / 書類:
  NDA - done
Submit / 送信: no
"""
