"""Where things are: a handful of fictional towns in England and points near their centres.

Towns are placed 5–25 km from a neighbour (a plausible district of a county authority), so that
travel between towns costs a real share of a practitioner's day while travel within a town is a
matter of minutes.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from scheduler.generate.names import COMMUNITY_LANGUAGES, TOWN_NAMES
from scheduler.travel import haversine_km

# Inland centres of English counties, far enough from coasts that a 40 km spread stays on land.
REGION_CENTRES: tuple[tuple[float, float], ...] = (
    (52.62, -1.45),  # East Midlands
    (52.45, -2.05),  # West Midlands
    (53.55, -1.35),  # South Yorkshire
    (53.70, -2.45),  # Lancashire
    (51.75, -0.85),  # Buckinghamshire
    (52.20, -0.45),  # Bedfordshire
    (51.30, -0.95),  # Hampshire / Surrey border
    (52.95, -1.75),  # Derbyshire
)

KM_PER_DEGREE_LAT = 111.2
MAX_FROM_CENTRE_KM = 35.0
"""Towns stay within one county-sized area around the region's centre."""


@dataclass(frozen=True, slots=True)
class Town:
    """A town: its centre, its share of the authority's families and its community languages."""

    name: str
    lat: float
    lon: float
    weight: float
    """Relative population; the largest town has 1.0."""
    radius_km: float
    """How far settings spread from the centre (one standard deviation)."""
    languages: tuple[tuple[str, float], ...]
    """Home languages other than English and the share of families speaking each."""


def town_count(children: int) -> int:
    """3 towns for a small authority, up to 8 for a very large one."""
    if children <= 400:
        return 3
    if children <= 2000:
        return 4 + (children > 1000)
    if children <= 8000:
        return 6 + (children > 4000)
    return 8


def offset(lat: float, lon: float, north_km: float, east_km: float) -> tuple[float, float]:
    """The point ``north_km`` north and ``east_km`` east of (lat, lon)."""
    dlat = north_km / KM_PER_DEGREE_LAT
    dlon = east_km / (KM_PER_DEGREE_LAT * math.cos(math.radians(lat)))
    return lat + dlat, lon + dlon


def make_towns(rng: random.Random, count: int) -> list[Town]:
    """``count`` towns, each 5–25 km from an earlier one and at least 5 km from all of them."""
    centre_lat, centre_lon = rng.choice(REGION_CENTRES)
    names = rng.sample(TOWN_NAMES, count)
    points: list[tuple[float, float]] = [(centre_lat, centre_lon)]
    while len(points) < count:
        anchor = rng.choice(points)
        distance = rng.uniform(7.0, 22.0)
        bearing = rng.uniform(0, 2 * math.pi)
        lat, lon = offset(*anchor, distance * math.cos(bearing), distance * math.sin(bearing))
        near_centre = haversine_km(lat, lon, centre_lat, centre_lon) <= MAX_FROM_CENTRE_KM
        if near_centre and all(haversine_km(lat, lon, p[0], p[1]) >= 6.0 for p in points):
            points.append((lat, lon))
    towns = []
    for i, (name, (lat, lon)) in enumerate(zip(names, points, strict=True)):
        weight = 1.0 if i == 0 else rng.uniform(0.25, 0.8)
        languages = _town_languages(rng, weight)
        radius = 1.2 + 1.6 * weight
        towns.append(Town(name, round(lat, 5), round(lon, 5), weight, radius, languages))
    return towns


def _town_languages(rng: random.Random, weight: float) -> tuple[tuple[str, float], ...]:
    """Two to four community languages; larger towns are more diverse."""
    count = 2 + (weight > 0.5) + (weight > 0.9)
    chosen: list[str] = []
    while len(chosen) < count:
        left = [(lang, w) for lang, w in COMMUNITY_LANGUAGES if lang not in chosen]
        chosen += rng.choices([lang for lang, _ in left], [w for _, w in left])
    total_share = rng.uniform(0.12, 0.22) * (0.6 + 0.5 * weight)
    raw = [rng.uniform(0.5, 1.5) for _ in chosen]
    scale = total_share / sum(raw)
    return tuple((lang, r * scale) for lang, r in zip(chosen, raw, strict=True))


def point_near(
    rng: random.Random, town: Town, spread_km: float | None = None
) -> tuple[float, float]:
    """A point scattered around the town centre (Gaussian, clipped at three spreads)."""
    sd = town.radius_km if spread_km is None else spread_km
    north = max(-3 * sd, min(3 * sd, rng.gauss(0.0, sd)))
    east = max(-3 * sd, min(3 * sd, rng.gauss(0.0, sd)))
    lat, lon = offset(town.lat, town.lon, north, east)
    return round(lat, 5), round(lon, 5)
