"""What a mail says in sentences rather than on labelled lines.

A customer often writes part of the order as prose ("the engineer should speak English", "the PO
number is PO-88123", "please submit it", "on Tuesday, December 8, 2026, from 10:00 JST"). The
template reader (template.py) collects the lines that are no field's; the patterns here pick out
of them what the order can use when no label gave it, and weigh English against Japanese to choose
the answer's language. Only template.py uses them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from genba.messaging.intake.problems import WEEKDAYS_EN, WEEKDAYS_JA, Problem
from genba.messaging.intake.values import TOKYO, DateReading

if TYPE_CHECKING:
    from genba.messaging.intake.entries import Reading


_KANA = re.compile(r"[\u3040-\u30ff]")
_LATIN_LABEL = re.compile(r"^[\x20-\x7e]+$")
# Words of English prose (a Japanese mail has kana instead): one weighs about three kana.
_ENGLISH_WORD = re.compile(
    r"\b(?:the|please|and|to|for|of|is|are|we|you|our|your|at|on|with|thanks|thank|regards|hi"
    r"|hello|dear|would|could|need|needs|be|a|an|in|this|that|it|will|can|let|know|team|below"
    r"|attached|best|us|me|if|have|has|any|by|from|as|there|here|kind|sincerely)\b",
    re.IGNORECASE,
)
# "the PO number is PO-88123", "発注番号はACME-1です": a reference said in a sentence. Only a value
# with a digit: "the PO number is still being approved" says none.
REFERENCE_SAID = re.compile(
    r"\b(?:po|p\.o\.|purchase\s+order|order|ticket|case)(?:\s*(?:number|no\.?|#))?\s+(?:is|will\s+be)"
    r"\s*[:：]?\s*(?P<value>[A-Za-z0-9][A-Za-z0-9_./-]*\d[A-Za-z0-9_./-]*)"
    r"|(?:発注番号|注文番号|PO番号)は\s*[:：]?\s*(?P<ja>[A-Za-z0-9][A-Za-z0-9_./-]*\d[A-Za-z0-9_./-]*)",
    re.IGNORECASE,
)
# "the engineer should speak English", "英語が話せる方": the language asked for, said in a sentence.
SPEAKS = re.compile(
    r"(?<!n't )(?<!n’t )(?<!not )(?<!never )\bspeak(?:s|ing)?\s+(?:fluent\s+|good\s+)?(?P<language>english|japanese)\b"
    r"|\b(?P<language2>english|japanese)[- ]speaking\b"
    r"|(?P<language3>英語|日本語)(?:が|を)?(?:話せる|できる|対応可能|で対応|可)",
    re.IGNORECASE,
)
ASKS_TO_SUBMIT = re.compile(
    r"\bplease\s+submit\b|\bsubmit\s+(?:it|this|the\s+(?:order|request))\b"
    r"|\bgo\s+ahead\s+and\s+submit\b|(?:送信|提出|確定)(?:して|を|で)?(?:ください|下さい|お願い)",
    re.IGNORECASE,
)


def written_in(reading: Reading) -> str | None:
    """The mail's language from its prose, its labels and its free text; names, addresses and
    other values say nothing (an English mail names a site in Tokyo)."""
    japanese = english = 0
    texts = list(reading.prose)
    for entry in reading.entries:
        if entry.key in ("work_description", "customer_notes"):
            texts.extend(entry.lines)
        if _KANA.search(entry.label) or re.search(r"[\u3400-\u9fff]", entry.label):
            japanese += 0 if _ENGLISH_WORD.search(entry.label) or "/" in entry.label else 6
        elif _LATIN_LABEL.match(entry.label):
            english += 6
    for text in texts:
        japanese += len(_KANA.findall(text))
        english += 3 * len(_ENGLISH_WORD.findall(text))
    if japanese >= 2 * english and japanese:
        return "ja"
    if english >= 2 * japanese and english:
        return "en"
    return None


SKILL_SAID = re.compile(
    r"\b(?:entry|junior|senior|specialist|expert)(?=[- ](?:level|engineer|technician))"
    r"|(?:エントリー|シニア|スペシャリスト)(?=の方|レベル|エンジニア|技術者)",
    re.IGNORECASE,
)


def sentences(lines: list[str]) -> list[str]:
    return [
        s.strip() for line in lines for s in re.split(r"(?<=[.?!。？！])\s*", line) if s.strip()
    ]


def sentence_notice(sentence: str, when: DateReading) -> Problem:
    local = when.start.astimezone(TOKYO)
    until = when.end.astimezone(TOKYO) if when.end else None
    shown = sentence if len(sentence) <= 100 else sentence[:97] + "..."
    end_en = f"–{until:%H:%M}" if until else ""
    en = (
        f"We read the visit from your sentence “{shown}” as {WEEKDAYS_EN[local.weekday()]} "
        f"{local.day} {local:%B %Y, %H:%M}{end_en} (Japan time)."
    )
    ja = (
        f"「{shown}」から、訪問日時を {local.year}年{local.month}月{local.day}日"
        f"（{WEEKDAYS_JA[local.weekday()]}）{local:%H:%M}{'〜' + format(until, '%H:%M') if until else ''}"
        "（日本時間）と読み取りました。"
    )
    return Problem("visits[0].scheduled_start", "", sentence, en, ja)
