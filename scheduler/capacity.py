"""Who is over-committed: one definition, read from the plan's summary, with the reason.

A practitioner is **over-committed** when the reviews their linked settings need this term
(the link stage's load: every due child's meeting and pre-meeting, and the journeys to the
settings) take more hours than they have (their review days × the hours a day allows). That is
the figure links are chosen against and what leaves children unbooked; the hours actually
booked can never exceed the time available, so "booked share" is shown beside it, never as a
second meaning of over-committed. Every page and file that says "over-committed" reads it from
:func:`practitioner_loads`.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler.domain import Authority
from scheduler.summary import PlanSummary, PractitionerUse
from scheduler.wording import hours


@dataclass(frozen=True, slots=True)
class PractitionerLoad:
    """One practitioner's term: time needed by their linked settings, time available, booked."""

    practitioner_id: str
    reviews: int
    needed_minutes: int
    """What their linked settings' due children need (the link stage's load)."""
    available_minutes: int
    booked_minutes: int

    @property
    def over_minutes(self) -> int:
        """Minutes needed beyond those available (0 when not over-committed)."""
        return max(0, self.needed_minutes - self.available_minutes)

    @property
    def overcommitted(self) -> bool:
        return self.needed_minutes > self.available_minutes

    @property
    def needed_share(self) -> float:
        """Time needed as a share of time available (above 1: over-committed)."""
        if self.available_minutes:
            return self.needed_minutes / self.available_minutes
        return 0.0 if self.needed_minutes == 0 else float("inf")

    @property
    def booked_share(self) -> float:
        return self.booked_minutes / self.available_minutes if self.available_minutes else 0.0

    @property
    def reason(self) -> str:
        """Why they are (or are not) over-committed, in a sentence."""
        needed, available = hours(self.needed_minutes), hours(self.available_minutes)
        if self.overcommitted:
            return (
                f"Their linked settings need {needed} of reviews and journeys; they have "
                f"{available} this term: {hours(self.over_minutes)} short."
            )
        return f"Their linked settings need {needed}; they have {available} this term."


def practitioner_loads(authority: Authority, summary: PlanSummary) -> list[PractitionerLoad]:
    """Every practitioner's load from ``summary``, most committed first (then by id). A
    practitioner the summary does not list (added to the data since) has no load."""
    figures = summary.practitioners or {}
    none = PractitionerUse(0, 0, 0, 0, 0.0)
    rows = []
    for pid in authority.practitioners:
        f = figures.get(pid, none)
        rows.append(
            PractitionerLoad(
                practitioner_id=pid,
                reviews=f.reviews,
                needed_minutes=f.link_load_minutes,
                available_minutes=f.capacity_minutes,
                booked_minutes=f.review_minutes,
            )
        )
    rows.sort(key=lambda r: (-r.needed_share, r.practitioner_id))
    return rows
