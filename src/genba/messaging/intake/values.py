"""Reading the values of the e-mail order template: yes/no, hours, languages, skill levels, counts,
urgency, paperwork and equipment lines, in English and Japanese. Pure Python. Dates and times are
read in `dates` (re-exported here, where the template and its tests import them from).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

# Re-exported: callers import the date readers from here.
from genba.messaging.intake.dates import (  # noqa: F401
    TOKYO,
    DateError,
    DateReading,
    parse_datetime,
    read_datetime,
)

# Numbers in a mail (hours, counts, urgency) longer than this are unreadable, not computed with.
MAX_DIGITS = 6
BULLET = re.compile(
    r"^\s*(?:[-*•・●○◆◇■□▪►▶‣◦+]+|\d{1,2}[.)．）、]|[(（]\d{1,2}[)）]|[①-⑳]|[a-z][.)](?=\s))\s*"
)


# --- values ---------------------------------------------------------------------------------------


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "")


def one_line(lines: list[str]) -> str:
    return " ".join(" ".join(line.split()) for line in lines if line.strip())


def text_block(lines: list[str]) -> str:
    """Free text with its own line breaks, common indentation removed, blank ends trimmed."""
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    while lines and not lines[0].strip():
        lines = lines[1:]
    if not lines:
        return ""
    first, rest = lines[0].strip(), lines[1:]
    indents = [len(x) - len(x.lstrip()) for x in rest if x.strip()]
    cut = min(indents) if indents else 0
    return "\n".join([first, *(x[cut:] for x in rest)]).strip()


def list_lines(lines: list[str]) -> list[str]:
    return [BULLET.sub("", x, count=1).strip() for x in lines if x.strip()]


_YES = {
    "yes",
    "y",
    "true",
    "on",
    "1",
    "ok",
    "required",
    "needed",
    "please",
    "はい",
    "要",
    "必要",
    "あり",
    "有",
    "有り",
    "する",
    "希望",
    "希望する",
    "○",
    "◯",
    "✓",
    "✔",
}
_NO = {
    "no",
    "n",
    "false",
    "off",
    "0",
    "none",
    "not required",
    "not needed",
    "いいえ",
    "不要",
    "なし",
    "無",
    "無し",
    "否",
    "しない",
    "希望しない",
    "×",
    "-",
}


def parse_yes_no(value: str) -> bool | None:
    text = nfkc(value).casefold().strip().rstrip(".!。！")
    if text in _YES:
        return True
    if text in _NO:
        return False
    head = re.split(r"[\s,、(（/]", text, maxsplit=1)[0].rstrip(".!。")
    if head in _YES:
        return True
    if head in _NO:
        return False
    return None


def parse_hours(value: str) -> Decimal | None:
    """ "3", "3h", "3 hours", "3時間", "2.5 hrs", "3時間30分", "90 min"; None when unreadable."""
    text = re.sub(r"\([^)]*\)", "", nfkc(value).casefold()).strip().rstrip(".。")
    text = re.sub(r"^(?:about|approx\.?|約)\s*", "", text)
    match = re.fullmatch(
        r"(\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hour|hours|時間)?"
        r"(?:\s*(\d+)\s*(?:m|min|mins|minutes|分))?",
        text,
    )
    minutes = re.fullmatch(r"(\d+)\s*(?:m|min|mins|minutes|分)", text)
    # More digits than any duration has: unreadable (quantizing 10**40 raises, and the schema's
    # bound would refuse it anyway).
    if any(len(group or "") > MAX_DIGITS for m in (match, minutes) if m for group in m.groups()):
        return None
    try:
        if minutes:
            hours = Decimal(minutes.group(1)) / 60
        elif match:
            hours = Decimal(match.group(1)) + Decimal(match.group(2) or 0) / 60
        else:
            return None
    except InvalidOperation:
        return None
    return hours.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def parse_languages(value: str) -> list[str] | None:
    text = nfkc(value).casefold()
    if re.search(r"\bboth\b|両方|両言語|bilingual|バイリンガル", text):
        return ["en", "ja"]
    found: list[tuple[int, str]] = []
    for code, pattern in (
        ("en", r"english|英語|\ben\b|\beng\b|えいご"),
        ("ja", r"japanese|日本語|\bja\b|\bjp\b|\bjpn\b|nihongo|にほんご"),
    ):
        hit = re.search(pattern, text)
        if hit:
            found.append((hit.start(), code))
    return [code for _, code in sorted(found)] or None


_SKILLS = (
    ("entry", r"entry|junior|beginner|エントリー|ジュニア|初級"),
    ("senior", r"senior|シニア|上級|中級"),
    ("specialist", r"specialist|expert|スペシャリスト|エキスパート|専門"),
)


def parse_skill(value: str) -> str | None:
    text = nfkc(value).casefold()
    levels = {level for level, pattern in _SKILLS if re.search(pattern, text)}
    return levels.pop() if len(levels) == 1 else None


_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
    "ひとり": 1,
    "ふたり": 2,
}


def parse_count(value: str) -> int | None:
    text = nfkc(value).casefold().strip()
    numbers = re.findall(r"-?\d+", text)
    if len(numbers) == 1:
        # A count of more digits than any count has is unreadable (int() of thousands of digits
        # raises); RequestIn bounds the rest.
        return int(numbers[0]) if len(numbers[0].lstrip("-")) <= MAX_DIGITS else None
    if numbers:
        return None
    for word, number in _NUMBER_WORDS.items():
        if re.match(rf"{word}(?:\b|[名人])", text):
            return number
    return None


def parse_urgency(value: str) -> int | None:
    text = nfkc(value).casefold()
    digits = re.findall(r"\d+", text)
    if digits:
        if len(digits[0]) > MAX_DIGITS:
            return None
        number = int(digits[0])
        return number if 1 <= number <= 4 else None
    for number, pattern in (
        (4, r"immediate|asap|emergency|urgent|至急|即時|緊急|すぐ"),
        (3, r"next (?:business )?day|翌営業日|翌日"),
        (2, r"within (?:a few )?days|数日"),
        (1, r"planned|normal|standard|通常|計画|予定"),
    ):
        if re.search(pattern, text):
            return number
    return None


_DONE = {
    "done",
    "complete",
    "completed",
    "signed",
    "sent",
    "submitted",
    "provided",
    "ok",
    "yes",
    "ready",
    "済",
    "済み",
    "完了",
    "提出済",
    "提出済み",
    "送付済",
    "送付済み",
    "対応済",
    "対応済み",
    "✓",
    "✔",
    "☑",
}
_PENDING = {
    "pending",
    "todo",
    "to do",
    "not yet",
    "not done",
    "open",
    "required",
    "needed",
    "no",
    "in progress",
    "未",
    "未完了",
    "未提出",
    "未対応",
    "必要",
    "要",
    "対応中",
    "☐",
}


def parse_paperwork_line(line: str) -> dict[str, Any]:
    """ "NDA - done", "Scanned photo ID: pending", "NDA (済)", "[x] NDA", "NDA 完了"."""
    text = line.strip()
    box = re.match(r"^\[(?P<mark>[ xX✓✔]?)\]\s*|^(?P<glyph>[☑☐✅])\s*", text)
    if box:
        mark = box.group("mark")
        done = (mark or "").strip() != "" if mark is not None else box.group("glyph") in "☑✅"
        return {"description": text[box.end() :].strip() or text, "done": done}
    folded = nfkc(text).casefold()
    match = re.match(
        r"^(?P<what>.+)(?:[-–—:=]|[(（])\s*(?P<state>[^()（）\-–—:=]+?)\s*[)）]?\s*$", folded
    )
    # Cut the original text where the folded one was cut (folding rarely changes the length).
    source = text if len(text) == len(folded) else folded
    if match and match.group("state").strip() in _DONE | _PENDING:
        description = source[: match.end("what")].rstrip(" -–—:=(（")
        if description:
            return {"description": description, "done": match.group("state").strip() in _DONE}
    words = folded.rsplit(None, 1)
    if len(words) == 2 and words[1] in _DONE | _PENDING:
        description = source.rsplit(None, 1)[0].rstrip(" -–—:=(（")
        if description:
            return {"description": description, "done": words[1] in _DONE}
    return {"description": text, "done": False}


_SERIAL = re.compile(
    r"[\s,;|]*[(（]?\s*(?<![\w-])(?:s/n|sn|serial(?:\s*(?:no\.?|number|#))?|service\s*tag|asset\s*tag|シリアル(?:番号)?|製造番号|サービスタグ)"
    r"(?:\s*[:：#.]\s*|\s+)(?P<serial>[^\s(),;|（）]+)\s*[)）]?\s*$",
    re.IGNORECASE,
)
_FIELD_PREFIX = re.compile(r"^(?:make|maker|vendor|model|serial|s/?n)\s*[:：]\s*", re.IGNORECASE)


def parse_equipment_line(line: str) -> dict[str, Any]:
    """ "NetApp FAS2750 SN-001", "Dell | R740 | ABC123", "2x Cisco C9300 S/N FOC123"."""
    text = " ".join(nfkc(line).split()).strip("| ")  # a Markdown table's row
    out: dict[str, Any] = {}
    # A remark in brackets at the end ("FOC2701Y0AA（新）", "(spare)") is the line's description.
    remark = re.search(r"\s*[(（]([^()（）]{1,60})[)）]\s*$", text)
    if remark and not _SERIAL.search("(" + remark.group(1) + ")"):
        out["description"] = remark.group(1).strip()
        text = text[: remark.start()].strip()
    quantity = (
        re.match(r"^(\d{1,3})\s*[x×]\s+", text, re.IGNORECASE)
        or re.search(r"\s+[x×]\s*(\d{1,3})$", text, re.IGNORECASE)
        or re.search(
            r"\s+(\d{1,3})\s*(?:台|個|本|枚|式|units?|pcs?\.?|pieces|nos?\.?)$", text, re.I
        )
    )
    if quantity:
        out["quantity"] = int(quantity.group(1))
        text = (text[: quantity.start()] + text[quantity.end() :]).strip()
    serial = _SERIAL.search(text)
    if serial:
        out["serial"] = serial.group("serial")
        text = text[: serial.start()].strip(" ,;|")
    if re.search(r"[|\t;,]", text):
        parts = [_FIELD_PREFIX.sub("", p.strip()) for p in re.split(r"[|\t;,]", text)]
        names = ("make", "model") if serial else ("make", "model", "serial")
        for name, part in zip(names, parts, strict=False):
            if part:
                out[name] = part
        if len(parts) > len(names):
            out["description"] = ", ".join(p for p in parts[len(names) :] if p)
        return out
    words = text.split()
    # The last word is a serial only if it looks like one (six or more characters with a digit):
    # "Dell PowerEdge R660" is a make and a model.
    looks_serial = len(words) >= 3 and len(words[-1]) >= 6 and re.search(r"\d", words[-1])
    if serial or not looks_serial:
        if words:
            out["make"] = words[0]
        if len(words) > 1:
            out["model"] = " ".join(words[1:])
    else:
        out.update(make=words[0], model=" ".join(words[1:-1]), serial=words[-1])
    return out


def split_items(line: str) -> list[str]:
    """Comma-separated items, keeping commas inside parentheses ("console cable (RJ45/DB9, USB)")."""
    items, depth, current = [], 0, ""
    for char in line:
        if char in "(（":
            depth += 1
        elif char in ")）":
            depth = max(0, depth - 1)
        if char in ",、;；" and depth == 0:
            items.append(current)
            current = ""
        else:
            current += char
    items.append(current)
    return [i.strip() for i in items if i.strip()]
