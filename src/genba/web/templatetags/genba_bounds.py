"""`{{ url|https_href }}`: a stored link rendered as an href only when it is https.

Map links are refused at the edge unless https (genba.core.bounds), but a row stored before that
bound, or through the back office, may still hold `javascript:...`: the pages render such a link as
nothing, so no href ever runs script.
"""

from __future__ import annotations

from django import template

from genba.core.bounds import https_href as _https_href

register = template.Library()


@register.filter
def https_href(value) -> str:
    return _https_href(value)
