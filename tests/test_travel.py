"""Distances and travel minutes (scheduler/travel.py), exactly as the contract defines them:
``ceil(haversine_km × detour_factor / speed_kmh × 60)``."""

from __future__ import annotations

import math

import pytest

from scheduler.travel import EARTH_RADIUS_KM, haversine_km, travel_minutes


def test_haversine_of_one_degree_of_latitude() -> None:
    """One degree along a meridian is 2πR/360 km; the same point is 0 km."""
    assert haversine_km(51.0, -0.1, 52.0, -0.1) == pytest.approx(
        2 * math.pi * EARTH_RADIUS_KM / 360
    )
    assert haversine_km(51.5, -0.1, 51.5, -0.1) == 0.0


def test_haversine_is_symmetric_and_shrinks_with_latitude_along_a_parallel() -> None:
    """A degree of longitude is shorter in London than at the equator; order does not matter."""
    london = haversine_km(51.5, 0.0, 51.5, 1.0)
    assert london == pytest.approx(haversine_km(51.5, 1.0, 51.5, 0.0))
    assert london < haversine_km(0.0, 0.0, 0.0, 1.0)
    assert haversine_km(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * EARTH_RADIUS_KM)


@pytest.mark.parametrize(
    ("km", "minutes"),
    [
        (0.0, 0),  # no distance, no journey
        (10.0, 39),  # 10 × 1.3 / 20 × 60 = 39.0 exactly: not rounded up
        (10.01, 40),  # a little more: the next whole minute
        (0.1, 1),  # any journey takes at least a minute
    ],
)
def test_travel_minutes_round_up_to_whole_minutes(km: float, minutes: int) -> None:
    """Whole minutes, rounded up, at 20 km/h with a 1.3 detour."""
    assert travel_minutes(km, 20.0, 1.3) == minutes
