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
  "On ... wrote:"), and after "Submit / 送信" (the last line). Quoted lines ("> ...") are skipped.

What is read is returned in `ParsedOrder.data` (only the fields the mail gave, so a reply that names
two fields changes two fields); a value that cannot be read is left out and described in
`ParsedOrder.problems`, in English and Japanese, so the answer can say what to write instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from genba.core.prefectures import PREFECTURES, normalize_prefecture
from genba.messaging.intake.values import (
    BULLET,
    TOKYO,
    DateError,
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
    split_items,
    text_block,
)

__all__ = ["TOKYO", "LABELS", "ParsedOrder", "Problem", "parse", "parse_datetime", "parse_hours"]


@dataclass(frozen=True)
class Problem:
    """A value that could not be read: `field` is the RequestIn path ("visits[0].scheduled_start",
    "site.postal_code", or "template" for a line that is not a known label)."""

    field: str
    label: str
    value: str
    message_en: str
    message_ja: str

    def message(self, language: str) -> str:
        return self.message_ja if (language or "").lower().startswith("ja") else self.message_en


@dataclass
class ParsedOrder:
    data: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # True: "Submit: yes"; False: "Submit: no"; None: not said (a draft).
    submit: bool | None = None
    # How many labelled lines were read: 0 means the mail did not use the template at all.
    labels_seen: int = 0


# --- labels ---------------------------------------------------------------------------------------

# key -> the labels that name it (English, then Japanese). The first two are the documented ones.
_SPEC: dict[str, tuple[str, ...]] = {
    "title": ("Title", "件名", "タイトル", "案件名"),
    "reference": (
        "PO number",
        "発注番号",
        "PO",
        "PO no",
        "PO #",
        "purchase order",
        "purchase order number",
        "case number",
        "ticket number",
        "reference",
        "reference number",
        "注文番号",
        "ケース番号",
        "チケット番号",
        "管理番号",
    ),
    "start": (
        "Planned start",
        "訪問日時",
        "planned date",
        "planned date and time",
        "visit date",
        "visit date and time",
        "date and time",
        "start date",
        "start time",
        "作業日時",
        "訪問日",
        "開始日時",
        "日時",
    ),
    "hours": (
        "Reserved hours",
        "予約時間",
        "hours",
        "reserved time",
        "hours on site",
        "作業時間",
        "予約時間数",
    ),
    "site_address": ("Site address", "住所", "address", "訪問先住所", "所在地", "訪問先"),
    "site.name": ("Site name", "拠点名", "サイト名"),
    "site.postal_code": (
        "Postal code",
        "郵便番号",
        "post code",
        "postcode",
        "zip",
        "zip code",
        "〒",
    ),
    "site.prefecture": ("Prefecture", "都道府県"),
    "site.city": ("City", "市区町村", "ward", "city/ward", "市区郡"),
    "site.street": ("Street", "番地", "street address", "address line", "町名番地", "町域番地"),
    "site.building": ("Building", "建物", "建物名", "ビル名", "ビル"),
    "site.floor": ("Floor", "階", "フロア", "階数"),
    "site.room": ("Room", "部屋", "部屋番号", "室", "ラック", "cage"),
    "site.entry_instructions": (
        "Entry procedure",
        "入館手順",
        "entry instructions",
        "how to enter",
        "access instructions",
        "入館方法",
        "入室手順",
        "入館",
    ),
    "site.maps_url": (
        "Maps URL",
        "地図",
        "map",
        "map url",
        "google maps",
        "google map",
        "maps",
        "地図URL",
        "グーグルマップ",
        "googleマップ",
    ),
    "site.is_datacenter": ("Data center", "データセンター", "datacenter", "is data center", "DC"),
    "datacenter_reference": (
        "Data center reference",
        "データセンター受付番号",
        "datacenter reference",
        "DC reference",
        "DC ref",
        "data center visit reference",
        "visit reference",
        "受付番号",
        "入館申請番号",
        "作業申請番号",
    ),
    "local_contact": (
        "Local contact",
        "現地担当者",
        "on-site contact",
        "onsite contact",
        "site contact",
        "現地連絡先",
        "現地担当",
    ),
    "remote_engineer": (
        "Remote engineer",
        "リモートエンジニア",
        "customer engineer",
        "project engineer",
        "tier 3",
        "tier3 engineer",
        "リモート担当者",
        "リモート担当",
    ),
    "force_without_local_contact": (
        "Dispatch without local contact",
        "現地担当者なしで派遣",
        "no local contact",
        "without local contact",
        "現地担当者なし",
    ),
    "languages": (
        "Language",
        "言語",
        "languages",
        "working language",
        "communication language",
        "対応言語",
        "使用言語",
        "作業言語",
    ),
    "skill_level": (
        "Skill level",
        "スキル",
        "skill",
        "engineer level",
        "engineer skill",
        "スキルレベル",
        "技術レベル",
    ),
    "engineers": (
        "Engineers",
        "人数",
        "number of engineers",
        "engineer count",
        "headcount",
        "エンジニア人数",
        "作業員数",
        "人員",
    ),
    "urgency": ("Urgency", "緊急度", "urgency class", "class", "priority", "緊急", "優先度"),
    "sla_requested": ("SLA", "SLA要否", "SLA requested", "SLA required", "SLA希望"),
    "work_description": (
        "Work description",
        "作業内容",
        "description",
        "work",
        "scope of work",
        "task",
        "作業概要",
        "依頼内容",
    ),
    "equipment": (
        "Equipment",
        "機器",
        "hardware",
        "target hardware",
        "devices",
        "対象機器",
        "機器情報",
    ),
    "items_to_bring": (
        "Items to bring",
        "持参品",
        "items",
        "things to bring",
        "bring",
        "持ち物",
        "持参物",
    ),
    "paperwork": ("Paperwork", "書類", "documents", "paper work", "事前書類", "提出書類"),
    "customer_notes": ("Notes", "備考", "remarks", "comments", "その他"),
    "submit": ("Submit", "送信", "send", "send now", "提出", "依頼確定"),
}

# Contact sub-fields: meaningful only under a contact heading, or with it in the label.
_CONTACT_SPEC: dict[str, tuple[str, ...]] = {
    "name": ("Name", "氏名", "名前", "担当者名", "お名前"),
    "phone": (
        "Phone",
        "電話",
        "tel",
        "telephone",
        "phone number",
        "mobile",
        "cell",
        "電話番号",
        "携帯",
        "携帯番号",
        "連絡先電話番号",
    ),
    "email": ("Email", "メール", "e-mail", "mail", "email address", "メールアドレス", "eメール"),
    "skype": ("Skype", "スカイプ"),
    "whatsapp": ("WhatsApp", "ワッツアップ"),
    "line": ("LINE", "LINE ID", "ライン"),
    "company": ("Company", "会社", "会社名", "所属"),
}
_GROUPS = ("local_contact", "remote_engineer")

# Fields whose value runs on (unindented) up to the next label.
_MULTILINE = {
    "site_address",
    "local_contact",
    "remote_engineer",
    "site.entry_instructions",
    "work_description",
    "equipment",
    "items_to_bring",
    "paperwork",
    "customer_notes",
}


def _label_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = re.sub(r"\([^)]*\)", "", folded)  # a hint: "Planned start (JST)", "発注番号（任意）"
    return re.sub(r"[\s\-_.・*#'’\"“”\[\]【】「」『』<>]", "", folded)


def _build_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for key, names in _SPEC.items():
        for name in names:
            labels[_label_key(name)] = key
    for sub, names in _CONTACT_SPEC.items():
        labels.setdefault(_label_key(names[0]), f"contact.{sub}")
        for name in names:
            labels.setdefault(_label_key(name), f"contact.{sub}")
        for group in _GROUPS:
            for heading in _SPEC[group]:
                for name in names:
                    for joint in ("", "の", "'s "):
                        labels[_label_key(f"{heading}{joint}{name}")] = f"{group}.{sub}"
    # "Company" alone is the site's company unless under a contact heading (resolved in the parser).
    return labels


LABELS: dict[str, str] = _build_labels()

# The documented label of each key, for messages ("PO number / 発注番号").
_DOC_LABEL = {key: f"{names[0]} / {names[1]}" for key, names in _SPEC.items()}
_DOC_LABEL.update(
    {f"contact.{sub}": f"{names[0]} / {names[1]}" for sub, names in _CONTACT_SPEC.items()}
)

_STOP = re.compile(
    r"""^\s*(?:
        --\s*$                                                   # signature separator
      | (?:以上|end|end\ of\ order)[.。]?\s*$
      | -{2,}\s*(?:original\ message|forwarded\ message|元のメッセージ|転送されたメッセージ).*
      | _{5,}\s*$                                                # Outlook's quote rule
      | on\ .{5,200}\ wrote:\s*$
      | .{0,120}(?:wrote|書きました)[:：]\s*$
      | .{0,160}<[^<>@\s]+@[^<>\s]+>\s*[:：]\s*$                   # "2026年11月30日 9:00 X <a@b>:"
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# A closing line, at the start of a line only: an indented "Thanks" may belong to a description.
_SIGN_OFF = re.compile(
    r"""^(?:best\ regards|kind\ regards|regards|many\ thanks|thanks|thank\ you|cheers|sincerely
         |よろしくお願い(?:いた|致)?します|宜しくお願い(?:いた|致)?します)[\s,.!。、]*$""",
    re.IGNORECASE | re.VERBOSE,
)
_MAX_LABEL_CHARS = 60


def _split_label(line: str) -> tuple[str, str, str] | None:
    """(key, label as written, value) when the line starts with a known label."""
    match = re.search(r"[:：]", line)
    if match is None:
        return None
    label = BULLET.sub("", line[: match.start()], count=1).strip()
    if not label or len(label) > _MAX_LABEL_CHARS:
        return None
    value = line[match.end() :].strip()
    key = LABELS.get(_label_key(label))
    if key is None:
        # "PO number / 発注番号": every part that is a label must name the same field.
        parts = [LABELS.get(_label_key(p)) for p in re.split(r"[/／|｜]", label) if p.strip()]
        known = {p for p in parts if p is not None}
        if len(known) != 1:
            return None
        key = known.pop()
    return key, label, value


def _looks_like_label(line: str) -> str | None:
    """An unknown "Something: value" line: the "Something", else None."""
    match = re.match(r"^\s*([^:：]{1,40})[:：]\s*\S", BULLET.sub("", line, count=1))
    if match is None or "//" in line[: match.end() + 2]:
        return None
    label = match.group(1).strip()
    return label if label and not re.search(r"https?$", label, re.IGNORECASE) else None


@dataclass
class _Entry:
    key: str
    label: str
    lines: list[str]


def _entries(text: str, problems: list[Problem]) -> list[_Entry]:
    entries: list[_Entry] = []
    current: _Entry | None = None
    group: str | None = None  # "site", "local_contact", "remote_engineer"
    submitted = False  # "Submit / 送信" is the last line: what follows is not read
    for raw_line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw_line.replace("\u3000", "  ").rstrip()
        if line.lstrip().startswith(">"):
            continue
        if _STOP.match(line) or _SIGN_OFF.match(line):
            break
        hit = _split_label(line)
        if submitted:
            if current is not None and hit is None and line[:1].isspace() and line.strip():
                current.lines.append(line)
                continue
            current = None
            if hit is not None and not hit[0].startswith("contact."):
                problems.append(_after_submit(hit[1], line))
                break
            continue
        if hit is not None:
            key, label, value = hit
            key, group = _resolve(key, group)
            if key is None:
                problems.append(
                    Problem(
                        "template",
                        label,
                        value,
                        f"“{label}” belongs to a contact: write it under “Local contact / 現地担当者” "
                        "or “Remote engineer / リモートエンジニア”.",
                        f"「{label}」は連絡先の項目です。「Local contact / 現地担当者」または"
                        "「Remote engineer / リモートエンジニア」の下にご記入ください。",
                    )
                )
                current = None
                continue
            current = _Entry(key, label, [value] if value else [])
            entries.append(current)
            submitted = key == "submit"
            continue
        if current is None:
            unknown = _looks_like_label(line) if entries else None
            if unknown:
                problems.append(_unknown_label(unknown, line))
            continue
        indented = bool(line) and line[0].isspace()
        if current.key in _MULTILINE or (indented and line.strip()):
            current.lines.append(line)
        elif line.strip():
            unknown = _looks_like_label(line)
            if unknown:
                problems.append(_unknown_label(unknown, line))
            current = None  # text after a one-line field ends it ("Thanks!", a signature)
    return entries


def _unknown_label(label: str, line: str) -> Problem:
    return Problem(
        "template",
        label,
        line.strip(),
        f"“{label}” is not a label of the order template, so this line was not read.",
        f"「{label}」はご依頼テンプレートの項目名ではないため、この行は読み取れませんでした。",
    )


def _after_submit(label: str, line: str) -> Problem:
    return Problem(
        "template",
        label,
        line.strip(),
        f"“{label}” comes after “Submit / 送信”, which ends the order: lines below it are not "
        "read. Please put Submit last.",
        f"「{label}」は「Submit / 送信」の後にあります。送信の行でご依頼は終わるため、それ以降の行は"
        "読み取られません。送信の行は最後にご記入ください。",
    )


def _resolve(key: str, group: str | None) -> tuple[str | None, str | None]:
    """The field a label names in the current group, and the group after it."""
    if key in _GROUPS:
        return key, key
    if key == "site_address" or key.startswith("site."):
        return key, "site"
    if key.startswith(("local_contact.", "remote_engineer.")):
        return key, key.split(".", 1)[0]
    if key.startswith("contact."):
        sub = key.split(".", 1)[1]
        if group in _GROUPS:
            return f"{group}.{sub}", group
        if group == "site" and sub in ("name", "company"):
            return ("site.name" if sub == "name" else "site.company_name"), group
        if sub == "company":
            return "site.company_name", None
        return None, group
    return key, None


# --- contacts and addresses ------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+|\(\+?)?\d[\d\s().\-‐－]{5,}\d")
_MESSENGER = re.compile(
    r"^\s*(?P<key>skype|whatsapp|line(?:\s*id)?|phone|tel|mobile|email|e-mail|mail|name|company"
    r"|スカイプ|ライン|電話|メール|氏名|会社)\s*[:：]\s*(?P<value>.+)$",
    re.IGNORECASE,
)
_MESSENGER_KEYS = {
    "スカイプ": "skype",
    "ライン": "line",
    "電話": "phone",
    "tel": "phone",
    "mobile": "phone",
    "メール": "email",
    "e-mail": "email",
    "mail": "email",
    "氏名": "name",
    "会社": "company",
}


def clean_phone(value: str) -> str:
    text = re.sub(r"^(?:tel|phone)\s*[:：]?\s*", "", " ".join(value.split()), flags=re.I)
    return text.strip(" ,;")


def clean_email(value: str) -> str:
    text = value.strip().removeprefix("mailto:").strip("<>[]() ")
    found = _EMAIL.search(text)
    return found.group(0) if found else text


def parse_contact_inline(text: str) -> tuple[dict[str, str], list[str]]:
    """ "Taro Yamada, 03-1234-5678, yamada@acme.example, skype: t.yamada" -> fields, and the pieces
    that could not be told apart."""
    out: dict[str, str] = {}
    leftovers: list[str] = []
    for piece in re.split(r"[,;、，；\n|]|\s/\s", text):
        piece = piece.strip()
        if not piece:
            continue
        keyed = _MESSENGER.match(piece)
        if keyed:
            key = keyed.group("key").casefold().replace(" ", "")
            key = _MESSENGER_KEYS.get(key, "line" if key.startswith("line") else key)
            out.setdefault(key, keyed.group("value").strip())
            continue
        email = _EMAIL.search(piece)
        if email:
            out.setdefault("email", email.group(0))
            piece = (piece[: email.start()] + piece[email.end() :]).strip(" <>()")
        phone = _PHONE.search(piece)
        if phone and sum(c.isdigit() for c in phone.group(0)) >= 8:
            out.setdefault("phone", clean_phone(phone.group(0)))
            piece = (piece[: phone.start()] + piece[phone.end() :]).strip(" ()")
        piece = re.sub(r"^(?:tel|phone)\s*[:：]?\s*$", "", piece, flags=re.I).strip()
        if piece:
            if "name" not in out:
                out["name"] = piece
            else:
                leftovers.append(piece)
    for key in ("phone",):
        if key in out:
            out[key] = clean_phone(out[key])
    if "email" in out:
        out["email"] = clean_email(out["email"])
    return out, leftovers


_JA_CHARS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_POSTAL = re.compile(
    r"〒\s*(\d{3})\s*[-‐－ー−]?\s*(\d{4})|(?<![\d-])(\d{3})[-‐－ー−](\d{4})(?![\d-])"
)
_FLOOR = re.compile(
    r"(?<![\w-])(?P<f>B?\d{1,3})\s*(?:F|階|/F|fl\.?)(?![A-Za-z])"
    r"|(?<![\w-])(?P<g>\d{1,3})(?:st|nd|rd|th)\s+floor\b"
    r"|\bfloor\s+(?P<h>B?\d{1,3})\b",
    re.IGNORECASE,
)
_CITY_JA = re.compile(r"^(.+?郡.+?[町村]|.+?市.+?区|.+?[市区町村])")
_STREET_JA = re.compile(
    r"^(?P<street>.*?\d+(?:\s*(?:[-‐－ー−の]|丁目|番地|番|号)\s*\d+)*\s*(?:丁目|番地|番|号)?)\s*(?P<rest>.*)$"
)
_CITY_EN = re.compile(
    r"^[A-Za-zōūŌŪ' ]+?(?:-|\s)(?:ku|shi|city|ward|gun|cho|machi|mura|son)$", re.IGNORECASE
)
_BUILDING_EN = re.compile(
    r"\b(?:bldg|building|tower|bld|plaza|center|centre|house|heights|court|annex|dc)\b|ビル|タワー",
    re.IGNORECASE,
)


def parse_address(text: str) -> dict[str, str]:
    """Split a one-line (or several-line) address into the site's parts; best effort."""
    work = nfkc(text).replace("\n", ", ")
    out: dict[str, str] = {}
    postal = _POSTAL.search(work)
    if postal:
        digits = [g for g in postal.groups() if g]
        out["postal_code"] = f"{digits[0]}-{digits[1]}"
        work = work[: postal.start()] + " " + work[postal.end() :]
    floor = _FLOOR.search(work)
    if floor:
        out["floor"] = floor.group("f") or floor.group("g") or floor.group("h")
        work = work[: floor.start()] + " " + work[floor.end() :]
    work = re.sub(r"\b(?:japan|日本)\b|日本国", " ", work, flags=re.IGNORECASE)
    work = re.sub(r"\s*,\s*(?:,\s*)+", ", ", work).strip(" ,")
    if _JA_CHARS.search(work):
        _address_ja(work, out)
    else:
        _address_en(work, out)
    return {k: v.strip(" ,") for k, v in out.items() if v and v.strip(" ,")}


def _address_ja(work: str, out: dict[str, str]) -> None:
    compact = work.replace(",", " ").strip()
    for pref in PREFECTURES:
        at = compact.find(pref.name_ja)
        name = pref.name_ja
        if at < 0 and compact.startswith(pref.short_ja) and pref.short_ja != pref.name_ja:
            at, name = 0, pref.short_ja
        if at >= 0:
            out["prefecture"] = pref.name_ja
            compact = (compact[:at] + " " + compact[at + len(name) :]).strip()
            break
    head = compact.lstrip()
    city = _CITY_JA.match(re.sub(r"\s+", "", head.split(" ")[0])) if head else None
    if city:
        taken = city.group(1)
        out["city"] = taken
        # Remove the city's characters from the front, spaces allowed between them.
        pattern = r"\s*".join(map(re.escape, taken))
        head = re.sub(rf"^\s*{pattern}", "", head).strip()
    if not head:
        return
    street = _STREET_JA.match(head)
    if street and street.group("street").strip():
        out["street"] = street.group("street").strip()
        if street.group("rest").strip():
            out["building"] = street.group("rest").strip()
    else:
        out["street"] = head


def _address_en(work: str, out: dict[str, str]) -> None:
    street: list[str] = []
    for segment in (s.strip() for s in work.split(",")):
        if not segment:
            continue
        if "prefecture" not in out and normalize_prefecture(segment):
            out["prefecture"] = segment
            continue
        words = segment.split()
        # "Chiyoda-ku Tokyo", "Tokyo-to Chiyoda-ku": a prefecture at either end of a segment.
        if "prefecture" not in out and len(words) > 1:
            if normalize_prefecture(words[-1]):
                out["prefecture"], segment = words[-1], " ".join(words[:-1])
            elif normalize_prefecture(words[0]):
                out["prefecture"], segment = words[0], " ".join(words[1:])
        if "city" not in out and not re.search(r"\d", segment) and _CITY_EN.match(segment):
            out["city"] = segment
        elif "building" not in out and _BUILDING_EN.search(segment) and street:
            out["building"] = segment
        else:
            street.append(segment)
    if street:
        out["street"] = ", ".join(street)


# --- the whole order ------------------------------------------------------------------------------


def _problem(field_path: str, label: str, value: str, en: str, ja: str) -> Problem:
    return Problem(field_path, label, value, f"{label}: {en}", f"{label}：{ja}")


_PROBLEM_TEXT = {
    "date": (
        "“{value}” is not a date and time we can read. Write it like 2027-02-02 10:00 JST.",
        "「{value}」は日時として読み取れません。2027-02-02 10:00 JST のようにご記入ください。",
    ),
    "time": (
        "“{value}” has no time of day. Write the date and the time, like 2027-02-02 10:00 JST.",
        "「{value}」に時刻がありません。2027-02-02 10:00 JST のように日付と時刻をご記入ください。",
    ),
    "zone": (
        "“{value}” has a time zone we do not know. Write the time in JST, or with an offset like +09:00.",
        "「{value}」のタイムゾーンが分かりません。日本時間（JST）か +09:00 のような時差でご記入ください。",
    ),
    "hours": (
        "“{value}” is not a number of hours. Write it like 3 or 3 hours.",
        "「{value}」は時間数として読み取れません。3 または 3時間 のようにご記入ください。",
    ),
    "yes_no": (
        "“{value}” is neither yes nor no.",
        "「{value}」は「はい」「いいえ」として読み取れません。",
    ),
    "languages": (
        "“{value}” is not a language we can read. Write English, Japanese, or both.",
        "「{value}」は言語として読み取れません。英語、日本語、または両方とご記入ください。",
    ),
    "skill_level": (
        "“{value}” is not a skill level. Write entry, senior or specialist.",
        "「{value}」はスキルレベルとして読み取れません。エントリー、シニア、スペシャリストのいずれかをご記入ください。",
    ),
    "engineers": (
        "“{value}” is not a number of engineers. Write a number like 1 or 2.",
        "「{value}」は人数として読み取れません。1、2 のように数字でご記入ください。",
    ),
    "urgency": (
        "“{value}” is not an urgency class. Write a class from 1 (planned) to 4 (visit immediately).",
        "「{value}」は緊急度として読み取れません。1（計画）から4（即時訪問）のクラスをご記入ください。",
    ),
    "contact": (
        "could not tell what “{value}” is; write it on its own line with its label (Name, Phone, Email).",
        "「{value}」が何の情報か判別できません。項目名（氏名、電話、メール）を付けて別の行にご記入ください。",
    ),
}


def _value_problem(kind: str, field_path: str, label: str, value: str) -> Problem:
    en, ja = _PROBLEM_TEXT[kind]
    shown = value if len(value) <= 80 else value[:77] + "..."
    return _problem(field_path, label, value, en.format(value=shown), ja.format(value=shown))


def parse(text: str) -> ParsedOrder:
    """Read an order written in the template. Never raises on what a customer wrote."""
    result = ParsedOrder()
    problems = result.problems
    entries = _entries(text or "", problems)
    result.labels_seen = len(entries)
    data = result.data
    site: dict[str, Any] = {}
    site_inline: list[str] = []
    contacts: dict[str, dict[str, Any]] = {g: {} for g in _GROUPS}
    contact_inline: dict[str, list[tuple[str, str]]] = {g: [] for g in _GROUPS}
    starts: list[datetime] = []
    range_hours: Decimal | None = None
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
                try:
                    start, end = parse_datetime(line)
                except DateError as exc:
                    problems.append(
                        _value_problem(
                            str(exc), f"visits[{len(starts)}].scheduled_start", label, line
                        )
                    )
                    continue
                starts.append(start)
                if end is not None and range_hours is None:
                    range_hours = Decimal((end - start).total_seconds() / 3600).quantize(
                        Decimal("0.01")
                    )
        elif key == "hours" and value:
            hours_given = True
            hours = parse_hours(value)
            if hours is None or abs(hours) > 999:
                hours = None
                problems.append(_value_problem("hours", "visits[0].reserved_hours", label, value))
        elif key == "site_address":
            site_inline.extend(x for x in entry.lines if x.strip())
        elif key.startswith("site.") and key != "site.entry_instructions":
            if not value:
                continue
            name = key.split(".", 1)[1]
            if name == "is_datacenter":
                flag = parse_yes_no(value)
                if flag is None:
                    problems.append(_value_problem("yes_no", key, label, value))
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
            else:
                site[name] = value
        elif key == "site.entry_instructions":
            block = text_block(entry.lines)
            if block:
                site["entry_instructions"] = block
        elif key in _GROUPS:
            contact_inline[key].extend((label, x) for x in entry.lines if x.strip())
        elif key.startswith(tuple(f"{g}." for g in _GROUPS)):
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
                problems.append(_value_problem("yes_no", key, label, value))
            elif key == "submit":
                result.submit = flag
            else:
                data[key] = flag
        elif key == "languages" and value:
            languages = parse_languages(value)
            if languages is None:
                problems.append(_value_problem("languages", key, label, value))
            else:
                data[key] = languages
        elif key == "skill_level" and value:
            level = parse_skill(value)
            if level is None:
                problems.append(_value_problem("skill_level", key, label, value))
            else:
                data[key] = level
        elif key == "engineers" and value:
            count = parse_count(value)
            if count is None or abs(count) > 100:
                problems.append(_value_problem("engineers", key, label, value))
            else:
                data[key] = count
        elif key == "urgency" and value:
            urgency = parse_urgency(value)
            if urgency is None:
                problems.append(_value_problem("urgency", key, label, value))
            else:
                data[key] = urgency
        elif key in ("work_description", "customer_notes"):
            block = text_block(entry.lines)
            if block:
                data[key] = block
        elif key == "equipment":
            lines = list_lines(entry.lines)
            if lines:
                data.setdefault("equipment", []).extend(parse_equipment_line(x) for x in lines)
        elif key == "items_to_bring":
            for line in list_lines(entry.lines):
                data.setdefault("items_to_bring", []).extend(split_items(line))
        elif key == "paperwork":
            lines = list_lines(entry.lines)
            if lines:
                data.setdefault("paperwork", []).extend(parse_paperwork_line(x) for x in lines)

    if site_inline:
        # An address we cannot split fully leaves parts out: the completeness check asks for them.
        for name, part in parse_address("\n".join(x.strip() for x in site_inline)).items():
            site.setdefault(name, part)
    if "datacenter_reference" in data and "is_datacenter" not in site:
        site["is_datacenter"] = True  # a data-center visit reference says where we are going
    if site:
        data["site"] = site
    for group in _GROUPS:
        for label, line in contact_inline[group]:
            fields, leftovers = parse_contact_inline(line)
            for name, part in fields.items():
                contacts[group].setdefault(name, part)
            for piece in leftovers:
                problems.append(_value_problem("contact", f"{group}.name", label, piece))
        if contacts[group]:
            data[group] = contacts[group]

    if start_given or hours_given:
        if hours is None and not hours_given and range_hours is not None:
            hours = range_hours
        visit_hours = {"reserved_hours": hours} if hours is not None else {}
        if starts:
            data["visits"] = [{"scheduled_start": s, **visit_hours} for s in starts]
        elif visit_hours:
            data["visits"] = [visit_hours]
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
