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
    "title": (
        "Title",
        "件名",
        "タイトル",
        "案件名",
        "job title",
        "request title",
        "作業名",
        "依頼件名",
        "作業件名",
        "依頼名",
    ),
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
        "PO number",
        "order number",
        "order no",
        "our reference",
        "ref",
        "ref no",
        "発注No",
        "注文No",
        "PO番号",
        "案件番号",
        "管理No",
        "チケットNo",
        "change ticket",
        "change number",
        "change request",
        "ticket",
        "ticket no",
        "request number",
        "RITM",
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
        "date",
        "date/time",
        "date & time",
        "visit",
        "visit time",
        "time",
        "scheduled",
        "schedule",
        "requested date",
        "preferred date",
        "desired date",
        "when",
        "作業予定日時",
        "作業希望日時",
        "希望日時",
        "訪問希望日時",
        "作業予定日",
        "作業日",
        "日程",
        "実施日時",
        "実施日",
        "start",
        "starts",
        "start at",
        "開始",
        "開始時刻",
        "作業開始",
        "scheduled start",
        "requested start",
        "start date/time",
        "planned start date",
        "visit start",
        "window",
        "time window",
        "maintenance window",
        "change window",
        "作業枠",
    ),
    "hours": (
        "Reserved hours",
        "予約時間",
        "hours",
        "reserved time",
        "hours on site",
        "作業時間",
        "予約時間数",
        "duration",
        "estimated duration",
        "estimated time",
        "expected duration",
        "time needed",
        "所要時間",
        "作業予定時間",
        "想定作業時間",
        "予定時間",
        "時間",
        "作業時間数",
    ),
    "site_address": (
        "Site address",
        "住所",
        "address",
        "訪問先住所",
        "所在地",
        "訪問先",
        "site",
        "site location",
        "location",
        "venue",
        "作業場所",
        "作業場所住所",
        "訪問場所",
        "現地住所",
        "設置場所",
        "場所",
        "place",
        "where",
    ),
    "site.name": (
        "Site name",
        "拠点名",
        "サイト名",
        "facility",
        "施設名",
        "データセンター名",
        "DC名",
    ),
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
    "site.building": ("Building", "建物", "建物名", "ビル名", "ビル", "building name", "建物名称"),
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
        "entry",
        "access",
        "building access",
        "site access",
        "access procedure",
        "入館について",
        "ご入館方法",
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
        "data center ticket",
        "DC ticket",
        "datacenter ticket",
        "データセンター作業申請番号",
        "DC作業申請番号",
        "作業申請No",
    ),
    "local_contact": (
        "Local contact",
        "現地担当者",
        "on-site contact",
        "onsite contact",
        "site contact",
        "現地連絡先",
        "現地担当",
        "contact on site",
        "on site contact",
        "site contact person",
        "contact person on site",
        "local contact person",
        "contact person",
        "立会者",
        "立会い者",
        "立ち会い者",
        "現地連絡先担当",
        "現地窓口",
        "立会い",
        "立ち会い",
        "立会",
        "現地の担当者",
        "現地立会者",
        "現地立会い",
        "現地ご担当者",
        "contact",
        "現地",
        "onsite contact person",
        "site contact name",
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
        "remote contact",
        "remote support",
        "remote engineer contact",
        "remote",
        "リモート対応者",
        "リモート窓口",
        "遠隔担当者",
        "リモート",
        "リモートご担当者",
        "リモート担当者様",
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
        "language required",
        "required language",
        "対応可能言語",
    ),
    "skill_level": (
        "Skill level",
        "スキル",
        "skill",
        "engineer level",
        "engineer skill",
        "スキルレベル",
        "技術レベル",
        "level",
        "required skill",
        "必要スキル",
        "技術者レベル",
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
        "number of technicians",
        "technicians",
        "engineers needed",
        "必要人数",
        "作業人数",
        "派遣人数",
    ),
    "urgency": (
        "Urgency",
        "緊急度",
        "urgency class",
        "class",
        "priority",
        "緊急",
        "優先度",
        "urgency level",
        "緊急度区分",
    ),
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
        "work details",
        "details",
        "job description",
        "request details",
        "scope",
        "tasks",
        "作業詳細",
        "作業内容詳細",
        "ご依頼内容",
        "内容",
        "作業",
        "依頼事項",
        "作業依頼内容",
    ),
    "equipment": (
        "Equipment",
        "機器",
        "hardware",
        "target hardware",
        "devices",
        "対象機器",
        "機器情報",
        "equipment list",
        "device",
        "target device",
        "target equipment",
        "対象機器情報",
        "作業対象機器",
        "対象装置",
        "機器一覧",
        "machine",
        "machines",
        "対象機種",
        "機種",
        "configuration item",
        "CI",
        "asset",
    ),
    "items_to_bring": (
        "Items to bring",
        "持参品",
        "items",
        "things to bring",
        "bring",
        "持ち物",
        "持参物",
        "what to bring",
        "tools",
        "required tools",
        "必要な持ち物",
        "持参いただくもの",
        "必要物品",
    ),
    "paperwork": ("Paperwork", "書類", "documents", "paper work", "事前書類", "提出書類"),
    "customer_notes": (
        "Notes",
        "備考",
        "remarks",
        "comments",
        "その他",
        "other",
        "additional notes",
        "特記事項",
        "補足",
        "備考欄",
    ),
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
        "連絡先",
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


_BRACKETED = re.compile(
    r"^\s*[【\[［〔〈《≪<＜]\s*(?P<label>[^】\]］〕〉》≫>＞]{1,60}?)\s*[】\]］〕〉》≫>＞]\s*[:：]?\s*(?P<value>.*)$"
)
# A label alone on its line ("■作業日時", "PO number"), or set off from its value by a tab or a
# wide gap ("作業日時　12月7日": the ideographic space is two spaces by then).
_SPACED = re.compile(r"^\s*(?P<label>\S.{0,58}?)(?:\s*$|\t+\s*|\s{2,})(?P<value>.*)$")


def _key_for(label: str) -> str | None:
    if not label or len(label) > MAX_LABEL_CHARS:
        return None
    key = LABELS.get(label_key(label))
    if key is None and label[:1] in "ごお":
        key = LABELS.get(label_key(label[1:]))  # "ご入館方法", "お名前": the polite prefix
    if key is None:
        # "PO number / 発注番号": every part that is a label must name the same field.
        parts = [LABELS.get(label_key(p)) for p in re.split(r"[/／|｜]", label) if p.strip()]
        known = {p for p in parts if p is not None}
        if len(known) != 1:
            return None
        key = known.pop()
    return key


def _value(text: str) -> str:
    # "**PO:** GLX-1": the label's closing emphasis is not the value.
    return re.sub(r"^[*_]+\s*", "", text.strip()).strip()


def split_label(line: str) -> tuple[str, str, str] | None:
    """(key, label as written, value) when the line starts with a known label: `Label: value`,
    `Label：value`, `【Label】value`, `■Label` alone (its value on the next lines), `Label<tab>value`.
    The value is "" when the label stands alone."""
    text = BULLET.sub("", line, count=1)
    bracketed = _BRACKETED.match(text)
    if bracketed:
        key = _key_for(bracketed.group("label").strip())
        if key is not None:
            return key, bracketed.group("label").strip(), _value(bracketed.group("value"))
    colon = re.search(r"[:：]", text)
    if colon is not None:
        label = text[: colon.start()].strip()
        key = _key_for(label)
        if key is not None:
            return key, label, _value(text[colon.end() :])
    spaced = _SPACED.match(text)
    if spaced:
        label = spaced.group("label").strip().rstrip(":：")
        key = _key_for(label)
        if key is not None:
            return key, label, _value(spaced.group("value"))
    return None


def split_combined(line: str) -> list[tuple[str, str, str]] | None:
    """ "Building / Floor / Room: Building 2 / 1F / Server room 1-05": a label of several fields,
    each a known one, with as many values: one (key, label, value) each."""
    text = BULLET.sub("", line, count=1)
    colon = re.search(r"[:：]", text)
    if colon is None:
        return None
    labels = [p.strip() for p in re.split(r"[/／]", text[: colon.start()])]
    values = [v.strip() for v in re.split(r"\s[/／]\s|[／]", text[colon.end() :])]
    keys = [_key_for(label) for label in labels]
    if len(labels) < 2 or None in keys or len(set(keys)) != len(keys) or len(values) != len(keys):
        return None
    return [(k, lab, v) for k, lab, v in zip(keys, labels, values, strict=True) if k]


def looks_like_label(line: str) -> str | None:
    """An unknown "Something: value" line: the "Something", else None. Not a time ("18:00"), not
    a link ("https://…")."""
    match = re.match(r"^\s*([^:：]{1,40})[:：]\s*\S", BULLET.sub("", line, count=1))
    if match is None or "//" in line[: match.end() + 2]:
        return None
    label = match.group(1).strip()
    if not label or re.search(r"https?$|\d$", label, re.IGNORECASE):
        return None
    return label


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
