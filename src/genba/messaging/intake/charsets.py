"""Decoding mail bytes and header text as Windows and Japanese mailers write them (issue 12).

Pure Python, no Django. Used by `mime` (bodies, headers, parameters) and `html_text` (cleaning):

- `decode_bytes(data, charset)`: bytes decoded as their charset label says, the Windows way.
- `decode_words(raw)`: a raw header value with its RFC 2047 encoded words decoded the same way.
- `clean_text(text)` / `one_line(text)`: controls and invisible characters removed.

Charsets are decoded as Windows writes them, not as the strict standards say, because that is what
Japanese customers' mail is: everything labelled Shift_JIS is decoded as CP932 (Python's shift_jis
loses 髙, ① and the full-width minus), ISO-2022-JP as CP50220/CP50221 write it (NEC row 13 and the
IBM extensions inside `ESC $ B`, which Python's iso2022_jp refuses), EUC-JP like CP51932. Headers
are decoded from their raw value (by `mime.header_text`) for the same reason: the policy's decoded
string has already used the strict codecs. An unknown or missing charset is read as UTF-8, or as
CP932 when that loses fewer characters. NUL and the other control characters (except line feed and
tab) are removed from everything returned.
"""

from __future__ import annotations

import codecs
import re
from email.header import decode_header

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


def one_line(text: str) -> str:
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


def unlabelled(charset: str | None) -> bool:
    """No charset to go by in the label (none, US-ASCII, unknown, 8bit…): the bytes are guessed."""
    return _charset_key(charset) in _GUESS


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


# --- header words ---------------------------------------------------------------------------------


def decode_unencoded(text: str) -> str:
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
        return decode_unencoded(unfolded)
    try:
        pieces = decode_header(unfolded)
    except Exception:  # a broken base64 word: the raw text rather than nothing
        return decode_unencoded(unfolded)
    out = []
    for word, charset in pieces:
        if charset is None:
            if isinstance(word, bytes):
                word = word.decode("raw-unicode-escape", errors="replace")
            out.append(decode_unencoded(word))
        else:
            out.append(decode_bytes(word, charset))
    return "".join(out)
