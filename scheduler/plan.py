"""The plan: what the scheduler hands back (links, appointments, unscheduled children, KPIs).

These records mirror the contract's output files column for column; :mod:`scheduler.io.plan_files`
writes and reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

from scheduler.config import ReviewModel
from scheduler.summary import PlanSummary

Location = Literal["setting", "clinic", "home"]
LOCATION_OF_MODEL: dict[ReviewModel, Location] = {
    "joint": "setting",
    "separate": "clinic",
    "home": "home",
}
"""Where each review model meets (``appointments.csv``'s ``location``)."""


class ReasonCode(StrEnum):
    """Why a due child has no appointment (the contract's codes)."""

    NO_LINK_PRACTITIONER = "NO_LINK_PRACTITIONER"
    NO_COMMON_DAY = "NO_COMMON_DAY"
    CAPACITY = "CAPACITY"
    INFEASIBLE_DATA = "INFEASIBLE_DATA"
    DECLINED = "DECLINED"
    """The parent declined the review (an outcome): not booked again."""
    FOLLOW_UP = "FOLLOW_UP"
    """Not brought twice: the named practitioner contacts the family (not booked again)."""


@dataclass(frozen=True, slots=True)
class Link:
    """A setting's named link health practitioner for the term."""

    setting_id: str
    practitioner_id: str
    children_due: int
    workload_minutes: int
    distance_km: float
    kept_existing_link: bool
    explanation: str = ""
    reason: str = ""
    """Why the link is kept, new or changed (``links.csv``'s ``reason``)."""


@dataclass(frozen=True, slots=True)
class Appointment:
    """One scheduled review. Times are minutes since midnight, local time (Europe/London)."""

    child_id: str
    setting_id: str | None
    """``None`` for a child in no setting."""
    practitioner_id: str
    key_person_id: str | None
    """``None`` for a child in no setting."""
    date: date
    pre_meeting_start: int | None
    start: int
    end: int
    location: Location
    age_months: float
    in_window: bool
    model: ReviewModel = "joint"

    @property
    def block_start(self) -> int:
        """When the practitioner's time starts (the pre-meeting in the joint model)."""
        return self.pre_meeting_start if self.pre_meeting_start is not None else self.start


@dataclass(frozen=True, slots=True)
class Unscheduled:
    """A due child the plan could not fit, and a sentence a coordinator can act on."""

    child_id: str
    setting_id: str | None
    reason_code: ReasonCode
    reason: str


@dataclass(frozen=True, slots=True)
class Pin:
    """Something a coordinator fixed by hand: a link, or a child's appointment slot."""

    kind: Literal["link", "appointment"]
    setting_id: str | None = None
    practitioner_id: str | None = None
    child_id: str | None = None
    date: date | None = None
    start: int | None = None
    source: str = field(default="pins", compare=False)
    """Where the pin came from (a file's name), for error messages."""
    line: int = field(default=0, compare=False)
    """Its line in ``source``; 0 when it has none (the dashboard's pins)."""


@dataclass(frozen=True)
class Plan:
    """A complete termly rota; ``summary`` holds the contract's KPIs and solver figures.

    Frozen: a change (a booking, a setting's share) is a new plan (``dataclasses.replace``)."""

    links: list[Link]
    appointments: list[Appointment]
    unscheduled: list[Unscheduled]
    summary: PlanSummary = field(default_factory=PlanSummary)
    created_at: datetime | None = None
    sequences: dict[str, int] = field(default_factory=dict)
    """Calendar ``SEQUENCE`` per event UID, carried from plan to plan so updates supersede."""
    pins: list[Pin] = field(default_factory=list)
    """The pins the plan was made with (``pins.csv`` in the plan folder)."""
