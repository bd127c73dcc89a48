"""Reading an inbound mail's MIME structure as mail clients really write it (issue 12).

Pure Python: the email package (and lxml, in `html_text`), no Django. What the intake needs from a
message:

- `read_message(raw)`: the parsed message (`email.policy.default`), whatever the bytes.
- `header_text(message, name)`: a header decoded to one clean line.
- `body_text(message)`: the text the order is read from.
- `mail_attachments(message)`: (file name, content) of each attached file.
- `html_to_text(html, subject=...)`: an HTML body as lines of text (from `html_text`).

The structure is read here: which parts are the body (multipart/alternative, related, mixed),
which are attached files, format=flowed text (`flowed`), and messages attached as forwards
(message/rfc822). Bytes and header words are decoded by `charsets`, the Windows way Japanese mail
is written; headers are decoded from their raw value, because the policy's decoded string has
already used the strict codecs. HTML bodies are turned into text by `html_text`.
"""

from __future__ import annotations

import email
import email.policy
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses
from pathlib import PurePath
from urllib.parse import unquote_to_bytes

from .charsets import clean_text, decode_bytes, decode_unencoded, decode_words, one_line, unlabelled
from .flowed import unflow
from .html_text import FORWARD_LINE, html_to_text

logger = logging.getLogger(__name__)

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
        name = one_line(decode_words(name))
        address = one_line(decode_unencoded(address))
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
        return one_line(decode_words(raw))
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
    params = {key: one_line(decode_words(text)) for key, text in plain.items()}
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
        params[key] = one_line(decode_bytes(bytes(data), charset))
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
    if html and unlabelled(charset):
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
