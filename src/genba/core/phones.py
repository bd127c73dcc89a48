"""Phone numbers to E.164 and e-mail addresses to their normal form. Pure Python, no Django.

Rule `contact.phone.invalid` (rulebook §2): a number that does not parse, or that has no country code
and is not a Japanese number, is invalid. Customers abroad type both "+1 415 555 0132" and
"03-1234-5678"; only the second may go without a country code, because the engineer who dials it is in
Japan.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import phonenumbers
from email_validator import EmailNotValidError, validate_email

_HOME_REGION = "JP"


# Cached: the same few contacts are checked on every read of every request (a list page checks
# dozens), and parsing is the most expensive step of the completeness check (docs/performance.md).
@lru_cache(maxsize=8192)
def normalize_phone(raw: str) -> str | None:
    """E.164 ("+81312345678") for a valid number, else None.

    Accepts spaces, hyphens, dots, parentheses and full-width characters ("０３－１２３４－５６７８").
    A number written with "+" or the "00" international prefix is read as international; anything else
    is read as a Japanese number (so "415 555 0132" without "+1" is refused rather than guessed).
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        return None
    head = text.lstrip("( ")
    if head.startswith("00"):
        # phonenumbers only knows the region's own IDD ("010" in Japan); "00" is what most of the world
        # dials, and customers abroad copy numbers in that form.
        text = "+" + head[2:]
        head = text
    region = None if head.startswith("+") else _HOME_REGION
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=8192)
def normalize_email(raw: str) -> str | None:
    """The normalised address (domain lower-cased, IDNA handled), or None when it does not parse.

    Deliverability (DNS) is not checked: the check must be pure and work offline.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not text:
        return None
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        return None
