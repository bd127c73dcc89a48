"""Template tags every page uses: a moment in the viewer's time zone with JST beside it, yen,
and status badges."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html

from genba.core.clock import JST

register = template.Library()


def _tz_label(moment: datetime) -> str:
    return moment.tzname() or ""


@register.simple_tag
def when(moment: datetime | None, style: str = "DATETIME"):
    """`<time>` in the viewer's zone; when that is not Japan, the JST reading follows it, since
    the site, the engineer and the SLA all live on Tokyo time."""
    if moment is None:
        return "—"
    try:
        local = timezone.localtime(moment)
        moment.astimezone(JST)
    except OverflowError:
        # A moment stored near the years 1 or 9999 (behind the input schemas, issue 11) has no
        # local reading: shown as stored, so the page (and the finding about it) still renders.
        return format_html('<time datetime="{}">{}</time>', moment.isoformat(), moment.isoformat())
    fmt = "SHORT_DATETIME_FORMAT" if style == "SHORT" else "DATETIME_FORMAT"
    text = f"{formats.date_format(local, fmt)} {_tz_label(local)}"
    if local.utcoffset() == moment.astimezone(JST).utcoffset():
        return format_html('<time datetime="{}">{}</time>', moment.isoformat(), text)
    jst = moment.astimezone(JST)
    jst_text = formats.date_format(jst, fmt) + " JST"
    return format_html(
        '<time datetime="{}">{}</time> <span class="jst">({})</span>',
        moment.isoformat(),
        text,
        jst_text,
    )


@register.filter
def yen(amount) -> str:
    if amount is None or amount == "":
        return "—"
    return f"¥{int(amount):,}"


@register.simple_tag
def status_badge(obj, field: str = "status"):
    value = getattr(obj, field)
    label = getattr(obj, f"get_{field}_display")()
    return format_html('<span class="badge badge-{}">{}</span>', value, label)


@register.filter
def tel_href(e164: str) -> str:
    """A tap-to-call link target; numbers are stored in E.164 (+81…)."""
    return f"tel:{e164}" if e164 else ""
