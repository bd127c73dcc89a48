"""The mail's lines read into labelled entries: where a field's value begins and ends.

Pure Python. `read_entries(text, problems)` walks the new text line by line and returns each
labelled field with its lines (`Entry`), and the lines that are no field's (`Reading.prose`: the
greeting, sentences, the closing), which `prose.py` reads for what people say in sentences.
`template.parse` turns the entries into the order. What ends a field: the next label, a closing or
signature, a rule line, an unknown heading, an unknown `Label:` line inside an address or contact,
prose after a blank line in a list; what continues it: indented lines, and for free text and lists
the unindented lines up to the next label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from genba.messaging.intake.labels import (
    MULTILINE,
    looks_like_label,
    resolve,
    split_combined,
    split_label,
)
from genba.messaging.intake.problems import Problem, unknown_label
from genba.messaging.intake.quoting import SIGN_OFF
from genba.messaging.intake.values import nfkc

_STOP = re.compile(
    r"""^\s*(?:
        --\s*$                                                   # signature separator
      | (?:end|end\ of\ order)[.。]?\s*$
      | 以上(?:$|[\s、。,.！!]|の(?:内容|通り|とおり))                # "以上、よろしくお願いいたします。"
      | -{2,}\s*(?:original\ message|forwarded\ message|元のメッセージ|転送されたメッセージ).*
      | _{5,}\s*$                                                # Outlook's quote rule
      | on\ .{5,200}\ wrote:\s*$
      | .{0,120}(?:wrote|書きました)[:：]\s*$
      | .{0,160}<[^<>@\s]+@[^<>\s]+>\s*[:：]\s*$                   # "2026年11月30日 9:00 X <a@b>:"
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# Fields laid out as parts (an address, a contact): an unknown "Label:" line is not one of their
# parts, so it ends them and is reported, instead of being glued onto the street or the name.
_STRUCTURED = {"site_address", "local_contact", "remote_engineer"}


# Lists: one item a line, no blank lines inside; after a blank line, unindented prose is not an item.
_LISTS = {"equipment", "items_to_bring", "paperwork"}
# Free text: its indented lines are its own, even when they read "Day 1: …" or "Note: …".
_FREE_TEXT = {"work_description", "customer_notes", "site.entry_instructions"}
_RULE = re.compile(r"^\s*[=\-_~*#━─═＝ー―]{5,}\s*$")
# A heading of a section the order does not know ("■ Requirements", "【備考欄】"): ends a field.
_HEADING = re.compile(r"^\s*(?:[■□◆◇●▼▽★☆]\s*\S.{0,40}|【[^】]{1,40}】|#{1,6}\s+\S.{0,40})\s*$")
# A line that begins with a date: under a start label, another visit even when not indented.
_DATE_FIRST = re.compile(
    r"^\s*(?:\d|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d)", re.I
)


@dataclass
class Entry:
    key: str
    label: str
    lines: list[str]
    inline: bool = False  # the value began on the label's line ("Work： Replace the battery")
    indent: int = 0  # of the label's line: deeper lines are its own
    gap: bool = False  # a blank line came after its last line


@dataclass
class Reading:
    entries: list[Entry] = field(default_factory=list)
    prose: list[str] = field(default_factory=list)  # lines that are no field's: greeting, closing


def read_entries(text: str, problems: list[Problem]) -> Reading:
    reading = Reading()
    entries = reading.entries
    current: Entry | None = None
    group: str | None = None  # "site", "local_contact", "remote_engineer"
    # After "Submit / 送信" the order goes on only while it is labels: the first other line (a
    # name, "Cheers,") is the signature's start, and a signature's "Tel:" or "Address:" is not
    # the order's.
    submitted = False
    for raw_line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw_line.replace("\u3000", "  ").rstrip()
        if line.lstrip().startswith(">"):
            continue
        depth = len(line) - len(line.lstrip())
        if current is not None and current.key in _FREE_TEXT and line.strip():
            if depth > current.indent:
                current.lines.append(line)
                continue
        if _RULE.match(line):
            current = None  # "========", "━━━━": a frame or a signature's rule
            continue
        if _STOP.match(line) or (entries and SIGN_OFF.match(line.strip())):
            if not entries:
                reading.prose.append(line)
            break
        combined = split_combined(line) if not submitted else None
        if combined:
            for key, label, value in combined:
                key, group = resolve(key, group)
                if key is not None:
                    entries.append(Entry(key, label, [value], inline=True, indent=depth))
            current = None
            continue
        hit = split_label(line)
        if submitted and hit is None and line.strip() and not line[:1].isspace():
            if current is None or current.key not in MULTILINE or not current.lines:
                if not _HEADING.match(line):
                    break
        if submitted and hit is not None and hit[0].startswith("contact.") and group is None:
            break  # "Tel: …" under the name: the signature
        if hit is not None:
            key, label, value = hit
            key, group = resolve(key, group)
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
            current = Entry(key, label, [value] if value else [], inline=bool(value), indent=depth)
            entries.append(current)
            submitted = submitted or key == "submit"
            continue
        if current is None:
            unknown = looks_like_label(line) if entries else None
            if unknown:
                problems.append(unknown_label(unknown, line))
            elif line.strip():
                reading.prose.append(line)
            continue
        indented = bool(line) and line[0].isspace()
        unknown = looks_like_label(line) if line.strip() and not indented else None
        if _HEADING.match(line):
            current = None
            continue
        if not line.strip():
            current.gap = bool(current.lines)
        elif current.key in _LISTS and current.gap and not indented:
            reading.prose.append(line)  # "The PO number follows later." after the list
            current = None
            continue
        if unknown and (
            current.key in _STRUCTURED or (current.key in _FREE_TEXT and current.inline)
        ):
            # An address or contact has no such part; a one-line description ("Work： …") is
            # over at the next "Label:" line, which is reported rather than glued onto it.
            problems.append(unknown_label(unknown, line))
            current = None
        elif current.key in MULTILINE or (indented and line.strip()):
            current.lines.append(line)
        elif current.key == "start" and current.lines and _DATE_FIRST.match(nfkc(line)):
            current.lines.append(line)  # 【作業日時】 then a date a line: a visit each
        elif line.strip() and not current.lines and not unknown:
            current.lines.append(line)  # "■作業日時" alone, its value on the next line
        elif line.strip():
            if unknown:
                problems.append(unknown_label(unknown, line))
            else:
                reading.prose.append(line)
            current = None  # text after a one-line field ends it ("Thanks!", a signature)
    return reading
