"""Distances and travel minutes between places, exactly as the contract defines them."""

from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def travel_minutes(km: float, speed_kmh: float, detour_factor: float) -> int:
    """Whole minutes of travel: ``ceil(km * detour / speed * 60)``."""
    return math.ceil(km * detour_factor / speed_kmh * 60)
