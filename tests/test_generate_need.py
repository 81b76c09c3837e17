"""Need and risk in a synthetic authority (scheduler/generate/need.py): deciles on the
scale, funded places skewed to the most deprived while keeping the asked-for share."""

from __future__ import annotations

import random

import pytest

from scheduler.generate.need import DECILES, FUNDED_CAP, child_decile, funded_chances


def test_a_childs_decile_is_always_one_to_ten() -> None:
    """Drawn near the area's, clipped to the scale."""
    rng = random.Random(0)
    draws = [child_decile(rng, area) for area in (0.5, 5.5, 10.49) for _ in range(200)]
    assert set(draws) <= set(DECILES) and {1, 10} <= set(draws)


def test_funded_chances_fall_with_the_decile_and_keep_the_share() -> None:
    """The most deprived decile has the best chance; on average ``share`` hold a place."""
    deciles = [d for d in DECILES for _ in range(30)]
    chances = funded_chances(deciles, 0.4)
    assert [chances[d] for d in DECILES] == sorted(chances.values(), reverse=True)
    assert sum(chances[d] for d in deciles) / len(deciles) == pytest.approx(0.4)
    assert max(chances.values()) <= FUNDED_CAP
    assert funded_chances([], 0.4) == {}  # no children: nothing to share out
