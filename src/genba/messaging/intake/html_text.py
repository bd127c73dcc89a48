"""An HTML mail body as lines of text (issue 12): `html_to_text(html, subject=...)`.

Pure Python and lxml, no Django. Tables of label and value cells come out as `label: value` lines,
because order forms are written as such tables; quoted earlier mail (Gmail, Outlook, Apple Mail,
Thunderbird) is left out, except a forward, which is kept after a `FORWARD_LINE`, because the order
is in it. `mime.body_text` writes a message attached as a forward after the same line.
"""

from __future__ import annotations

import itertools
import logging
import re
import unicodedata
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import lxml.etree
import lxml.html

from .charsets import clean_text

logger = logging.getLogger(__name__)

FORWARD_LINE = "---------- Forwarded message ---------"

# --- HTML -----------------------------------------------------------------------------------------

_SKIP = frozenset(
    {"script", "style", "head", "title", "template", "noscript", "xml", "svg", "math", "object"}
    | {"iframe", "select", "button", "textarea"}
)
_BLOCKS = frozenset(
    {"address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog"}
    | {"dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2"}
    | {"h3", "h4", "h5", "h6", "header", "hr", "html", "legend", "li", "main", "menu", "nav"}
    | {"ol", "p", "pre", "section", "summary", "ul", "table", "tr", "td", "th", "caption"}
    | {"tbody", "thead", "tfoot"}
)
_QUOTE_CLASSES = frozenset({"gmail_quote", "gmail_quote_container", "yahoo_quoted"})
_QUOTE_CLASSES |= {"moz-cite-prefix"}
_QUOTE_IDS = frozenset({"divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container"})
# Outlook's quoted-header block: From/差出人 first, then Sent/To/Subject… (a lone "From: the Osaka
# office" in the sender's own text is no quote).
_FROM_BLOCK = re.compile(r"^[\s*]*(?:from|差出人|送信者|送信元|von|de)\s*\*?\s*[:：]", re.I)
_OTHER_HEADER = re.compile(
    r"(?<![a-z])(?:sent|date|to|subject|送信日時|日時|日付|宛先|件名|gesendet|an|betreff|envoyé|à|objet)"
    r"\s*\*?\s*[:：]",
    re.I,
)
# What opens a forwarded mail (at the start of the quote, or on the line before it).
_FORWARD_PHRASE = re.compile(
    r"^[\s\-]*(?:forwarded message|begin forwarded message|forwarded by|"
    r"転送されたメッセージ|転送メッセージ|転送済みメッセージ)",
    re.I,
)
_FORWARD_PREFIX = re.compile(r"^\s*(?:fw|fwd|tr|wg|rv|転送)\s*(?:\[\d+\])?\s*[:：]", re.I)
_HEADER_ROWS = (
    frozenset({"項目", "item", "items", "field", "項目名"}),
    frozenset({"内容", "details", "detail", "value", "詳細", "記入欄"}),
)
_SPACES = re.compile(r"[ \t\n\r\f]+")
_MAX_HTML_DEPTH = 100  # elements within each other; deeper ones are read as plain text
_MAX_TABLE_DEPTH = 8


def _forwards_in(subject: str) -> int:
    """How many forwards the subject says the mail carries: "FW: Fwd: x" → 2, "RE: FW: x" → 0."""
    count = 0
    while True:
        found = _FORWARD_PREFIX.match(subject)
        if not found:
            return count
        count += 1
        subject = subject[found.end() :]


def _header_block(text: str) -> bool:
    return bool(_FROM_BLOCK.match(text) and _OTHER_HEADER.search(text, 5))


def _first_text(texts, limit: int = 300, pieces: int = 60) -> str:
    """The first `limit` characters of the text pieces, looking at no more than `pieces` of them
    (a marker test must not walk a whole hostile document)."""
    taken: list[str] = []
    size = 0
    for text in itertools.islice(texts, pieces):
        taken.append(text)
        size += len(text)
        if size >= limit:
            break
    return unicodedata.normalize("NFKC", "".join(taken)[:limit]).strip()


def _text_after(element, limit: int = 300) -> str:
    """The text that follows `element` in the document (its first `limit` characters)."""

    def texts():
        node = element
        while node is not None:
            yield node.tail or ""
            for sibling in node.itersiblings():
                yield from sibling.itertext()
                yield sibling.tail or ""
            node = node.getparent()

    return _first_text(texts(), limit)


def _tag(element) -> str:
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def _hidden(element) -> bool:
    style = (element.get("style") or "").lower().replace(" ", "")
    return "display:none" in style or element.get("hidden") is not None


def _tokens(value: str | None) -> set[str]:
    # Outlook prefixes the ids and classes of a quoted HTML mail with "x_".
    return {token.lower().removeprefix("x_") for token in (value or "").split()}


class _Lines:
    """Text written line by line: inline text is collapsed as a browser shows it, &nbsp; kept as a
    space (Outlook indents with it)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.buffer: list[str] = []
        self.filled = False  # the current line holds something (an &nbsp; counts)
        self.pre = 0

    def text(self, text: str) -> None:
        if not text:
            return
        if self.pre:
            for index, piece in enumerate(text.replace("\r\n", "\n").split("\n")):
                if index:
                    self.newline()
                if piece:
                    self.buffer.append(piece)
                    self.filled = True
            return
        text = _SPACES.sub(" ", text)
        if not self.buffer or self.buffer[-1].endswith(" "):
            text = text.lstrip(" ")
        if text:
            self.buffer.append(text)
            self.filled = True

    def newline(self) -> None:
        self.lines.append("".join(self.buffer).replace("\xa0", " ").rstrip())
        self.buffer = []
        self.filled = False

    def block(self) -> None:
        if self.filled:
            self.newline()
        else:
            self.buffer = []

    def line(self, text: str) -> None:
        self.block()
        self.lines.append(text)

    def last_line(self) -> str:
        if self.filled:
            return "".join(self.buffer)
        return next((line for line in reversed(self.lines) if line.strip()), "")

    def finish(self) -> list[str]:
        self.block()
        return self.lines


class _Converter:
    def __init__(self, subject: str) -> None:
        self.forwards_left = _forwards_in(subject)
        self.stopped = False
        # Telling one quote from the next: a marker right at the start of a kept quote (OWA's div,
        # <hr> and header div), or right after one with nothing written between (iPhone Mail's
        # sibling <blockquote>s), belongs to it; a marker further inside is a quote in the forward.
        self.written = 0  # characters of text written
        self.outside = 0  # ... of them outside any kept quote
        self.inside = 0  # kept quotes being walked (a kept rule: up to the end)
        self.kept_at = -1  # `written` when the last kept marker started
        self.kept_outside = -1  # `outside` then
        self.tables = 0

    # The quote markers. A "container" holds the quoted mail (dropped alone); after a "rule" the
    # rest of the document is the quoted mail (everything from it on is dropped).
    def _marker(self, element, tag: str) -> tuple[str, str] | None:
        classes = _tokens(element.get("class"))
        ident = (element.get("id") or "").lower().removeprefix("x_")
        if "moz-forward-container" in classes:
            return "container", FORWARD_LINE
        if tag == "blockquote" or classes & _QUOTE_CLASSES:
            return "container", _first_text(element.itertext())
        if ident in _QUOTE_IDS:
            own = _first_text(element.itertext())
            return "rule", own or _text_after(element)
        if tag == "hr":
            after = _text_after(element)
            return ("rule", after) if _header_block(after) else None
        if tag in ("div", "p"):
            style = (element.get("style") or "").lower().replace(" ", "")
            if "border-top:" in style or "border-top-style:" in style:
                own = _first_text(element.itertext())
                if _header_block(own):
                    return "rule", own
        return None

    def _keep_quote(self, text: str, out: _Lines) -> bool:
        """Whether the quote starting here is kept: a forward (the order is in it)."""
        if self.written == self.kept_at or (not self.inside and self.outside == self.kept_outside):
            self.kept_at = self.written
            return True  # the same quote as the marker just kept
        phrase = bool(_FORWARD_PHRASE.match(text))
        follows_phrase = bool(_FORWARD_PHRASE.match(out.last_line()))
        if not (phrase or follows_phrase or self.forwards_left > 0):
            return False
        self.forwards_left = max(0, self.forwards_left - 1)
        if not (phrase or follows_phrase):
            out.line(FORWARD_LINE)
        self.kept_at = self.written
        self.kept_outside = self.outside
        return True

    def write_text(self, text: str | None, out: _Lines) -> None:
        if text and not self.stopped:
            out.text(text)
            self.written += len(text.strip())
            if not self.inside:
                self.outside += len(text.strip())

    def walk(self, element, out: _Lines, depth: int = 0) -> None:
        if self.stopped:
            return
        tag = _tag(element)
        if not tag or tag in _SKIP or _hidden(element):
            return
        if depth > _MAX_HTML_DEPTH:
            self.write_text(" ".join(element.itertext()), out)
            return
        marker = self._marker(element, tag)
        if marker is not None:
            kind, text = marker
            if not self._keep_quote(text, out):
                if kind == "rule":
                    self.stopped = True
                return
            self.inside += 1
            try:
                self.element(element, tag, out, depth)
            finally:
                if kind == "container":
                    self.inside -= 1
            return
        self.element(element, tag, out, depth)

    def element(self, element, tag: str, out: _Lines, depth: int) -> None:
        if tag == "br":
            out.newline()
            return
        if tag == "table" and self.tables < _MAX_TABLE_DEPTH:
            self.table(element, out, depth)
            return
        block = tag in _BLOCKS
        if block:
            out.block()
        if tag == "pre":
            out.pre += 1
        self.children(element, out, depth)
        if tag == "a":
            self.link(element, out)
        if tag == "pre":
            out.pre -= 1
        if block:
            out.block()

    def children(self, element, out: _Lines, depth: int) -> None:
        self.write_text(element.text, out)
        for child in element:
            self.walk(child, out, depth + 1)
            if self.stopped:
                return
            self.write_text(child.tail, out)

    def link(self, element, out: _Lines) -> None:
        """A link whose text is not its address ("地図" → the map): the address after it."""
        href = (element.get("href") or "").strip()
        try:
            parts = urlsplit(href)
            if (parts.hostname or "").endswith(".safelinks.protection.outlook.com"):
                href = (parse_qs(parts.query).get("url") or [href])[0]  # Outlook's link wrapper
        except ValueError:
            return
        shown = "".join(element.itertext()).strip()
        if shown and re.match(r"https?://", href) and "://" not in shown and "www." not in shown:
            self.write_text(f" <{href}>", out)

    def cell_lines(self, cell, depth: int) -> list[str]:
        if _hidden(cell):
            return []
        lines = _Lines()
        self.children(cell, lines, depth + 1)
        return [line.strip() for line in lines.finish() if line.strip()]

    def table(self, table, out: _Lines, depth: int) -> None:
        """A table of label and value cells as `label: value` lines (see html_to_text)."""
        rows = []
        for child in table:
            if _tag(child) == "tr":
                rows.append(child)
            elif _tag(child) in ("thead", "tbody", "tfoot"):
                rows.extend(row for row in child if _tag(row) == "tr")
        if not rows:  # no rows of its own (broken markup): its text as blocks
            out.block()
            self.children(table, out, depth)
            out.block()
            return
        self.tables += 1
        try:
            grid = []
            for row in rows:
                if _hidden(row):
                    continue
                cells = [cell for cell in row if _tag(cell) in ("td", "th")]
                grid.append([(self.cell_lines(cell, depth + 2), _rowspan(cell)) for cell in cells])
                if self.stopped:
                    break
        finally:
            self.tables -= 1
        form = any(sum(1 for lines, _ in row if lines) >= 2 for row in grid)
        out.block()
        spanned = 0  # rows still under a label cell's rowspan: their cells continue its value
        for row in grid:
            filled = [lines for lines, _ in row if lines]
            if spanned:
                spanned -= 1
                for line in itertools.chain.from_iterable(filled):
                    out.line("  " + line)
                continue
            if not filled:
                continue
            if not form or len(row) < 2:
                for line in itertools.chain.from_iterable(filled):
                    out.line(line)
                continue
            (label_lines, span), values = row[0], [lines for lines, _ in row[1:]]
            value: list[str] = []
            for lines in values:
                if not lines:
                    continue
                if value:
                    value[-1] += " " + lines[0]
                    value += lines[1:]
                else:
                    value = list(lines)
            label = " ".join(label_lines).strip().rstrip(":：").strip()
            if not label:
                for line in value:
                    out.line("  " + line)
                continue
            if _is_header_row(label, values):
                continue
            out.line(f"{label}: {value[0]}" if value else f"{label}:")
            for line in value[1:]:
                out.line("  " + line)
            spanned = max(0, span - 1)
        out.block()


def _rowspan(cell) -> int:
    try:
        return max(1, min(int(cell.get("rowspan") or 1), 100))
    except ValueError:
        return 1


def _is_header_row(label: str, values: list[list[str]]) -> bool:
    """`項目 | 内容`, `Item | Details` (and a further column after them)."""
    first = next((lines for lines in values if lines), [])

    def fold(text: str) -> str:
        return re.sub(r"\s", "", unicodedata.normalize("NFKC", text)).casefold()

    return len(first) == 1 and fold(label) in _HEADER_ROWS[0] and fold(first[0]) in _HEADER_ROWS[1]


class _PlainHtml(HTMLParser):
    """The last resort when lxml cannot read the document: its text, a line per block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip += 1
        if tag in _BLOCKS or tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def _tidy(lines: list[str]) -> str:
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")


def html_to_text(html: str, *, subject: str = "") -> str:
    """An HTML body as text, a line per paragraph, <div>, <br> and <li>; &nbsp; a space; no
    <script>, <style> or <head>; Outlook's Word HTML (MsoNormal, <o:p>, conditional comments) as
    its text.

    Tables: a table whose rows have two or more cells is one `label: value` line per row (the first
    cell the label, the others the value, joined by a space); a cell's further lines (an address
    written with <br>) follow as lines indented by two spaces; a header row `項目 | 内容` or
    `Item | Details` is left out; a one-cell row is a plain line.

    Quoted earlier mail is left out: Gmail's `gmail_quote`, a <blockquote> (Apple Mail,
    Thunderbird), and from Outlook's `divRplyFwdMsg` / `appendonsend`, an <hr> or a top-bordered
    block followed by a From:/差出人: block on, everything. A forward is the exception (the subject
    starts with FW:/Fwd:/転送:, once per prefix, or the quote says "Forwarded message"): the
    forwarded mail is kept, after a `---------- Forwarded message ---------` line."""
    html = clean_text(html or "")
    if not html.strip():
        return ""
    converter = _Converter(subject or "")
    try:
        parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
        document = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser)
        fatal = [e for e in parser.error_log if e.level == lxml.etree.ErrorLevels.FATAL]
        if not fatal:  # e.g. "Excessive depth": libxml2 stopped there and dropped the rest
            out = _Lines()
            converter.walk(document, out)
            return clean_text(_tidy(out.finish()))
        logger.warning("intake: HTML body read without its structure: %s", fatal[0].message)
    except Exception:  # lxml refused the document (or a bug here): the text, without structure
        logger.warning("intake: HTML body read without its structure", exc_info=True)
    fallback = _PlainHtml()
    fallback.feed(html)
    fallback.close()
    text = "".join(fallback.parts).replace("\xa0", " ")
    return clean_text(_tidy(text.split("\n")))
