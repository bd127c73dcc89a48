"""The travel model of rulebook §10: great-circle distance over a speed, plus a fixed overhead,
rounded up to a whole minute. Pure Python: the optimizer and the booking checks share it."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0  # the mean radius; the model's error is in the speed, not here
DEFAULT_SPEED_KMH = 30
DEFAULT_FIXED_MINUTES = 15

Point = tuple[float, float]  # (latitude, longitude) in degrees; not money, so float is fine


def great_circle_km(a: Point, b: Point) -> float:
    lat1, lng1, lat2, lng2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def travel_minutes(
    a: Point,
    b: Point,
    *,
    speed_kmh: float = DEFAULT_SPEED_KMH,
    fixed_minutes: int = DEFAULT_FIXED_MINUTES,
) -> int:
    """Whole minutes from a to b: distance / speed × 60 + fixed, rounded up. The fixed overhead
    applies even between two visits in one building (getting out, through security, in again)."""
    return math.ceil(great_circle_km(a, b) / speed_kmh * 60 + fixed_minutes - 1e-9)
