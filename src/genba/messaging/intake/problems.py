"""What the template reader says back: a value it could not read, and a reading to check.

`Problem` is one such remark, in English and Japanese, tied to the RequestIn field it is about; the
answer lists them. Here are the texts for each kind of unreadable value, for a line whose label is
not the template's, and for a date read without its year. They are kept apart from the reading
(template.py, prose.py) so that the wording can be changed without touching how mail is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from genba.messaging.intake.values import TOKYO


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


def unknown_label(label: str, line: str) -> Problem:
    shown = " ".join(line.split())
    shown = shown if len(shown) <= 100 else shown[:97] + "..."
    return Problem(
        "template",
        label,
        line.strip(),
        f"“{shown}”: “{label}” is not a label of the order template, so this line was not read. "
        "If it matters for the visit, please write it under Notes / 備考.",
        f"「{shown}」：「{label}」はご依頼テンプレートの項目名ではないため、この行は読み取れません"
        "でした。作業に関わる内容でしたら、「備考」にご記入ください。",
    )


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
    "weekday": (
        "“{value}”: the weekday does not match the date. Please tell us which is right.",
        "「{value}」の曜日と日付が一致しません。どちらが正しいかお知らせください。",
    ),
    "ambiguous": (
        "“{value}” can be read as two different dates. Write it like 2027-02-02 10:00 JST.",
        "「{value}」は二通りの日付に読めます。2027-02-02 10:00 JST のようにご記入ください。",
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


WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
WEEKDAYS_JA = "月火水木金土日"


def year_notice(index: int, label: str, value: str, start: datetime) -> Problem:
    local = start.astimezone(TOKYO)
    en = (
        f"“{value}” has no year: we read it as {WEEKDAYS_EN[local.weekday()]} "
        f"{local.day} {local:%B %Y, %H:%M} (Japan time), the next such date."
    )
    ja = (
        f"「{value}」には年の記載がないため、次に来る {local.year}年{local.month}月{local.day}日"
        f"（{WEEKDAYS_JA[local.weekday()]}）{local:%H:%M}（日本時間）と読み取りました。"
    )
    return _problem(f"visits[{index}].scheduled_start", label, value, en, ja)


def value_problem(kind: str, field_path: str, label: str, value: str) -> Problem:
    en, ja = _PROBLEM_TEXT[kind]
    shown = value if len(value) <= 80 else value[:77] + "..."
    return _problem(field_path, label, value, en.format(value=shown), ja.format(value=shown))
