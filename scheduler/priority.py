"""The objective's terms in one place: how much seeing a child, on a given day, is worth.

All terms are in *points*: seeing one ordinary child is worth 1 point. Weights come from
``[priorities]`` so a service lead's slider moves exactly one term. Both stages read these
(the links weigh children the way the rota will), and ``docs/model.md`` states the same
formulas in words.
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
CONTINUITY_POINTS = 6.0
"""Cost of giving a setting a different link practitioner from its existing one: the worth of
a couple of children, because the relationship is what makes the joint model work and takes
terms to build; a link changes only for a real gain (children the old link could never see,
an over-committed practitioner). Measured on generated medium authorities, seeds 1-3, 20 s
plans: at 3.0, 9.8/13.1/20.8% of existing links changed, at 6.0 3.6/7.6/10.6% (the last
where capacity is tightest), with children seen 1-4 fewer (under 0.4%)."""
LANGUAGE_POINTS = 0.2
"""Cost per child whose home language the link practitioner does not speak."""
TEAM_POINTS = 0.1
"""Cost of linking a setting to a practitioner from another locality team."""
UTILISATION_POINTS = 0.05
"""Cost per percentage point of the most loaded practitioner's utilisation (links)."""


NO_SUMMARY_DAY_POINTS = 0.75
"""Cost of a clinic or home review on a day for which the key person has no working day early
enough to prepare the progress summary (:mod:`scheduler.deadlines`). Soft, not forbidden: the
contract only asks for the summary before the appointment, so a plan that needs such a day is
still valid (and bounded); but a later day with a proper deadline is worth more, and seeing
the child at all is worth more than either."""

OVERDUE_URGENCY = 1.25
"""An overdue child (already past 30 months) is a little more urgent than one about to pass
30 months, but not so much that the overdue child outranks a funded child about to pass 30
months: that child can still count towards the national metric (reviewed by 2½) and the
overdue one no longer can (default weights: overdue, not funded 3.5 points; funded, about to
pass 30 months 6 points; docs/model.md gives the reasoning)."""


def urgency(window: ChildWindow, term: TermConfig) -> float:
    """1.25 for an overdue child; otherwise 1 for a window closing as the term starts, falling
    to 0 for a window closing a term or more later (they can still be seen next term)."""
    if window.overdue:
        return OVERDUE_URGENCY
    term_days = (term.end - term.start).days + 1
    remaining = (window.in_window_end - term.start).days
    return min(1.0, max(0.0, 1.0 - remaining / (2 * term_days)))


def deprivation(child: Child) -> float:
    """1 for the most deprived decile, falling evenly to 0 for the least (or unknown)."""
    if child.imd_decile is None:
        return 0.0
    return (10 - child.imd_decile) / 9


def need(child: Child, w: Priorities, missed: int | None = None) -> float:
    """Points for need and risk (contract v2): looked after, protection plan, child in need,
    deprivation, and each earlier booked review that did not happen (``missed``: not brought
    or cancelled, this term's outcomes included; default ``was_not_brought_before``)."""
    return (
        w.looked_after * child.looked_after
        + w.child_protection * child.child_protection
        + w.child_in_need * child.child_in_need
        + w.deprivation * deprivation(child)
        + w.was_not_brought * (child.was_not_brought_before if missed is None else missed)
    )


def child_priority(
    child: Child,
    window: ChildWindow,
    term: TermConfig,
    w: Priorities,
    missed: int | None = None,
) -> float:
    """Points for seeing the child at all: 1 + funded + urgency + SEND + prior concerns +
    need and risk (a child to book again after a missed review is raised, contract v2)."""
    return (
        1.0
        + w.funded_two * child.funded_two
        + w.urgency * urgency(window, term)
        + w.send * (child.send + child.prior_concerns)
        + need(child, w, missed)
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
    priority: float,
    window: ChildWindow,
    day: date,
    first: date,
    last: date,
    w: Priorities,
    own_model: bool = True,
) -> float:
    """Points for seeing the child on ``day``: its priority plus the in-window/earlier bonus,
    plus the preference for the child's own kind of review over a fallback one."""
    return (
        priority
        + w.earlier_in_window * earliness(window, day, first, last)
        + w.own_model * own_model
    )
