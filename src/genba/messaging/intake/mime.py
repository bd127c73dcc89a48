"""Reading an inbound mail's MIME structure as mail clients really write it (issue 12).

Pure Python: the email package and lxml, no Django. What the intake needs from a message:

- `read_message(raw)`: the parsed message (`email.policy.default`), whatever the bytes.
- `header_text(message, name)`: a header decoded to one clean line.
- `body_text(message)`: the text the order is read from.
- `mail_attachments(message)`: (file name, content) of each attached file.
- `html_to_text(html, subject=...)`: an HTML body as lines of text.

Charsets are decoded as Windows writes them, not as the strict standards say, because that is what
Japanese customers' mail is: everything labelled Shift_JIS is decoded as CP932 (Python's shift_jis
loses 髙, ① and the full-width minus), ISO-2022-JP as CP50220/CP50221 write it (NEC row 13 and the
IBM extensions inside `ESC $ B`, which Python's iso2022_jp refuses), EUC-JP like CP51932. Headers
are decoded from their raw value for the same reason: the policy's decoded string has already used
the strict codecs. An unknown or missing charset is read as UTF-8, or as CP932 when that loses
fewer characters. NUL and the other control characters (except line feed and tab) are removed from
everything returned.
"""

from __future__ import annotations

import codecs
import email
import email.policy
import itertools
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from email.header import decode_header
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from html.parser import HTMLParser
from pathlib import PurePath
from urllib.parse import parse_qs, unquote_to_bytes, urlsplit

import lxml.etree
import lxml.html

logger = logging.getLogger(__name__)

FORWARD_LINE = "---------- Forwarded message ---------"

# --- cleaning -------------------------------------------------------------------------------------

# NUL and the other C0/C1 controls except tab and line feed, and the invisible characters that
# break a label ("件名\u200b:") or reorder what is shown (bidi overrides).
_INVISIBLE = (
    [c for c in range(0x20) if c not in (0x09, 0x0A)]
    + list(range(0x7F, 0xA0))
    + [0x00AD, 0x200B, 0x2060, 0xFEFF]
    + list(range(0x202A, 0x202F))
    + list(range(0x2066, 0x206A))
)
_DROP = dict.fromkeys(_INVISIBLE)
_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """Line ends as \\n; controls other than \\n and \\t removed; lone surrogates as U+FFFD."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n").translate(_DROP)
    return _SURROGATE.sub("\ufffd", text)


def _one_line(text: str) -> str:
    return " ".join(clean_text(text).split())


# --- charsets -------------------------------------------------------------------------------------

_CP932 = frozenset(
    {"shiftjis", "sjis", "xsjis", "sjisopen", "mskanji", "csshiftjis", "windows31j", "cswindows31j"}
    | {"cp932", "ms932", "xmscp932", "windows932", "ibm943", "shiftjisms"}
)
_ISO2022JP = frozenset(
    {"iso2022jp", "csiso2022jp", "iso2022jp1", "iso2022jp2", "iso2022jp3", "iso2022jp2004"}
    | {"iso2022jpms", "cp50220", "cp50221", "cp50222", "csiso2022jp2"}
)
_EUCJP = frozenset(
    {"eucjp", "xeucjp", "ujis", "xeuc", "cp51932", "eucjpms", "eucjpwin", "cseucpkdfmtjapanese"}
)
_GUESS = frozenset(
    {"", "usascii", "ascii", "us", "ansix341968", "iso646us", "csascii", "unknown", "unknown8bit"}
    | {"xunknown", "default", "none", "8bit", "binary", "xuserdefined"}
)
# Labels read as browsers read them (WHATWG Encoding): the superset Windows actually sends.
_SUPERSETS = {
    "gb2312": "gbk",
    "csgb2312": "gbk",
    "euckr": "cp949",
    "ksc56011987": "cp949",
    "big5": "big5hkscs",
    "iso88591": "cp1252",
    "latin1": "cp1252",
    "tis620": "cp874",
}
# Python codecs that are text encodings in name only.
_NOT_MAIL = frozenset(
    {"idna", "punycode", "unicode_escape", "raw_unicode_escape", "undefined", "mbcs", "oem"}
)


def _charset_key(label: str | None) -> str:
    """`Shift_JIS`, `shift-jis`, `"SJIS"`, `ISO-2022-JP*ja` → `shiftjis`, `sjis`, `iso2022jp`."""
    label = (label or "").strip().strip("\"'").split("*", 1)[0]
    return re.sub(r"[^a-z0-9]", "", label.lower())


def _replacements(text: str) -> int:
    return text.count("\ufffd")


def _guess(data: bytes) -> str:
    """Bytes of no (or an unknown) charset: ISO-2022-JP when they hold its escapes, else UTF-8, or
    CP932 when that loses fewer characters."""
    if b"\x1b$B" in data or b"\x1b$@" in data or b"\x1b(I" in data:
        return _iso2022jp(data)
    utf8 = data.decode("utf-8", errors="replace")
    if "\ufffd" not in utf8:
        return utf8
    cp932 = data.decode("cp932", errors="replace")
    return cp932 if _replacements(cp932) < _replacements(utf8) else utf8


def decode_bytes(data: bytes, charset: str | None) -> str:
    """`data` decoded as the charset label says, read the way Windows writes it. Never raises."""
    key = _charset_key(charset)
    if key in _CP932:
        return data.decode("cp932", errors="replace")
    if key in _ISO2022JP:
        return _iso2022jp(data)
    if key in _EUCJP:
        return _eucjp(data)
    if key in _GUESS:
        return _guess(data)
    name = _SUPERSETS.get(key) or (charset or "").strip().strip("\"'").split("*", 1)[0]
    try:
        if codecs.lookup(name).name.replace("-", "_") in _NOT_MAIL:
            return _guess(data)
        return data.decode(name, errors="replace")
    except (LookupError, UnicodeError, ValueError, TypeError):
        return _guess(data)


def _jis_to_sjis(j1: int, j2: int) -> bytes:
    """A JIS X 0208 code (both bytes 0x21-0x7E) as the Shift_JIS bytes of the same cell."""
    s1 = ((j1 + 1) >> 1) + (0x70 if j1 <= 0x5E else 0xB0)
    if j1 & 1:
        s2 = j2 + (0x1F if j2 <= 0x5F else 0x20)
    else:
        s2 = j2 + 0x7E
    return bytes((s1, s2))


# ISO-2022-JP by hand, because Python's iso2022_jp codec is the strict RFC 1468 one: it refuses the
# NEC row-13 characters (①, Ⅰ, ㈱, ㌔) and the NEC-selected IBM extensions (髙, 﨑) that Windows
# (CP50220/CP50221, which Outlook uses) writes inside `ESC $ B`. Each two-byte JIS code is turned
# into the Shift_JIS code of the same cell and the run decoded with CP932, which holds all of them.
# No maintained PyPI package does this. Also read: `ESC ( J` (JIS X 0201 Roman), `ESC ( I` and
# SO/SI (half-width katakana, CP50221/CP50222), JIS X 0212 and JIS X 0213 runs (ISO-2022-JP-1/3),
# and stray 8-bit bytes (mislabelled mail) as `_guess` reads them.
_ESCAPES = {
    b"\x1b(B": "ascii",
    b"\x1b(J": "roman",
    b"\x1b(H": "roman",
    b"\x1b(I": "kana",
    b"\x1b$@": "jis",
    b"\x1b$B": "jis",
    b"\x1b$(B": "jis",
    b"\x1b$(@": "jis",
    b"\x1b$(D": "jisx0212",
    b"\x1b$(O": "jisx0213",
    b"\x1b$(Q": "jisx0213",
    b"\x1b$(P": "jisx0213p2",
}


def _iso2022jp(data: bytes) -> str:
    out: list[str] = []
    run = bytearray()  # bytes of the current multi-byte or 8-bit run
    run_kind = ""  # "sjis", "euc_jp", "euc_jis_2004", "8bit"
    mode = "ascii"
    shifted = False  # SO ... SI: half-width katakana (CP50222)

    def flush() -> None:
        nonlocal run_kind
        if run:
            if run_kind == "8bit":
                out.append(_guess(bytes(run)))
            elif run_kind == "sjis":
                out.append(bytes(run).decode("cp932", errors="replace"))
            else:
                out.append(bytes(run).decode(run_kind, errors="replace"))
            run.clear()
        run_kind = ""

    def add(kind: str, chunk: bytes) -> None:
        nonlocal run_kind
        if run_kind != kind:
            flush()
            run_kind = kind
        run.extend(chunk)

    i, size = 0, len(data)
    while i < size:
        byte = data[i]
        if byte == 0x1B:
            for escape, new_mode in _ESCAPES.items():
                if data.startswith(escape, i):
                    mode = new_mode
                    i += len(escape)
                    break
            else:
                # `ESC & @` (the JIS X 0208-1990 announcer) and anything unknown: skipped.
                i += 3 if data.startswith(b"\x1b&@", i) else 1
            continue
        if byte == 0x0E:
            shifted = True
            i += 1
            continue
        if byte == 0x0F:
            shifted = False
            i += 1
            continue
        if byte >= 0x80:
            add("8bit", bytes((byte,)))
            i += 1
            continue
        if mode.startswith("jis") and 0x21 <= byte <= 0x7E:
            if i + 1 < size and 0x21 <= data[i + 1] <= 0x7E:
                second = data[i + 1]
                if mode == "jis":
                    add("sjis", _jis_to_sjis(byte, second))
                elif mode == "jisx0212":
                    add("euc_jp", bytes((0x8F, byte | 0x80, second | 0x80)))
                elif mode == "jisx0213":
                    add("euc_jis_2004", bytes((byte | 0x80, second | 0x80)))
                else:
                    add("euc_jis_2004", bytes((0x8F, byte | 0x80, second | 0x80)))
                i += 2
            else:
                flush()
                out.append("\ufffd")
                i += 1
            continue
        flush()
        if (shifted or mode == "kana") and 0x21 <= byte <= 0x5F:
            out.append(chr(0xFF40 + byte))  # 0x21 → U+FF61 (｡) … 0x5F → U+FF9F (ﾟ)
        elif mode == "roman" and byte == 0x5C:
            out.append("\u00a5")
        elif mode == "roman" and byte == 0x7E:
            out.append("\u203e")
        else:
            out.append(chr(byte))
        i += 1
    flush()
    return "".join(out)


def _eucjp(data: bytes) -> str:
    """EUC-JP as Windows' CP51932 reads it: each JIS X 0208 code through Shift_JIS into CP932 (so
    NEC row 13 and the NEC-selected IBM extensions come out, and 0xA1DD is U+FF0D as in CP932);
    JIS X 0212 (0x8F …) through Python's euc_jp."""
    out: list[str] = []
    sjis = bytearray()

    def flush() -> None:
        if sjis:
            out.append(bytes(sjis).decode("cp932", errors="replace"))
            sjis.clear()

    i, size = 0, len(data)
    while i < size:
        byte = data[i]
        if byte < 0x80:
            sjis.append(byte)
            i += 1
        elif byte == 0x8E and i + 1 < size and 0xA1 <= data[i + 1] <= 0xDF:
            sjis.append(data[i + 1])  # half-width katakana: the same byte in Shift_JIS
            i += 2
        elif byte == 0x8F and i + 2 < size and data[i + 1] >= 0xA1 and data[i + 2] >= 0xA1:
            flush()
            out.append(data[i : i + 3].decode("euc_jp", errors="replace"))
            i += 3
        elif 0xA1 <= byte <= 0xFE and i + 1 < size and 0xA1 <= data[i + 1] <= 0xFE:
            sjis.extend(_jis_to_sjis(byte - 0x80, data[i + 1] - 0x80))
            i += 2
        else:
            flush()
            out.append("\ufffd")
            i += 1
    flush()
    return "".join(out)


# --- headers --------------------------------------------------------------------------------------

_ADDRESS_HEADERS = frozenset(
    {"from", "to", "cc", "bcc", "reply-to", "sender", "resent-from", "resent-to", "resent-cc"}
)
_SPECIALS = re.compile(r'[()<>@,;:\\".\[\]]')


def _raw_header(message: Message, name: str) -> str | None:
    """The first `name` header as it was written (folded, encoded words and 8-bit bytes as
    surrogates), or None."""
    wanted = name.casefold()
    try:
        for key, value in message.raw_items():
            if str(key).casefold() == wanted:
                return str(value)  # a header object when a program set it: then already text
    except Exception:
        logger.warning("intake: unreadable headers", exc_info=True)
    return None


def _decode_unencoded(text: str) -> str:
    """Header text outside encoded words: raw 8-bit bytes (surrogate-escaped by the parser) read as
    UTF-8 or CP932, raw ISO-2022-JP escapes (old Japanese mailers) through the JIS decoder."""
    if _SURROGATE.search(text):
        return _guess(text.encode("utf-8", errors="surrogateescape"))
    if "\x1b" in text and text.isascii():
        return _iso2022jp(text.encode("ascii"))
    return text


def decode_words(raw: str) -> str:
    """A raw header value with its RFC 2047 encoded words decoded by the charset mapping above."""
    unfolded = re.sub(r"\r?\n(?=[ \t])", "", raw).replace("\r", " ").replace("\n", " ")
    if "=?" not in unfolded:
        return _decode_unencoded(unfolded)
    try:
        pieces = decode_header(unfolded)
    except Exception:  # a broken base64 word: the raw text rather than nothing
        return _decode_unencoded(unfolded)
    out = []
    for word, charset in pieces:
        if charset is None:
            if isinstance(word, bytes):
                word = word.decode("raw-unicode-escape", errors="replace")
            out.append(_decode_unencoded(word))
        else:
            out.append(decode_bytes(word, charset))
    return "".join(out)


def _quoted_name(name: str) -> str:
    if not _SPECIALS.search(name):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _address_text(raw: str) -> str | None:
    """An address header with each display name decoded (and quoted when it holds a comma or the
    like, so that getaddresses() reads it back as one name), or None when it does not parse."""
    pairs = getaddresses([re.sub(r"\r?\n(?=[ \t])", "", raw)])
    if not pairs or not all("@" in address for _, address in pairs):
        return None
    parts = []
    for name, address in pairs:
        name = _one_line(decode_words(name))
        address = _one_line(_decode_unencoded(address))
        parts.append(f"{_quoted_name(name)} <{address}>" if name else address)
    return ", ".join(parts)


def header_text(message: Message, name: str) -> str:
    """The header decoded to one line (whitespace collapsed, controls removed), "" when absent or
    unreadable. Never raises."""
    try:
        raw = _raw_header(message, name)
        if not raw:
            return ""
        if name.casefold() in _ADDRESS_HEADERS:
            addresses = _address_text(raw)
            if addresses is not None:
                return addresses
        return _one_line(decode_words(raw))
    except Exception:
        logger.warning("intake: unreadable %s header", name, exc_info=True)
        return ""


def _params(raw: str | None) -> tuple[str, dict[str, str]]:
    """(value, parameters) of a Content-Type or Content-Disposition header, with RFC 2231 (charset,
    continuations) and encoded words in parameters decoded by the charset mapping."""
    if not raw:
        return "", {}
    raw = re.sub(r"\r?\n(?=[ \t])", "", raw)
    items: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in raw:
        if escaped:
            current.append(char)
            escaped = False
        elif quoted and char == "\\":
            current.append(char)
            escaped = True
        elif char == '"':
            current.append(char)
            quoted = not quoted
        elif char == ";" and not quoted:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    value = items[0].strip().lower()
    plain: dict[str, str] = {}
    extended: dict[str, dict[int, tuple[bool, str]]] = {}
    for item in items[1:]:
        key, sep, text = item.partition("=")
        if not sep:
            continue
        key = key.strip().lower()
        text = text.strip()
        if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
            text = re.sub(r"\\(.)", r"\1", text[1:-1])
        found = re.fullmatch(r"([^*]+)\*(?:(\d{1,3})\*?)?", key)
        if found and (key.endswith("*") or found.group(2) is not None):
            index = int(found.group(2) or 0)
            extended.setdefault(found.group(1), {})[index] = (key.endswith("*"), text)
        else:
            plain.setdefault(key, text)
    params = {key: _one_line(decode_words(text)) for key, text in plain.items()}
    for key, segments in extended.items():
        charset = ""
        data = bytearray()
        for index in sorted(segments):
            encoded, text = segments[index]
            if encoded and index == min(segments) and text.count("'") >= 2:
                charset, _, text = text.split("'", 2)
            if encoded:
                data.extend(unquote_to_bytes(text))
            else:
                data.extend(text.encode("utf-8", errors="surrogateescape"))
        params[key] = _one_line(decode_bytes(bytes(data), charset))
    return value, params


# --- the message ----------------------------------------------------------------------------------


def read_message(raw: bytes) -> EmailMessage:
    """The parsed message (email.policy.default). Never raises: junk gives a message of whatever
    headers could be read, or an empty one."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", errors="surrogateescape")
    try:
        return email.message_from_bytes(bytes(raw or b""), policy=email.policy.default)
    except Exception:  # e.g. RecursionError on absurdly nested multiparts
        logger.warning("intake: unparseable message, reading its headers only", exc_info=True)
    try:
        return BytesHeaderParser(policy=email.policy.default).parsebytes(bytes(raw))
    except Exception:
        return EmailMessage(policy=email.policy.default)


_MAX_DEPTH = 12  # multiparts and attached messages within each other
_MESSAGE_TYPES = ("message/rfc822", "message/global")
_MSGID = re.compile(r"<[^<>\s]+>")


def _content_type(part: Message) -> str:
    value, _ = _params(_raw_header(part, "Content-Type"))
    if re.fullmatch(r"[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+", value):
        return value
    try:
        return part.get_content_type()
    except Exception:
        return "text/plain"


def _subparts(part: Message) -> list[Message]:
    try:
        payload = part.get_payload()
    except Exception:
        return []
    if isinstance(payload, list):
        return [sub for sub in payload if isinstance(sub, Message)]
    return []


def _filename(part: Message) -> str:
    """The attachment's file name (Content-Disposition filename, else Content-Type name), decoded:
    RFC 2231, encoded words, raw CP932 bytes. "" when it has none."""
    _, disposition = _params(_raw_header(part, "Content-Disposition"))
    _, ctype = _params(_raw_header(part, "Content-Type"))
    name = disposition.get("filename") or ctype.get("name") or ""
    if not name:
        return ""
    name = PurePath(name.replace("\\", "/")).name.strip()
    return name or "file"


def _disposition(part: Message) -> str:
    value, _ = _params(_raw_header(part, "Content-Disposition"))
    return value


def _is_attachment(part: Message) -> bool:
    """Attached, or shown inline with a file name (Apple Mail's inline .txt). A text part with a
    name but no disposition is still a body: some mailers name their body part."""
    disposition = _disposition(part)
    return disposition == "attachment" or (disposition == "inline" and bool(_filename(part)))


def _payload(part: Message) -> bytes:
    try:
        content = part.get_payload(decode=True)
    except Exception:
        logger.warning("intake: undecodable part", exc_info=True)
        return b""
    return content if isinstance(content, bytes) else b""


_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-z0-9_.:-]{1,40})""", re.I
)


def _part_text(part: Message, subject: str) -> tuple[str, str]:
    """(kind, text) of a text/plain or text/html part: "plain" or "html"."""
    data = _payload(part)
    _, params = _params(_raw_header(part, "Content-Type"))
    charset = params.get("charset")
    html = _content_type(part) == "text/html"
    if html and _charset_key(charset) in _GUESS:
        declared = _META_CHARSET.search(data[:4096])
        if declared:
            charset = declared.group(1).decode("ascii")
    text = decode_bytes(data, charset)
    if html:
        return "html", html_to_text(text, subject=subject)
    text = clean_text(text)
    if params.get("format", "").lower() == "flowed":
        text = unflow(text, delsp=params.get("delsp", "").lower() == "yes")
    return "plain", text


# "This message is in HTML format", "HTML形式のメールです": a text/plain that is no text.
_STUB_MAX = 300


def _is_stub(text: str) -> bool:
    folded = unicodedata.normalize("NFKC", text).strip()
    return not folded or (len(folded) <= _STUB_MAX and "html" in folded.casefold())


@dataclass
class _Found:
    texts: list[tuple[str, str]] = field(default_factory=list)  # (kind, text), in order
    parts: list[Message] = field(default_factory=list)  # the parts read as the body
    forwards: list[Message] = field(default_factory=list)  # attached messages


def _inner_message(part: Message) -> Message | None:
    subs = _subparts(part)
    return subs[0] if subs else None


def _collect(part: Message, found: _Found, subject: str, depth: int) -> None:
    """The body parts of `part`: one alternative of a multipart/alternative (text/plain unless it
    is empty or a stub), the root of a multipart/related, every inline text of a multipart/mixed
    (Apple Mail splits the text around an inline file); attached messages as forwards."""
    if depth > _MAX_DEPTH:
        return
    ctype = _content_type(part)
    if ctype in _MESSAGE_TYPES:
        inner = _inner_message(part)
        if inner is not None:
            found.forwards.append(inner)
        return
    if ctype == "multipart/alternative":
        options = []
        for sub in _subparts(part):
            option = _Found()
            _collect(sub, option, subject, depth + 1)
            if option.texts:
                options.append(option)
        plain = next((o for o in options if all(k == "plain" for k, _ in o.texts)), None)
        html = next((o for o in reversed(options) if any(k == "html" for k, _ in o.texts)), None)
        chosen = plain
        if html is not None and (plain is None or _is_stub("\n".join(t for _, t in plain.texts))):
            chosen = html
        chosen = chosen or (options[0] if options else None)
        if chosen is not None:
            found.texts += chosen.texts
            found.parts += chosen.parts
            found.forwards += chosen.forwards
        return
    if ctype == "multipart/related":
        subs = _subparts(part)
        _, params = _params(_raw_header(part, "Content-Type"))
        start = params.get("start", "")
        root = next((s for s in subs if start and header_text(s, "Content-ID") == start), None)
        if root is None and subs:
            root = subs[0]
        if root is not None:
            _collect(root, found, subject, depth + 1)
        return
    if ctype.startswith("multipart/") and part.is_multipart():
        for sub in _subparts(part):
            _collect(sub, found, subject, depth + 1)
        return
    if ctype.startswith("multipart/"):  # no boundary, or none found: the parser kept it as text
        found.texts.append(("plain", clean_text(decode_bytes(_payload(part), None))))
        found.parts.append(part)
        return
    if ctype in ("text/plain", "text/html") and not _is_attachment(part):
        found.texts.append(_part_text(part, subject))
        found.parts.append(part)


_REPLY_SUBJECT = re.compile(r"^\s*(?:re|aw|sv|vs|返信|回复|答复)\s*(?:\[\d+\])?\s*[:：]", re.I)


def _answered_original(outer: Message, inner: Message) -> bool:
    """An attached message that is the mail being replied to (a reply with "include the original
    as an attachment"): a quote, not a forward."""
    if not _REPLY_SUBJECT.match(header_text(outer, "Subject")):
        return False
    ids = _MSGID.findall(header_text(inner, "Message-ID"))
    thread = _MSGID.findall(
        header_text(outer, "In-Reply-To") + " " + header_text(outer, "References")
    )
    return bool(ids) and ids[0] in thread


def _body(message: Message, depth: int) -> str:
    subject = header_text(message, "Subject")
    found = _Found()
    _collect(message, found, subject, depth)
    blocks = [text.strip("\n") for _, text in found.texts if text.strip()]
    for inner in found.forwards:
        if depth >= _MAX_DEPTH or _answered_original(message, inner):
            continue
        lines = [FORWARD_LINE]
        for name in ("From", "Date", "Subject", "To"):
            value = header_text(inner, name)
            if value:
                lines.append(f"{name}: {value}")
        inner_text = _body(inner, depth + 1)
        blocks.append("\n".join(lines) + ("\n\n" + inner_text if inner_text else ""))
    return clean_text("\n\n".join(blocks))


def body_text(message: Message) -> str:
    """The text the order is read from: the text/plain body (un-flowed when format=flowed), or the
    HTML body as text when there is no real text/plain; a message attached as a forward follows as
    one `---------- Forwarded message ---------` block (its From, Date, Subject, To, then its
    text). Never raises."""
    try:
        return _body(message, 0)
    except Exception:
        logger.warning("intake: unreadable body", exc_info=True)
        return ""


def _leaves(part: Message, depth: int):
    """Every leaf part; an attached message is yielded whole (mail_attachments opens it)."""
    if depth > _MAX_DEPTH:
        return
    ctype = _content_type(part)
    if ctype.startswith("multipart/"):
        for sub in _subparts(part):
            yield from _leaves(sub, depth + 1)
    else:
        yield part


def _files(message: Message, files: list[tuple[str, bytes]], depth: int) -> None:
    found = _Found()
    _collect(message, found, "", depth)
    body = {id(part) for part in found.parts}
    for part in _leaves(message, depth):
        if id(part) in body:
            continue
        ctype = _content_type(part)
        if ctype in _MESSAGE_TYPES:
            inner = _inner_message(part)
            if inner is not None and depth < _MAX_DEPTH and not _answered_original(message, inner):
                _files(inner, files, depth + 1)
            continue
        filename = _filename(part)
        if not filename:
            continue
        if _disposition(part) != "attachment" and ctype.startswith("image/"):
            continue  # an inline image: a signature logo, a picture in the HTML body
        try:
            content = part.get_payload(decode=True)
        except Exception:
            logger.warning("intake: undecodable attachment %s", filename, exc_info=True)
            continue
        if isinstance(content, bytes):
            files.append((filename, content))


def mail_attachments(message: Message) -> list[tuple[str, bytes]]:
    """(file name, content) of each attached file, those of a forwarded (attached) message too.
    Inline images (signature logos, pictures in an HTML body) are left out; a PDF shown inline (as
    Apple Mail sends it) is kept. Never raises."""
    files: list[tuple[str, bytes]] = []
    try:
        _files(message, files, 0)
    except Exception:
        logger.warning("intake: unreadable attachments", exc_info=True)
    return files


# --- format=flowed (RFC 3676) ---------------------------------------------------------------------


def unflow(text: str, *, delsp: bool = False) -> str:
    """format=flowed text as its lines were written: a line ending in a space continues on the
    next line of the same quote depth; the stuffed space is removed; with DelSp=yes the trailing
    space is the one added to break the line, and goes."""
    out: list[str] = []
    paragraph: list[str] = []
    paragraph_depth = 0

    def emit(depth: int, body: str) -> None:
        out.append((">" * depth + " " if depth else "") + body)

    def close() -> None:
        if paragraph:
            emit(paragraph_depth, "".join(paragraph))
            paragraph.clear()

    for line in text.split("\n"):
        stripped = line.lstrip(">")
        depth = len(line) - len(stripped)
        if stripped.startswith(" "):
            stripped = stripped[1:]  # space-stuffing
        if paragraph and depth != paragraph_depth:
            close()
        flowed = stripped.endswith(" ") and stripped != "-- "
        if flowed:
            paragraph_depth = depth
            paragraph.append(stripped[:-1] if delsp else stripped)
        elif paragraph:
            paragraph.append(stripped)
            close()
        else:
            emit(depth, stripped)
    close()
    return "\n".join(out)


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
