"""The labels of the e-mail order template: which words name which field, in English and Japanese.

Pure Python. `LABELS` maps a folded label (`label_key`) to a field key of `RequestIn`'s shape
("reference", "site.postal_code", "local_contact.phone"…); `split_label` reads the label at the start
of a line in the ways people write it.
"""

from __future__ import annotations

import re
import unicodedata

from genba.messaging.intake.values import BULLET

# key -> the labels that name it (English, then Japanese). The first two are the documented ones.
SPEC: dict[str, tuple[str, ...]] = {
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
CONTACT_SPEC: dict[str, tuple[str, ...]] = {
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
GROUPS = ("local_contact", "remote_engineer")

# Fields whose value runs on (unindented) up to the next label.
MULTILINE = {
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


def label_key(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = re.sub(r"\([^)]*\)", "", folded)  # a hint: "Planned start (JST)", "発注番号（任意）"
    return re.sub(r"[\s\-_.・*#'’\"“”\[\]【】「」『』<>]", "", folded)


def _build_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for key, names in SPEC.items():
        for name in names:
            labels[label_key(name)] = key
    for sub, names in CONTACT_SPEC.items():
        labels.setdefault(label_key(names[0]), f"contact.{sub}")
        for name in names:
            labels.setdefault(label_key(name), f"contact.{sub}")
        for group in GROUPS:
            for heading in SPEC[group]:
                for name in names:
                    for joint in ("", "の", "'s "):
                        labels[label_key(f"{heading}{joint}{name}")] = f"{group}.{sub}"
    # "Company" alone is the site's company unless under a contact heading (resolved in the parser).
    return labels


LABELS: dict[str, str] = _build_labels()

# The documented label of each key, for messages ("PO number / 発注番号").
DOC_LABEL = {key: f"{names[0]} / {names[1]}" for key, names in SPEC.items()}
DOC_LABEL.update(
    {f"contact.{sub}": f"{names[0]} / {names[1]}" for sub, names in CONTACT_SPEC.items()}
)

MAX_LABEL_CHARS = 60


def split_label(line: str) -> tuple[str, str, str] | None:
    """(key, label as written, value) when the line starts with a known label."""
    match = re.search(r"[:：]", line)
    if match is None:
        return None
    label = BULLET.sub("", line[: match.start()], count=1).strip()
    if not label or len(label) > MAX_LABEL_CHARS:
        return None
    value = line[match.end() :].strip()
    key = LABELS.get(label_key(label))
    if key is None:
        # "PO number / 発注番号": every part that is a label must name the same field.
        parts = [LABELS.get(label_key(p)) for p in re.split(r"[/／|｜]", label) if p.strip()]
        known = {p for p in parts if p is not None}
        if len(known) != 1:
            return None
        key = known.pop()
    return key, label, value


def looks_like_label(line: str) -> str | None:
    """An unknown "Something: value" line: the "Something", else None."""
    match = re.match(r"^\s*([^:：]{1,40})[:：]\s*\S", BULLET.sub("", line, count=1))
    if match is None or "//" in line[: match.end() + 2]:
        return None
    label = match.group(1).strip()
    return label if label and not re.search(r"https?$", label, re.IGNORECASE) else None


def resolve(key: str, group: str | None) -> tuple[str | None, str | None]:
    """The field a label names in the current group, and the group after it."""
    if key in GROUPS:
        return key, key
    if key == "site_address" or key.startswith("site."):
        return key, "site"
    if key.startswith(("local_contact.", "remote_engineer.")):
        return key, key.split(".", 1)[0]
    if key.startswith("contact."):
        sub = key.split(".", 1)[1]
        if group in GROUPS:
            return f"{group}.{sub}", group
        if group == "site" and sub in ("name", "company"):
            return ("site.name" if sub == "name" else "site.company_name"), group
        if sub == "company":
            return "site.company_name", None
        return None, group
    return key, None
