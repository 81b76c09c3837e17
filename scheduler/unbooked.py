"""A setting's own children who have no review booked, and why, in words a setting can use.

The plan already says, for every due child it could not book, a reason code and a sentence for
the coordinator (:mod:`scheduler.explain`). A setting needs the same list cut to its own
children, ordered by who must be seen soonest, with the reason said to them rather than to a
planner, and the date the child should be seen by (the 30-month date, the end of the target
window and the date the national metric counts). Nothing of another setting's children is
ever in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from scheduler.calendar import add_months
from scheduler.domain import Authority
from scheduler.export.letters import NameStyle, child_label
from scheduler.plan import Plan, ReasonCode

REASON_WORDS: dict[ReasonCode, str] = {
    ReasonCode.NO_LINK_PRACTITIONER: (
        "No health practitioner is linked to your setting this term, so nobody could be booked."
    ),
    ReasonCode.NO_COMMON_DAY: (
        "There is no day this term when everyone needed is free (the health practitioner, "
        "the key person, the family, and your setting open)."
    ),
    ReasonCode.CAPACITY: (
        "There were possible days, but the health team's time went to children who had to "
        "be seen sooner."
    ),
    ReasonCode.INFEASIBLE_DATA: "The records as they stand make a review impossible this term.",
    ReasonCode.DECLINED: "The family said no to the review.",
    ReasonCode.FOLLOW_UP: (
        "Not brought to two booked reviews: the health practitioner will contact the family "
        "rather than book again."
    ),
}
"""What each reason code means, said to the setting."""


@dataclass(frozen=True, slots=True)
class UnbookedChild:
    """One of the setting's children with no review booked in the plan."""

    child_id: str
    child: str
    """As the dashboard names children: initials and id (or as ``style`` asks)."""
    see_by: date | None
    """The 30-month date (``None`` if the child is no longer in the data)."""
    past_see_by: bool
    """The 30-month date was before the term started: the review is already late."""
    reason_code: ReasonCode
    reason: str
    """The reason in words for the setting."""
    detail: str
    """The plan's own sentence about this child (what the coordinator reads)."""


def unbooked_children(
    authority: Authority, plan: Plan, setting_id: str, *, style: NameStyle = "initials"
) -> list[UnbookedChild]:
    """``setting_id``'s children the plan did not book, soonest see-by date first.

    Only rows of ``plan.unscheduled`` for this setting, whose child (if still in the data)
    belongs to this setting: a child who moved setting is not shown to the old one.
    """
    config = authority.config
    hi = config.review.window_months[1]
    out: list[UnbookedChild] = []
    for row in plan.unscheduled:
        if row.setting_id != setting_id:
            continue
        child = authority.children.get(row.child_id)
        if child is not None and child.setting_id != setting_id:
            continue
        see_by = add_months(child.date_of_birth, hi) if child is not None else None
        out.append(
            UnbookedChild(
                child_id=row.child_id,
                child=child_label(row.child_id, child.name if child else None, style),
                see_by=see_by,
                past_see_by=see_by is not None and see_by < config.term.start,
                reason_code=row.reason_code,
                reason=REASON_WORDS.get(row.reason_code, row.reason_code.value),
                detail=" ".join(row.reason.split()),
            )
        )
    out.sort(key=lambda u: (u.see_by or date.max, u.child_id))
    return out
