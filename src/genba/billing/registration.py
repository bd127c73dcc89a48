"""Qualified-invoice registration numbers (適格請求書発行事業者登録番号): "T" + a 13-digit corporate
number whose first digit is a check digit (National Tax Agency's formula). Pure Python."""

from __future__ import annotations

import re
import unicodedata

_PATTERN = re.compile(r"T(\d{13})")


def corporate_number_check_digit(base12: str) -> int:
    """Check digit for the 12 base digits: 9 − (Σ Pn × Qn mod 9), Pn the n-th digit from the right,
    Qn = 1 for odd n and 2 for even n."""
    total = sum(int(d) * (1 if n % 2 else 2) for n, d in enumerate(reversed(base12), start=1))
    return 9 - total % 9


def normalize_registration_number(raw: str) -> str | None:
    """ "T1234567890123" for a valid number (full-width and hyphens accepted), else None."""
    text = unicodedata.normalize("NFKC", raw or "").upper().replace("-", "").replace(" ", "")
    match = _PATTERN.fullmatch(text)
    if not match:
        return None
    digits = match.group(1)
    if int(digits[0]) != corporate_number_check_digit(digits[1:]):
        return None
    return text
