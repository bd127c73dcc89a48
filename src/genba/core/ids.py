"""Public identifiers: a readable prefix and 80 random bits in Crockford base32.

Database keys stay internal; URLs and API documents carry only these, so one customer cannot walk
another's objects by counting.
"""

from __future__ import annotations

import secrets

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford: no i, l, o, u


def new_public_id(prefix: str) -> str:
    return prefix + "_" + "".join(secrets.choice(_ALPHABET) for _ in range(16))


def new_request_id() -> str:
    return new_public_id("req")


def new_visit_id() -> str:
    return new_public_id("vis")


def new_site_id() -> str:
    return new_public_id("site")


def new_contact_id() -> str:
    return new_public_id("con")


def new_proposal_id() -> str:
    return new_public_id("prop")


def new_attachment_id() -> str:
    return new_public_id("att")


def new_expense_id() -> str:
    return new_public_id("exp")


def new_org_id() -> str:
    return new_public_id("org")


def new_invoice_id() -> str:
    return new_public_id("inv")


def new_engineer_id() -> str:
    return new_public_id("eng")


def new_booking_id() -> str:
    return new_public_id("bkg")


def new_change_id() -> str:
    return new_public_id("chg")
