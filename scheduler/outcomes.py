"""What the term's outcomes mean for each child (contract v2): reviewed, declined, to follow up.

The one place ``outcomes.csv`` is interpreted; the planner, the explanations and the reports
read it here. (The independent checker re-derives the same rules on its own.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from scheduler.domain import Child, Outcome

FOLLOW_UP_AFTER = 2
"""Times not brought (outcomes plus ``was_not_brought_before``) that stop automatic booking."""

DID_NOT_HAPPEN = frozenset(
    {"was_not_brought", "cancelled_by_parent", "cancelled_by_service", "declined"}
)


class Standing(StrEnum):
    """Where a child stands after the recorded outcomes."""

    OPEN = "open"
    """To be booked (again, if an earlier review did not happen)."""
    REVIEWED = "reviewed"
    DECLINED = "declined"
    FOLLOW_UP = "follow_up"


@dataclass(frozen=True, slots=True)
class History:
    """One child's recorded outcomes, summed up."""

    reviewed_on: date | None
    """``reviewed_on`` from the data, or the earliest attended outcome, whichever is earlier."""
    declined_on: date | None
    not_brought: int
    """``was_not_brought`` outcomes plus ``was_not_brought_before``."""
    did_not_happen: frozenset[date]
    """Booked dates whose review did not happen (not brought, cancelled, declined)."""
    attended: frozenset[date]
    missed: int = 0
    """Booked reviews that did not happen and were not declined (not brought or cancelled,
    outcomes plus ``was_not_brought_before``): each raises the child's priority to rebook."""

    @property
    def standing(self) -> Standing:
        if self.reviewed_on is not None:
            return Standing.REVIEWED
        if self.declined_on is not None:
            return Standing.DECLINED
        if self.not_brought >= FOLLOW_UP_AFTER:
            return Standing.FOLLOW_UP
        return Standing.OPEN


def histories(children: Iterable[Child], outcomes: Iterable[Outcome]) -> dict[str, History]:
    """Every child's history, by id (children without outcomes too)."""
    by_child: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_child[outcome.child_id].append(outcome)
    return {c.child_id: history(c, by_child.get(c.child_id, ())) for c in children}


def history(child: Child, outcomes: Iterable[Outcome]) -> History:
    """One child's history from their outcomes."""
    items = list(outcomes)
    attended = frozenset(o.date for o in items if o.outcome == "attended")
    reviewed = [d for d in (child.reviewed_on, min(attended, default=None)) if d is not None]
    declined = [o.date for o in items if o.outcome == "declined"]
    return History(
        reviewed_on=min(reviewed, default=None),
        declined_on=min(declined, default=None),
        not_brought=child.was_not_brought_before
        + sum(1 for o in items if o.outcome == "was_not_brought"),
        did_not_happen=frozenset(o.date for o in items if o.outcome in DID_NOT_HAPPEN),
        attended=attended,
        missed=child.was_not_brought_before
        + sum(1 for o in items if o.outcome in DID_NOT_HAPPEN and o.outcome != "declined"),
    )


def reviewed_on(child: Child, histories_by_id: Mapping[str, History]) -> date | None:
    """The child's review date counting attended outcomes (as ``reviewed_on``)."""
    found = histories_by_id.get(child.child_id)
    return found.reviewed_on if found is not None else child.reviewed_on
