"""Need and risk: deprivation deciles, funded places, looked-after children, child protection
and child in need plans, and earlier reviews a child was not brought to.

The shares and gradients are set from public figures for England (``data/README.md`` cites them):

* deprivation is drawn per neighbourhood: each town has its own profile, children's centres and
  maintained nursery schools sit in poorer areas (Sure Start was aimed at the most deprived
  fifth), and a child usually lives in the same kind of area as their setting;
* funded two-year-old places go to the ~40% most disadvantaged, so the chance of a place falls
  steeply with the decile (about 7 to 1 between the most and least deprived);
* looked-after children, child protection plans and child in need plans follow the Child Welfare
  Inequalities Project's gradient: each step towards the most deprived decile raises a child's
  chance by about a third (over ten times between the two ends). The three statuses are
  exclusive, as the statutory hierarchy has it (looked after, else on a protection plan, else on
  a child in need plan).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from scheduler.domain import SettingType
from scheduler.generate.early_years import GeneratedSetting
from scheduler.generate.places import Town

DECILES = tuple(range(1, 11))

FUNDED_GRADIENT = 0.80
"""The chance of a funded place, relative, for each step away from the most deprived decile."""
FUNDED_CAP = 0.9
"""No decile has every child eligible (eligibility is by family income, not by area)."""

LOOKED_AFTER_SHARE = 0.005
CHILD_PROTECTION_SHARE = 0.005
CHILD_IN_NEED_SHARE = 0.023
"""On a child in need plan but neither looked after nor on a protection plan."""
WELFARE_GRADIENT = 1.3
"""Each step towards the most deprived decile raises the chance of care or a plan by a third."""

PRIOR_CONCERNS_IF: dict[str, float] = {
    "child_protection": 1.0,
    "child_in_need": 0.6,
    "looked_after": 0.5,
}
"""Chance that a child with a status also has prior concerns recorded for the review."""

NOT_BROUGHT_NEW = 0.05
"""Chance of one earlier review not brought to (e.g. the one-year review) before any booking."""
NOT_BROUGHT_BOOKED = 0.10
"""The same for a child past 24 months at the term's start, booked in an earlier term."""
NOT_BROUGHT_AGAIN = 0.15
"""Chance that a child not brought once was not brought again (and again, and so on)."""

_TYPE_SHIFT: dict[SettingType, float] = {
    "children_centre": -2.5,
    "maintained": -1.2,
    "pvi": 0.6,
    "childminder": 0.0,
}
"""How much poorer (negative) or richer than its town a setting's neighbourhood tends to be."""


def town_profiles(rng: random.Random, towns: Sequence[Town]) -> list[float]:
    """The mean decile of each town's neighbourhoods: some towns poorer, some richer."""
    return [5.5 + rng.uniform(-2.0, 1.5) for _ in towns]


def setting_deciles(
    rng: random.Random, settings: Sequence[GeneratedSetting], profiles: Sequence[float]
) -> list[float]:
    """The neighbourhood (a real number on the decile scale) each setting draws children from."""
    out = []
    for gs in settings:
        mean = profiles[gs.town] + _TYPE_SHIFT[gs.setting.type]
        out.append(min(10.49, max(0.5, rng.gauss(mean, 2.2))))
    return out


def child_decile(rng: random.Random, area: float) -> int:
    """A child's home decile: near their setting's (or town's) neighbourhood."""
    return min(10, max(1, round(rng.gauss(area, 1.2))))


def funded_chances(deciles: Sequence[int], share: float) -> dict[int, float]:
    """The chance of a funded place by decile, so that ``share`` of these children hold one."""
    weights = {d: FUNDED_GRADIENT ** (d - 1) for d in DECILES}
    mean = sum(weights[d] for d in deciles) / max(1, len(deciles))
    return {d: min(FUNDED_CAP, share * w / mean) for d, w in weights.items()} if mean else {}


Status = Literal["", "looked_after", "child_protection", "child_in_need"]


@dataclass(frozen=True, slots=True)
class Need:
    """One child's welfare status (at most one), whether it brings prior concerns, and the
    earlier reviews they were not brought to."""

    status: Status
    concerns: bool
    not_brought_before: int


class NeedDraws:
    """Draws each child's :class:`Need` from its own stream, normalised over the authority's
    deciles so that the national shares hold whatever the authority's deprivation."""

    def __init__(self, rng: random.Random, deciles: Sequence[int]) -> None:
        self.rng = rng
        weights = [WELFARE_GRADIENT ** (10 - d) for d in deciles]
        self.mean = sum(weights) / max(1, len(weights))

    def draw(self, decile: int, booked_before: bool) -> Need:
        """``booked_before``: the child was past 24 months when the term started, so may have
        been booked (and not brought) in an earlier term."""
        rng = self.rng
        scale = WELFARE_GRADIENT ** (10 - decile) / self.mean
        r = rng.random()
        status: Status = ""
        if r < LOOKED_AFTER_SHARE * scale:
            status = "looked_after"
        elif r < (LOOKED_AFTER_SHARE + CHILD_PROTECTION_SHARE) * scale:
            status = "child_protection"
        elif r < (LOOKED_AFTER_SHARE + CHILD_PROTECTION_SHARE + CHILD_IN_NEED_SHARE) * scale:
            status = "child_in_need"
        concerns = bool(status) and rng.random() < PRIOR_CONCERNS_IF[status]
        return Need(status, concerns, self._not_brought(decile, booked_before, status))

    def _not_brought(self, decile: int, booked_before: bool, status: Status) -> int:
        """Mostly none, some one, a few two or more; more often in deprived areas and in
        families with a social worker."""
        chance = NOT_BROUGHT_BOOKED if booked_before else NOT_BROUGHT_NEW
        chance *= 1.1 ** (5.5 - decile)
        if status:
            chance *= 2.0
        count = 0
        while self.rng.random() < (chance if count == 0 else NOT_BROUGHT_AGAIN):
            count += 1
        return count
