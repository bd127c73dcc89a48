"""Only the new text of a mail counts: where a reply's quote begins, and what a forward carries.

Pure Python. `new_text(body, subject)` cuts the body where the quoted earlier mail starts, in the
forms mail clients write it:

- a quoted-header block, with or without `>` quoting: Outlook's `From:` / `Sent:` / `To:` /
  `Subject:` (Japanese `差出人:` / `送信日時:` / `宛先:` / `件名:`), Gmail's bold `*From:*`;
- an attribution line: Gmail's `On Mon, Nov 30, 2026 at 9:00 AM X <x@y> wrote:` (wrapped over two
  lines or not) and `2026年11月30日(月) 9:00 X <x@y>:`, Apple Mail's `On 30 Nov 2026, at 9:00, X
  wrote:`, Thunderbird's `On 11/30/26 9:00 AM, X wrote:`, Becky!'s `On <date>` + `X wrote:`,
  iPhone's `2026/11/30 9:00、X <x@y>のメール:`, and `... 書きました:`;
- a separator: `-----Original Message-----`, `-----元のメッセージ-----`, Outlook's rule of
  underscores.

Quoted lines (`> …`) are never read. A forward is the exception: when the subject says so (FW:,
Fwd:, 転送) or a forward marker opens the block (`---------- Forwarded message ---------`,
`Begin forwarded message:`, `-------- 転送メッセージ --------`), the forwarded mail is the order:
its header lines are skipped, its body is kept (up to its own quote), and its Subject becomes the
subject to title the order with.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Header names of a quoted-header block, in the languages mail clients write them.
_FROM = r"from|差出人|送信者|送信元|von|de|da"
_OTHER = (
    r"sent|date|to|cc|bcc|subject|reply-to|送信日時|日付|日時|宛先|件名|cc|bcc|返信先|"
    r"gesendet|an|betreff|envoyé|à|objet"
)
_HEADER = re.compile(
    rf"^\s*[*>]*\s*(?P<name>{_FROM}|{_OTHER})\s*[*]*\s*[:：]\s*[*]*(?P<value>.*)$",
    re.IGNORECASE,
)
_SEPARATOR = re.compile(
    r"""^\s*(?:
        -{2,}\s*(?:original\ message|元のメッセージ|オリジナルメッセージ|原文)\s*-{2,}
      | _{10,}
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_FORWARD_MARKER = re.compile(
    r"""^\s*(?:
        -{2,}\s*(?:forwarded\ message|転送メッセージ|転送されたメッセージ|転送済みメッセージ)\s*-{2,}
      | begin\ forwarded\ message\s*[:：]?
      | 転送されたメッセージ\s*[:：]
      | -{2,}\s*forwarded\ by\ .*
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_ATTRIBUTION = re.compile(
    r"""^\s*(?:
        on\ .{4,200}\ wrote\s*[:：]
      | .{0,200}\ wrote\s*[:：]
      | .{0,200}(?:書きました|のメール|からのメール)\s*[:：]
      | .{0,80}\d{4}\s*[年/.-]\s*\d{1,2}\s*[月/.-]\s*\d{1,2}.{0,120}<[^<>@\s]+@[^<>\s]+>\s*[:：]
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
# Becky! and others put the date and the author on two lines: "On Mon, 30 Nov 2026 09:00 +0900"
# then "X <x@y> wrote:"; Gmail wraps a long attribution the same way.
_ATTRIBUTION_START = re.compile(r"^\s*(?:on|le|am)\s+\S.{4,120}$", re.IGNORECASE)
_FORWARD_SUBJECT = re.compile(r"^\s*(?:fw|fwd|tr|wg|転送)\s*[:：]", re.IGNORECASE)


# A closing line, at the start of a line only (an indented "Thanks" may belong to a description),
# and only once the order has begun: "Thank you." may also open a mail.
SIGN_OFF = re.compile(
    r"""^(?:
        (?:best\ regards|kind\ regards|warm\ regards|regards|best|many\ thanks|thanks|thank\ you
          |thanks\ in\ advance|thank\ you\ in\ advance|cheers|sincerely|br|rgds)[\s,.!。、]*$
      | (?:sent\ from\ my|get\ outlook\ for|iphoneから送信|ipadから送信|androidから送信)
      | outlook\ for\ (?:ios|android)\ を入手
      | (?:何卒|なにとぞ|どうぞ|引き続き|以上)?[、\s]*(?:よろしく|宜しく)お願い
    )""",
    re.IGNORECASE | re.VERBOSE,
)


@dataclass(frozen=True)
class NewText:
    text: str  # what the sender wrote (and, for a forward, the forwarded mail's body)
    quoted: bool  # an earlier mail was quoted below (and cut)
    forwarded_subject: str  # the forwarded mail's Subject, "" when not a forward


def _fold(line: str) -> str:
    return unicodedata.normalize("NFKC", line).strip()


def _header_block(lines: list[str], at: int) -> int:
    """The number of lines of a quoted-header block starting at `at` (0 when there is none).

    It opens with From/差出人 and holds at least one more header line (Sent, To, Subject…) within
    a few lines: a lone "From: the Osaka office" is not a quote."""
    first = _HEADER.match(_fold(lines[at]))
    if first is None or not re.fullmatch(_FROM, first.group("name"), re.IGNORECASE):
        return 0
    end, others, blank_run = at + 1, 0, 0
    while end < len(lines) and end - at < 12:
        folded = _fold(lines[end])
        if not folded or folded == ">":
            blank_run += 1
            if blank_run > 1 or others:
                break
            end += 1
            continue
        match = _HEADER.match(folded)
        if match is None:
            if others == 0 and end == at + 1:  # an address wrapped onto the next line
                end += 1
                continue
            break
        others += 1
        blank_run = 0
        end += 1
    return end - at if others else 0


def _attribution(lines: list[str], at: int) -> int:
    """Lines taken by an attribution ("On … wrote:") starting at `at`, or 0."""
    line = _fold(lines[at]).lstrip("> ")
    if _ATTRIBUTION.match(line):
        return 1
    if at + 1 < len(lines) and _ATTRIBUTION_START.match(line) and len(line) < 160:
        joined = line + " " + _fold(lines[at + 1]).lstrip("> ")
        if _ATTRIBUTION.match(joined):
            return 2
    return 0


def _subject_in(lines: list[str]) -> str:
    for line in lines:
        match = _HEADER.match(_fold(line))
        if match and match.group("name").casefold() in ("subject", "件名", "betreff", "objet"):
            return match.group("value").strip(" *")
    return ""


def new_text(body: str, subject: str = "") -> NewText:
    lines = (body or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    forward = bool(_FORWARD_SUBJECT.match(subject or ""))
    kept: list[str] = []
    forwarded_subject = ""
    quoted = False
    index = 0
    in_forward = False
    while index < len(lines):
        line = lines[index]
        folded = _fold(line)
        marker = _FORWARD_MARKER.match(folded)
        if marker or _SEPARATOR.match(folded) or _header_block(lines, index):
            # An explicit forward marker always opens one (a forward of a forward); a bare header
            # block or separator only the first time, and only when the subject says forward.
            opens_forward = bool(marker) or (forward and not in_forward)
            if not opens_forward:
                quoted = True
                break
            # The forwarded mail: skip its marker and header lines, read its body. The forwarder's
            # signature, between the note and the forwarded mail, is not part of the order.
            # The forwarder's closing and signature ("Thanks, Alice", "iPhoneから送信", "-- "),
            # looked for in the last lines of the note: they are not the order's end.
            tail = [i for i, kept_line in enumerate(kept) if kept_line.strip()][-8:]
            ends = [i for i in tail if kept[i].rstrip() == "--" or SIGN_OFF.match(kept[i].strip())]
            if ends:
                del kept[ends[0] :]
            in_forward = True
            index += 1 if (marker or _SEPARATOR.match(folded)) else 0
            while index < len(lines) and not _fold(lines[index]):
                index += 1
            if index < len(lines) and _fold(lines[index]).startswith(">"):
                # iPhone forwards a mail quoted ("> 差出人: …"): the quoted mail is the forward.
                inner = [re.sub(r"^\s*> ?", "", rest) for rest in lines[index:]]
                found = new_text("\n".join(inner), subject)
                kept.append(found.text)
                return NewText("\n".join(kept).strip("\n"), found.quoted, found.forwarded_subject)
            size = _header_block(lines, index) if index < len(lines) else 0
            if size:
                forwarded_subject = _subject_in(lines[index : index + size])
            index += size
            kept.append("")
            continue
        taken = _attribution(lines, index)
        if taken:
            quoted = True
            if any(kept_line.strip() for kept_line in kept):
                break
            # Nothing written above the quote: the reply is below it (Thunderbird's default,
            # "bottom-posting"). Skip the attribution and the quoted lines, read what follows.
            index += taken
            continue
        if folded.startswith(">"):
            quoted = True
            index += 1
            continue
        kept.append(line)
        index += 1
    return NewText("\n".join(kept).strip("\n"), quoted, forwarded_subject)
