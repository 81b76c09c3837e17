"""When the key person's progress summary is due: the one place that rule lives.

In a separate (clinic) or home review the key person is not in the room, so the EYFS progress
summary rides with the parent and must be ready before the appointment; in a joint review the
key person brings it to the meeting. Either way the deadline must be a day the key person can
actually do it. :func:`summary_due_date` is the *latest* day that is

* a **review day** of the term (in term, not in an excluded range, not a bank holiday);
* a day the **key person works** (their ``working_days``) and the **setting is open** (an open
  day, not a closure of that setting or of every setting);
* not in an **absence** of the key person;
* **early enough**: at least ``lead_working_days`` working days (Monday–Friday, not bank
  holidays) before the appointment, so the family has time to collect the summary
  (:data:`SUMMARY_LEAD_WORKING_DAYS`; a joint review needs only
  :data:`PREPARATION_LEAD_WORKING_DAYS`);
* for a child who starts at the setting later, **on or after** ``starts_on``: a summary cannot
  be due before the child is there. (No stricter lower bound: the review date itself already
  keeps to the age window and to ``starts_on + settle_days``, and demanding the summary after
  those too would push reviews back for the funded children who start late, for little gain:
  on the sample, a 24-month bound alone would have refused 409 of 1,272 clinic reviews.)

``None`` when no such day exists: the planner (which calls this too) then does not book a
separate or home review on that date, and the calendars say so plainly instead of inventing a
deadline. The latest such day is chosen because it leaves the key person the most time to
observe the child while still reaching the family in time.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from datetime import date, timedelta

from scheduler.calendar import bank_holidays, review_days
from scheduler.config import Nation
from scheduler.domain import ALL_SETTINGS, Absence, Authority, Child

SUMMARY_LEAD_WORKING_DAYS = 2
"""Separate and home reviews: the summary is due at least this many working days before the
appointment, so the family can collect it from the setting (Thursday for a Monday review)."""

PREPARATION_LEAD_WORKING_DAYS = 1
"""Joint reviews: the key person brings the summary to the meeting; it is due by the working day
before, so the pre-meeting can use it."""


def working_days_before(day: date, count: int, nation: Nation) -> date:
    """The date ``count`` working days (Mon–Fri, not bank holidays) before ``day``."""
    closed = bank_holidays(nation, (day.year - 1, day.year))
    current = day
    remaining = count
    while remaining > 0:
        current -= timedelta(days=1)
        if current.weekday() < 5 and current not in closed:
            remaining -= 1
    return current


def summary_needed(child: Child) -> bool:
    """A progress summary exists only for a child with a key person (a child in a setting)."""
    return child.key_person_id is not None and child.setting_id is not None


class SummaryDeadlines:
    """:func:`summary_due_date` for many reviews of one authority (the planner asks thousands).

    The days each key person could finish the summary are worked out once per key person; a
    question is then a binary search. Build a new one for other data: it keeps no link to later
    changes.
    """

    def __init__(self, authority: Authority) -> None:
        self._authority = authority
        self._days = review_days(authority.config.term)
        absences: dict[str, list[Absence]] = defaultdict(list)
        for absence in authority.absences:
            absences[absence.person_id].append(absence)
        self._absences = absences
        closed: dict[str, set[date]] = defaultdict(set)
        for closure in authority.closures:
            closed[closure.setting_id].add(closure.date)
        self._closed = closed
        self._usable: dict[str, list[date]] = {}

    def usable_days(self, key_person_id: str) -> list[date]:
        """Review days on which the key person works, is not away and their setting is open."""
        cached = self._usable.get(key_person_id)
        if cached is not None:
            return cached
        key_person = self._authority.key_persons[key_person_id]
        setting = self._authority.settings[key_person.setting_id]
        closed = self._closed.get(setting.setting_id, set()) | self._closed.get(ALL_SETTINGS, set())
        away = self._absences.get(key_person_id, [])
        usable = [
            d
            for d in self._days
            if d.weekday() in key_person.working_days
            and d.weekday() in setting.open_days
            and d not in closed
            and not any(a.covers(d) for a in away)
        ]
        self._usable[key_person_id] = usable
        return usable

    def earliest(self, child: Child) -> date | None:
        """The first day a summary can be due: the child's first day at the setting, if known."""
        return child.starts_on

    def due_date(
        self,
        child: Child,
        appointment_date: date,
        *,
        lead_working_days: int = SUMMARY_LEAD_WORKING_DAYS,
    ) -> date | None:
        """The rule of :func:`summary_due_date` (see the module's docstring)."""
        if not summary_needed(child):
            raise ValueError(f"child {child.child_id} has no key person, so no progress summary")
        assert child.key_person_id is not None
        nation = self._authority.config.term.bank_holidays
        latest = working_days_before(appointment_date, lead_working_days, nation)
        first = self.earliest(child)
        days = self.usable_days(child.key_person_id)
        position = bisect.bisect_right(days, latest)
        if position == 0:
            return None
        due = days[position - 1]
        return due if first is None or due >= first else None


def summary_due_date(
    authority: Authority,
    child: Child,
    appointment_date: date,
    *,
    lead_working_days: int = SUMMARY_LEAD_WORKING_DAYS,
) -> date | None:
    """The day the key person's progress summary for ``child`` is due, for a review on
    ``appointment_date``; ``None`` when no day meets the rules (see the module's docstring).

    ``ValueError`` for a child with no key person (in no setting): there is no summary to
    prepare, so callers check :func:`summary_needed` first. For many reviews of one authority,
    build one :class:`SummaryDeadlines` and ask it instead (same rule, computed once).
    """
    return SummaryDeadlines(authority).due_date(
        child, appointment_date, lead_working_days=lead_working_days
    )
