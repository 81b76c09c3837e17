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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scheduler.domain import Authority
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


def practitioner_loads(authority: Authority, summary: Mapping[str, Any]) -> list[PractitionerLoad]:
    """Every practitioner's load from ``summary``, most committed first (then by id)."""
    figures: Mapping[str, Mapping[str, Any]] = summary.get("practitioners") or {}
    rows = []
    for pid in authority.practitioners:
        f = figures.get(pid, {})
        rows.append(
            PractitionerLoad(
                practitioner_id=pid,
                reviews=int(f.get("reviews", 0)),
                needed_minutes=int(f.get("link_load_minutes", 0)),
                available_minutes=int(f.get("capacity_minutes", 0)),
                booked_minutes=int(f.get("review_minutes", 0)),
            )
        )
    rows.sort(key=lambda r: (-r.needed_share, r.practitioner_id))
    return rows
