from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def plain_decimal(value) -> str:
    """1.2500 -> "1.25", 2.00 -> "2": exact, no float on the way."""
    if value is None or value == "":
        return ""
    text = format(Decimal(value).normalize(), "f")
    return text


@register.filter
def line_label(line, labels) -> str:
    """What the line is, in the reader's language: the kind of time, then the request's title."""
    if line.kind == "expense":
        return f"{labels['expense']}: {line.description}"
    kind = labels["overtime_work"] if line.kind == "overtime" else labels["onsite_work"]
    return f"{kind} — {line.description}" if line.description else kind
