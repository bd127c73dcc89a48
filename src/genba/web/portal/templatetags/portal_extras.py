"""Filters for the portal's pages."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from genba.billing.selectors import provider_contact as read_provider_contact
from genba.pricing.document import plain as plain_decimal

register = template.Library()


@register.filter
def plain(value) -> str:
    """Hours and multipliers as written: 2, 2.5, 1.25, 20 (never 2.00 or 2E+1)."""
    if value is None or value == "":
        return ""
    return format(plain_decimal(Decimal(str(value))), "f")


@register.simple_tag(takes_context=True)
def provider_contact(context) -> list[str]:
    """The provider's numbers as lines in the page's language ([] when none is set), read once
    per page (billing.selectors.provider_contact, the one place they come from)."""
    cache = context.render_context
    if "provider_contact" not in cache:
        cache["provider_contact"] = read_provider_contact()
    language = "ja" if (get_language() or "").startswith("ja") else "en"
    return cache["provider_contact"].lines(language)
