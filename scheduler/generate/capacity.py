"""How many reviews the workforce could do in a term, ignoring everyone else's diaries.

The generator calibrates practitioners against this figure so that capacity is short on purpose
(priorities must matter), and the ``generate`` command reports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from scheduler.calendar import review_days
from scheduler.config import Config
from scheduler.domain import Absence, Authority, Practitioner


def block_minutes(config: Config) -> int:
    """Length of one ordinary review block: meeting plus pre-meeting in the joint model."""
    review = config.review
    return review.meeting_minutes + (review.pre_meeting_minutes if review.model == "joint" else 0)


def days_worked(
    practitioner: Practitioner, days: Sequence[date], absences: Iterable[Absence]
) -> int:
    """Review days on the practitioner's working weekdays when they are not absent."""
    away = [a for a in absences if a.person_id == practitioner.practitioner_id]
    return sum(
        1
        for d in days
        if d.weekday() in practitioner.working_days and not any(a.covers(d) for a in away)
    )


def reviews_per_day(practitioner: Practitioner, block: int) -> int:
    """The daily limit, or as many blocks as fit in the working hours, whichever is fewer."""
    fit = max(0, practitioner.day_end - practitioner.day_start) // block
    return min(practitioner.max_reviews_per_day, fit)


def practitioner_capacity(
    practitioner: Practitioner,
    days: Sequence[date],
    absences: Iterable[Absence],
    block: int,
) -> int:
    """Reviews a practitioner could do over ``days``, ignoring everyone else's diaries."""
    return days_worked(practitioner, days, absences) * reviews_per_day(practitioner, block)


def review_capacity(authority: Authority) -> int:
    """The whole workforce's capacity over the term's review days."""
    days = review_days(authority.config.term)
    block = block_minutes(authority.config)
    return sum(
        practitioner_capacity(p, days, authority.absences, block)
        for p in authority.practitioners.values()
    )
