"""Contacts and addresses as people write them on one line: "Taro Yamada, 03-1234-5678" and
"〒100-0004 東京都千代田区大手町1-2-3 大手町タワー 5階". Pure Python; best effort (the completeness
check asks for what could not be told apart).
"""

from __future__ import annotations

import re

from genba.core.prefectures import PREFECTURES, normalize_prefecture
from genba.messaging.intake.values import nfkc

_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?:\+|\(\+?)?\d[\d\s().\-‐－]{5,}\d")
_MESSENGER = re.compile(
    r"^\s*(?P<key>skype|whatsapp|line(?:\s*id)?|phone|tel|mobile|email|e-mail|mail|name|company"
    r"|スカイプ|ライン|電話|メール|氏名|会社)\s*[:：]\s*(?P<value>.+)$",
    re.IGNORECASE,
)
_MESSENGER_KEYS = {
    "スカイプ": "skype",
    "ライン": "line",
    "電話": "phone",
    "tel": "phone",
    "mobile": "phone",
    "メール": "email",
    "e-mail": "email",
    "mail": "email",
    "氏名": "name",
    "会社": "company",
}


_DEPARTMENT = re.compile(
    r"^\S{1,20}(?:部|課|室|係|グループ|チーム|センター|支社|支店|本部|事業部|営業所)\s+(?=\S)"
)
_HANDLE = re.compile(
    r"(?<![\w@])(?P<key>skype|whatsapp|line(?:\s*id)?|スカイプ|ライン)\s*[:：]\s*(?P<value>[\w.@+-]+)",
    re.IGNORECASE,
)


def clean_phone(value: str) -> str:
    """The number as written, in half-width ("０３－１２３４" is "03-1234"): what people read and dial."""
    text = re.sub(r"^(?:tel|phone)\s*[:：]?\s*", "", " ".join(nfkc(value).split()), flags=re.I)
    return text.strip(" ,;")


def clean_email(value: str) -> str:
    text = value.strip().removeprefix("mailto:").strip("<>[]() ")
    found = _EMAIL.search(text)
    return found.group(0) if found else text


def parse_contact_inline(text: str) -> tuple[dict[str, str], list[str]]:
    """ "Taro Yamada, 03-1234-5678, yamada@acme.example, skype: t.yamada" -> fields, and the pieces
    that could not be told apart."""
    out: dict[str, str] = {}
    leftovers: list[str] = []
    for piece in re.split(r"[,;、，；\n|]|\s/\s|\s[—–]\s", text):
        piece = piece.strip()
        if not piece:
            continue
        keyed = _MESSENGER.match(piece)
        if keyed:
            key = keyed.group("key").casefold().replace(" ", "")
            key = _MESSENGER_KEYS.get(key, "line" if key.startswith("line") else key)
            out.setdefault(key, keyed.group("value").strip())
            continue
        # A messenger handle after the name and phone ("佐々木 亮　080-…　LINE ID: ryo_s").
        handle = _HANDLE.search(piece)
        if handle:
            key = handle.group("key").casefold().replace(" ", "")
            out.setdefault(
                _MESSENGER_KEYS.get(key, "line" if key.startswith("line") else key),
                handle.group("value"),
            )
            piece = (piece[: handle.start()] + piece[handle.end() :]).strip()
        email = _EMAIL.search(piece)
        if email:
            out.setdefault("email", email.group(0))
            piece = (piece[: email.start()] + piece[email.end() :]).strip(" <>()")
        phone = _PHONE.search(piece)
        if phone and sum(c.isdigit() for c in phone.group(0)) >= 8:
            out.setdefault("phone", clean_phone(phone.group(0)))
            piece = (piece[: phone.start()] + piece[phone.end() :]).strip(" ()")
        piece = re.sub(r"[(（]\s*[)）]", "", piece)  # "加藤 大輔（090-…）" without the number
        piece = re.sub(
            r"[(（]?\s*(?<![a-z])(?:tel|phone|mobile|携帯|電話|直通)\s*[:：.]?\s*[)）]?\s*$",
            "",
            piece,
            flags=re.I,
        ).strip()
        # A department before the name ("総務部 小松 美咲") and a remark after it ("Bob Stone
        # (me)", "田中（総務）") are not the name.
        while department := _DEPARTMENT.match(piece):
            piece = piece[department.end() :]
        piece = re.sub(r"\s*[(（][^()（）\d@]{1,30}[)）]\s*$", "", piece).strip(" (（")
        if piece:
            if "name" not in out:
                out["name"] = piece
            else:
                leftovers.append(piece)
    for key in ("phone",):
        if key in out:
            out[key] = clean_phone(out[key])
    if "email" in out:
        out["email"] = clean_email(out["email"])
    return out, leftovers


_JA_CHARS = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_POSTAL = re.compile(
    r"〒\s*(\d{3})\s*[-‐－ー−]?\s*(\d{4})|(?<![\d-])(\d{3})[-‐－ー−](\d{4})(?![\d-])"
)
_FLOOR = re.compile(
    r"(?<![A-Za-z0-9-])(?P<f>B?\d{1,3})\s*(?:F|階|/F|fl\.?)(?![A-Za-z])"
    r"|(?<![\w-])(?P<g>\d{1,3})(?:st|nd|rd|th)\s+floor\b"
    r"|\bfloor\s+(?P<h>B?\d{1,3})\b",
    re.IGNORECASE,
)
_CITY_JA = re.compile(r"^(.+?郡.+?[町村]|.+?市.+?区|.+?[市区町村])")
_STREET_JA = re.compile(
    r"^(?P<street>.*?\d+(?:\s*(?:[-‐－ー−の]|丁目|番地|番|号)\s*\d+)*\s*(?:丁目|番地|番|号)?)\s*(?P<rest>.*)$"
)
_CITY_EN = re.compile(
    r"^[A-Za-zōūŌŪ' ]+?(?:-|\s)(?:ku|shi|city|ward|gun|cho|machi|mura|son)$", re.IGNORECASE
)
_BUILDING_EN = re.compile(
    r"\b(?:bldg|building|tower|bld|plaza|center|centre|house|heights|court|annex|warehouse|wing)\b|ビル|タワー|棟",
    re.IGNORECASE,
)


_ROOM = re.compile(
    r"^(?:room|rm\.?|lab|cage|suite|rack|data\s*hall|hall|unit|server\s*room)\s*[\w#-]+.{0,20}$"
    r"|^\S{0,20}(?:号室|データホール|サーバールーム|サーバ室|ケージ)\S{0,10}$",
    re.IGNORECASE,
)
_COMPANY = re.compile(
    r"\b(?:inc|kk|k\.k|co\.?,?\s*ltd|ltd|llc|corp|corporation|gk|gmbh)\b\.?$|株式会社|有限会社|合同会社|㈱",
    re.IGNORECASE,
)


def _names_a_place(line: str) -> bool:
    """A line that names the site ("Globex Tokyo Office", "Inzai Data Center 2",
    "アクメ名古屋営業所") rather than locating it: no postal mark, street number, prefecture or
    city."""
    if re.search(r"〒|\d+\s*[-‐－−の]\s*\d+|\d+\s*(?:丁目|番地?|号)", line):
        return False
    if _CITY_JA.fullmatch(line) or _CITY_EN.match(line):
        return False
    if any(pref.name_ja in line for pref in PREFECTURES):
        return False
    return not any(normalize_prefecture(word.strip(",")) for word in line.split())


def parse_address(text: str) -> dict[str, str]:
    """Split a one-line (or several-line) address into the site's parts; best effort.

    In an address on several lines, a first line that names a place rather than locating it is
    the site's name (what people write first: "Globex Tokyo Office", then the street)."""
    lines = [line.strip() for line in nfkc(text).split("\n") if line.strip()]
    out: dict[str, str] = {}
    if len(lines) > 1 and _names_a_place(lines[0]):
        # "Toyosu DC, Acme KK": the site's name, and the company that holds it; a floor or a room
        # written with the name ("新砂データセンター 3階 サーバールームC") are theirs.
        first = lines.pop(0)
        floor = _FLOOR.search(first)
        if floor:
            out["floor"] = floor.group("f") or floor.group("g") or floor.group("h")
            first = (first[: floor.start()] + " " + first[floor.end() :]).strip()
        words = first.split()
        if len(words) > 1 and _ROOM.match(words[-1]):
            out["room"] = words.pop()
            first = " ".join(words)
        company = re.search(r"\s*[(（]([^()（）]+)[)）]\s*$", first)
        if company and _COMPANY.search(company.group(1)):
            out["company_name"] = company.group(
                1
            ).strip()  # "Globex Tokyo office (Globex Japan KK)"
            first = first[: company.start()]
        for part in (p.strip() for p in first.split(",")):
            if "company_name" not in out and _COMPANY.search(part) and "name" in out:
                out["company_name"] = part
            elif part:
                out["name"] = f"{out['name']}, {part}" if "name" in out else part
    work = ", ".join(lines)
    postal = _POSTAL.search(work)
    if postal:
        digits = [g for g in postal.groups() if g]
        out["postal_code"] = f"{digits[0]}-{digits[1]}"
        work = work[: postal.start()] + " " + work[postal.end() :]
    floor = _FLOOR.search(work)
    if floor:
        out["floor"] = floor.group("f") or floor.group("g") or floor.group("h")
        work = work[: floor.start()] + " " + work[floor.end() :]
    work = re.sub(r"\b(?:japan|日本)\b|日本国", " ", work, flags=re.IGNORECASE)
    work = re.sub(r"\s*,\s*(?:,\s*)+", ", ", work).strip(" ,")
    if _JA_CHARS.search(work):
        _address_ja(work, out)
    else:
        _address_en(work, out)
    return {k: v.strip(" ,") for k, v in out.items() if v and v.strip(" ,")}


def _address_ja(work: str, out: dict[str, str]) -> None:
    compact = work.replace(",", " ").strip()
    for pref in PREFECTURES:
        at = compact.find(pref.name_ja)
        name = pref.name_ja
        if at < 0 and compact.startswith(pref.short_ja) and pref.short_ja != pref.name_ja:
            at, name = 0, pref.short_ja
        if at >= 0:
            out["prefecture"] = pref.name_ja
            compact = (compact[:at] + " " + compact[at + len(name) :]).strip()
            break
    head = compact.lstrip()
    city = _CITY_JA.match(re.sub(r"\s+", "", head.split(" ")[0])) if head else None
    if city:
        taken = city.group(1)
        out["city"] = taken
        # Remove the city's characters from the front, spaces allowed between them.
        pattern = r"\s*".join(map(re.escape, taken))
        head = re.sub(rf"^\s*{pattern}", "", head).strip()
    if not head:
        return
    street = _STREET_JA.match(head)
    if street and street.group("street").strip():
        out["street"] = street.group("street").strip()
        rest = street.group("rest").strip()
        if rest:
            # "青海テクノパーク データホールB": the building, then the room in it.
            parts = rest.rsplit(None, 1)
            if len(parts) == 2 and _ROOM.match(parts[1]):
                out["room"] = parts[1]
                rest = parts[0]
            out["building"] = rest
    else:
        out["street"] = head


def _address_en(work: str, out: dict[str, str]) -> None:
    street: list[str] = []
    for segment in (s.strip() for s in work.split(",")):
        if not segment:
            continue
        if "prefecture" not in out and normalize_prefecture(segment):
            out["prefecture"] = segment
            continue
        words = segment.split()
        # "Chiyoda-ku Tokyo", "Tokyo-to Chiyoda-ku": a prefecture at either end of a segment.
        if "prefecture" not in out and len(words) > 1:
            if normalize_prefecture(words[-1]):
                out["prefecture"], segment = words[-1], " ".join(words[:-1])
            elif normalize_prefecture(words[0]):
                out["prefecture"], segment = words[0], " ".join(words[1:])
        digits = bool(re.search(r"\d", segment))
        if "city" not in out and not digits and _CITY_EN.match(segment):
            out["city"] = segment
        elif "room" not in out and _ROOM.match(segment):
            out["room"] = segment
        elif "company_name" not in out and not digits and _COMPANY.search(segment):
            out["company_name"] = segment
        elif (
            "building" not in out
            and _BUILDING_EN.search(segment)
            and (street or "name" in out or not segment[:1].isdigit())
            and not re.match(r"^\d", segment)
        ):
            out["building"] = segment
        elif "name" not in out and not street and not digits and "building" not in out:
            out["name"] = segment  # "Globex Gotanda Office, 1-2-3 Nishi-Gotanda, …"
        else:
            street.append(segment)
    if street:
        out["street"] = ", ".join(street)
