"""The one clock Genba reads "now" from, so that tests (and the demo) can set the time.

Every service and check calls `clock.now()`; nothing calls `datetime.now()` or `timezone.now()`
directly.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

# The business calendar's zone: sites, engineers, SLAs and invoices all run on Tokyo time.
JST = ZoneInfo("Asia/Tokyo")

_frozen: datetime | None = None


def now() -> datetime:
    return _frozen if _frozen is not None else timezone.now()


def set_now(moment: datetime | None) -> None:
    """Freeze the clock at `moment` (aware), or unfreeze it with None."""
    global _frozen
    if moment is not None and timezone.is_naive(moment):
        raise ValueError("the clock takes aware datetimes only")
    _frozen = moment


def advance(delta: timedelta) -> datetime:
    if _frozen is None:
        raise RuntimeError("advance() needs a frozen clock")
    set_now(_frozen + delta)
    return _frozen


@contextlib.contextmanager
def frozen_at(moment: datetime) -> Iterator[None]:
    previous = _frozen
    set_now(moment)
    try:
        yield
    finally:
        set_now(previous)
