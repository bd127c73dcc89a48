"""Filters for the portal's pages."""

from __future__ import annotations

from decimal import Decimal

from django import template

from genba.pricing.document import plain as plain_decimal

register = template.Library()


@register.filter
def plain(value) -> str:
    """Hours and multipliers as written: 2, 2.5, 1.25, 20 (never 2.00 or 2E+1)."""
    if value is None or value == "":
        return ""
    return format(plain_decimal(Decimal(str(value))), "f")
