"""Where things are in a synthetic authority (scheduler/generate/places.py): towns 5–25 km from
a neighbour, points scattered near their centres."""

from __future__ import annotations

import random

import pytest

from scheduler.generate.places import MAX_FROM_CENTRE_KM, make_towns, offset, point_near, town_count
from scheduler.travel import haversine_km


def test_larger_authorities_have_more_towns() -> None:
    """3 towns for a small authority, growing to 8."""
    assert [town_count(n) for n in (300, 1500, 3000, 6000, 20000)] == [3, 5, 6, 7, 8]


def test_offset_moves_by_the_kilometres_asked() -> None:
    """10 km north and 10 km east are 10 km away (to within a percent)."""
    lat, lon = 52.0, -1.0
    assert haversine_km(lat, lon, *offset(lat, lon, 10, 0)) == pytest.approx(10, rel=0.01)
    assert haversine_km(lat, lon, *offset(lat, lon, 0, 10)) == pytest.approx(10, rel=0.01)


@pytest.mark.parametrize("seed", range(5))
def test_each_town_is_near_an_earlier_one_and_apart_from_all(seed: int) -> None:
    """Every town after the first is 5–25 km from some earlier town and ≥ 5 km from all."""
    towns = make_towns(random.Random(seed), 6)
    assert len({t.name for t in towns}) == 6 and max(t.weight for t in towns) == 1.0
    for i, town in enumerate(towns[1:], start=1):
        distances = [haversine_km(town.lat, town.lon, t.lat, t.lon) for t in towns[:i]]
        assert min(distances) >= 5 - 1e-6
        assert any(5 - 1e-6 <= d <= 25 + 1e-6 for d in distances)


def test_points_stay_within_three_spreads_of_the_centre() -> None:
    """Gaussian scatter, clipped: never further than 3 × spread in either direction."""
    (town,) = make_towns(random.Random(1), 1)
    rng = random.Random(2)
    for _ in range(200):
        lat, lon = point_near(rng, town, spread_km=2.0)
        assert haversine_km(town.lat, town.lon, lat, lon) <= 3 * 2.0 * 2**0.5 + 0.1
    assert MAX_FROM_CENTRE_KM > 0
