"""The travel model of rulebook §10 for the server's checks (bookings, availability): the same
function the optimizer uses (`genba.dispatch.planning.instance.travel_minutes`), on (lat, lng)
pairs. Pure Python."""

from __future__ import annotations

from genba.dispatch.planning.instance import Point as _Point
from genba.dispatch.planning.instance import Travel as _Travel
from genba.dispatch.planning.instance import travel_minutes as _travel_minutes

DEFAULT_SPEED_KMH = 30
DEFAULT_FIXED_MINUTES = 15

Point = tuple[float, float]  # (latitude, longitude) in degrees; not money, so float is fine

_DEFAULT = _Travel(DEFAULT_SPEED_KMH, DEFAULT_FIXED_MINUTES)


def travel_minutes(
    a: Point,
    b: Point,
    *,
    speed_kmh: float = DEFAULT_SPEED_KMH,
    fixed_minutes: int = DEFAULT_FIXED_MINUTES,
) -> int:
    """Whole minutes from a to b: great-circle distance / speed × 60 + fixed, rounded up. The fixed
    overhead applies even between two visits in one building (out, through security, in again)."""
    travel = (
        _DEFAULT
        if (speed_kmh, fixed_minutes) == (DEFAULT_SPEED_KMH, DEFAULT_FIXED_MINUTES)
        else _Travel(speed_kmh, fixed_minutes)
    )
    return _travel_minutes(_Point(a[0], a[1]), _Point(b[0], b[1]), travel)
