"""The objective's terms in one place: how much seeing a child, on a given day, is worth.

All terms are in *points*: seeing one ordinary child is worth 1 point. Weights come from
``[priorities]`` so a service lead's slider moves exactly one term. ``docs/model.md`` states
the same formulas in words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scheduler.calendar import ChildWindow
from scheduler.config import Priorities, TermConfig
from scheduler.domain import Child

# Scale of integer objective coefficients in CP-SAT: 1 point = SCALE units.
SCALE = 1000

# Secondary terms, in points, multiplied by their ``[priorities]`` weight.
VISIT_POINTS = 0.05
"""Cost of one visit to a setting (batching reviews into fewer visits saves it)."""
KM_POINTS = 0.01
"""Cost of one kilometre of travel."""
WEEK_PEAK_POINTS = 0.02
"""Cost per review in a practitioner's busiest week (spreads work across the term)."""
CONTINUITY_POINTS = 0.5
"""Cost of giving a setting a different link practitioner from its existing one."""
LANGUAGE_POINTS = 0.2
"""Cost per child whose home language the link practitioner does not speak."""
TEAM_POINTS = 0.1
"""Cost of linking a setting to a practitioner from another locality team."""
UTILISATION_POINTS = 0.05
"""Cost per percentage point of the most loaded practitioner's utilisation (links)."""


OVERDUE_URGENCY = 3.0
"""Overdue children come first: with the default weights an overdue child (7 points) outranks
any child still in window (at most 6) unless SEND or concerns add to theirs."""


def urgency(window: ChildWindow, term: TermConfig) -> float:
    """3 for an overdue child; otherwise 1 for a window closing as the term starts, falling to
    0 for a window closing a term or more later (they can still be seen next term)."""
    if window.overdue:
        return OVERDUE_URGENCY
    term_days = (term.end - term.start).days + 1
    remaining = (window.in_window_end - term.start).days
    return min(1.0, max(0.0, 1.0 - remaining / (2 * term_days)))


def child_priority(child: Child, window: ChildWindow, term: TermConfig, w: Priorities) -> float:
    """Points for seeing the child at all: 1 + funded + urgency + SEND + prior concerns."""
    return (
        1.0
        + w.funded_two * child.funded_two
        + w.urgency * urgency(window, term)
        + w.send * (child.send + child.prior_concerns)
    )


def earliness(window: ChildWindow, day: date, first: date, last: date) -> float:
    """How well a day suits the child, 0..1: half for being in window, half for being early in
    the span of the child's possible days (``first``..``last``)."""
    in_window = 1.0 if day <= window.in_window_end else 0.0
    span = (last - first).days
    early = 1.0 - (day - first).days / span if span > 0 else 1.0
    return 0.5 * in_window + 0.5 * early


@dataclass(frozen=True, slots=True)
class ChildValue:
    """A child's worth in the objective, with the parts a service lead sees."""

    child_id: str
    priority: float
    urgency: float


def day_points(
    priority: float, window: ChildWindow, day: date, first: date, last: date, w: Priorities
) -> float:
    """Points for seeing the child on ``day``: its priority plus the in-window/earlier bonus."""
    return priority + w.earlier_in_window * earliness(window, day, first, last)
