"""Generated `genba plan` instances for the benchmark and the tests: one working day in Japan.

Most sites are in central Tokyo's business districts, some in the wider Kanto region (Yokohama,
Kawasaki, Saitama, Chiba, Tachikawa) and about one in ten in Osaka; engineers live in the residential
wards and suburbs around them, and a few in and around Osaka. Shifts run 08:00-20:00 JST; requests
last 1 to 4 hours inside 09:00-18:00, start on the half hour, mostly need one engineer and sometimes
two or three, and mix the three skill levels and the two working languages. The same seed always
gives the same instance (random.Random, not the global generator).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")

# (lat, lng, weight): business districts where requests happen.
_TOKYO_SITES = [
    (35.681, 139.767, 6),  # Marunouchi / Tokyo station
    (35.687, 139.764, 4),  # Otemachi
    (35.690, 139.700, 6),  # Nishi-Shinjuku
    (35.658, 139.702, 4),  # Shibuya
    (35.628, 139.739, 4),  # Shinagawa
    (35.729, 139.711, 3),  # Ikebukuro
    (35.713, 139.777, 2),  # Ueno
    (35.627, 139.776, 3),  # Odaiba / Ariake data centers
    (35.666, 139.758, 3),  # Shimbashi
    (35.646, 139.747, 2),  # Tamachi
]
_KANTO_SITES = [
    (35.466, 139.622, 3),  # Yokohama
    (35.531, 139.703, 2),  # Kawasaki
    (35.861, 139.645, 2),  # Saitama-Shintoshin
    (35.648, 140.042, 2),  # Makuhari
    (35.698, 139.414, 1),  # Tachikawa
]
_OSAKA_SITES = [
    (34.702, 135.496, 4),  # Umeda
    (34.682, 135.500, 3),  # Hommachi
    (34.666, 135.501, 2),  # Namba
    (34.733, 135.500, 2),  # Shin-Osaka
]
_KANTO_HOMES = [
    (35.646, 139.653, 3),  # Setagaya
    (35.736, 139.652, 2),  # Nerima
    (35.699, 139.636, 2),  # Suginami
    (35.751, 139.709, 2),  # Itabashi
    (35.808, 139.724, 2),  # Kawaguchi
    (35.707, 139.868, 2),  # Edogawa
    (35.694, 139.983, 1),  # Funabashi
    (35.576, 139.660, 2),  # Musashi-Kosugi
    (35.520, 139.630, 1),  # Kohoku, Yokohama
    (35.780, 139.790, 1),  # Adachi
]
_OSAKA_HOMES = [
    (34.759, 135.517, 2),  # Suita
    (34.781, 135.469, 1),  # Toyonaka
    (34.573, 135.483, 1),  # Sakai
    (34.679, 135.601, 1),  # Higashiosaka
]
_REQUEST_SKILLS = (("entry", 50), ("senior", 35), ("specialist", 15))
_ENGINEER_SKILLS = (("entry", 35), ("senior", 45), ("specialist", 20))
_REQUEST_LANGUAGES = ((("ja",), 45), (("en",), 25), (("en", "ja"), 30))
_ENGINEER_LANGUAGES = ((("ja",), 45), (("en", "ja"), 50), (("en",), 5))
_CREW_SIZES = ((1, 85), (2, 13), (3, 2))
_DURATIONS_H = ((1.0, 35), (1.5, 15), (2.0, 25), (3.0, 15), (4.0, 10))


def _pick(rng: random.Random, weighted: Any) -> Any:
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights)[0]


def _place(
    rng: random.Random, places: list[tuple[float, float, int]], spread: float
) -> dict[str, float]:
    lat, lng, _ = rng.choices(places, weights=[w for *_, w in places])[0]
    # About ±1-2 km around the hub (spread in degrees; 0.01° of latitude is 1.1 km).
    return {
        "lat": round(lat + rng.gauss(0, spread), 5),
        "lng": round(lng + rng.gauss(0, spread * 1.2), 5),
    }


def generate_instance(
    n_requests: int, n_engineers: int, seed: int, day: date = date(2026, 12, 7)
) -> dict[str, Any]:
    """A §10 instance document (JSON-ready) with the given counts, reproducible from the seed."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets

    def at(hour: float) -> datetime:
        return datetime.combine(day, time(0), tzinfo=JST) + timedelta(hours=hour)

    n_osaka_engineers = round(n_engineers * 0.12) if n_engineers >= 5 else 0
    engineers = []
    for index in range(n_engineers):
        osaka = index >= n_engineers - n_osaka_engineers
        engineers.append(
            {
                "id": f"e{index + 1:03d}",
                "skill_level": _pick(rng, _ENGINEER_SKILLS),
                "languages": list(_pick(rng, _ENGINEER_LANGUAGES)),
                "home": _place(rng, _OSAKA_HOMES if osaka else _KANTO_HOMES, 0.02),
                "shift": {"start": at(8).isoformat(), "end": at(20).isoformat()},
            }
        )

    requests = []
    for index in range(n_requests):
        region = rng.random()
        if region < 0.10 and n_osaka_engineers:
            site = _place(rng, _OSAKA_SITES, 0.01)
        elif region < 0.30:
            site = _place(rng, _KANTO_SITES, 0.015)
        else:
            site = _place(rng, _TOKYO_SITES, 0.008)
        hours = _pick(rng, _DURATIONS_H)
        # On the half hour, and over by 18:00 (a business-hours visit).
        slots = int((18 - hours - 9) * 2)
        begin = 9 + rng.randint(0, slots) / 2
        requests.append(
            {
                "id": f"r{index + 1:04d}",
                "skill_level": _pick(rng, _REQUEST_SKILLS),
                "languages": list(_pick(rng, _REQUEST_LANGUAGES)),
                "engineers": _pick(rng, _CREW_SIZES),
                "start": at(begin).isoformat(),
                "end": at(begin + hours).isoformat(),
                "site": site,
            }
        )
    return {
        "travel": {"speed_kmh": 30, "fixed_minutes": 15},
        "time_limit_s": 10,
        "engineers": engineers,
        "requests": requests,
    }
