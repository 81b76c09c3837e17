"""Who can be where, when: the days each child could be reviewed with a given practitioner.

Day sets are bitmasks over the term's review days (bit ``i`` = ``days[i]``), so intersecting
the availability of a child, a setting, a key person, a parent and a practitioner is one ``&``.
Matching uses this to score how well a practitioner fits a setting, the scheduler to build its
variables and :mod:`scheduler.explain` to say which party blocked a child.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from scheduler.calendar import ChildWindow, child_window, due_children, review_days
from scheduler.domain import ALL_SETTINGS, Authority, Child, Practitioner, Setting


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """The part of a day in which a review block may lie, in minutes since midnight."""

    start: int
    end: int

    @property
    def length(self) -> int:
        return max(0, self.end - self.start)


def bits(mask: int) -> list[int]:
    """Indices of the set bits, lowest first."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


class TermDays:
    """The term's review days and masks by weekday and by date range."""

    def __init__(self, days: tuple[date, ...]) -> None:
        self.days = days
        self.index = {d: i for i, d in enumerate(days)}
        self.all = (1 << len(days)) - 1
        self._weekday = [0] * 7
        for i, d in enumerate(days):
            self._weekday[d.weekday()] |= 1 << i

    def on_weekdays(self, weekdays: frozenset[int]) -> int:
        mask = 0
        for w in weekdays:
            mask |= self._weekday[w]
        return mask

    def between(self, first: date, last: date) -> int:
        """Review days with ``first <= day <= last``."""
        mask = 0
        for i, d in enumerate(self.days):
            if first <= d <= last:
                mask |= 1 << i
        return mask

    def dates(self, mask: int) -> list[date]:
        return [self.days[i] for i in bits(mask)]


def meeting_minutes(child: Child, authority: Authority) -> int:
    """Length of the meeting itself (longer when there are prior concerns)."""
    review = authority.config.review
    extra = review.prior_concerns_extra_minutes if child.prior_concerns else 0
    return review.meeting_minutes + extra


def pre_meeting_minutes(authority: Authority) -> int:
    """The practitioners' pre-meeting before a joint review (none in the separate model)."""
    review = authority.config.review
    return review.pre_meeting_minutes if review.model == "joint" else 0


def block_minutes(child: Child, authority: Authority) -> int:
    """The practitioner's time for one review: pre-meeting (joint model) plus meeting."""
    return pre_meeting_minutes(authority) + meeting_minutes(child, authority)


def time_window(practitioner: Practitioner, setting: Setting, authority: Authority) -> TimeWindow:
    """Where a block may lie in a day: the practitioner's hours, and in the joint model the
    setting's opening hours too."""
    if authority.config.review.model == "joint":
        return TimeWindow(
            max(practitioner.day_start, setting.open_time),
            min(practitioner.day_end, setting.close_time),
        )
    return TimeWindow(practitioner.day_start, practitioner.day_end)


class Availability:
    """Day masks of every party for one authority and term, computed once."""

    def __init__(self, authority: Authority) -> None:
        self.authority = authority
        config = authority.config
        self.joint = config.review.model == "joint"
        self.term = TermDays(review_days(config.term))
        absences: dict[str, int] = defaultdict(int)
        for absence in authority.absences:
            absences[absence.person_id] |= self.term.between(absence.start_date, absence.end_date)
        closed_everywhere = 0
        closures: dict[str, int] = defaultdict(int)
        for closure in authority.closures:
            i = self.term.index.get(closure.date)
            if i is None:
                continue
            if closure.setting_id == ALL_SETTINGS:
                closed_everywhere |= 1 << i
            else:
                closures[closure.setting_id] |= 1 << i
        self.absent = dict(absences)
        self.closed = {s: closures.get(s, 0) | closed_everywhere for s in authority.settings}

        self.practitioner_days = {
            p.practitioner_id: self.term.on_weekdays(p.working_days) & ~absences[p.practitioner_id]
            if p.max_reviews_per_day > 0
            else 0
            for p in authority.practitioners.values()
        }
        self.setting_days = {
            s.setting_id: self.term.on_weekdays(s.open_days) & ~self.closed[s.setting_id]
            for s in authority.settings.values()
        }
        self.key_person_days = {
            k.key_person_id: self.term.on_weekdays(k.working_days) & ~absences[k.key_person_id]
            for k in authority.key_persons.values()
        }
        self.due: list[Child] = due_children(authority.children.values(), config)
        self.windows: dict[str, ChildWindow] = {
            c.child_id: child_window(c, config.term, config.review) for c in self.due
        }
        self.child_days: dict[str, int] = {c.child_id: self._child_days(c) for c in self.due}

    def allowed_days(self, child_id: str) -> int:
        """Review days inside the child's allowed dates (age window and start date)."""
        w = self.windows[child_id]
        return self.term.between(w.earliest, w.allowed_end)

    def parent_days(self, child: Child) -> int:
        return self.term.all & ~self.term.on_weekdays(child.parent_unavailable_days)

    def _child_days(self, child: Child) -> int:
        """Days the child could be seen by *some* practitioner: allowed, parent, and in the
        joint model the setting and key person."""
        mask = self.allowed_days(child.child_id) & self.parent_days(child)
        if child.setting_id is None or child.key_person_id is None:
            return 0  # reviews of children in no setting are not planned yet
        if self.joint:
            mask &= self.setting_days[child.setting_id]
            mask &= self.key_person_days[child.key_person_id]
        return mask

    def fits_in_hours(self, child: Child, practitioner_id: str) -> bool:
        if child.setting_id is None:
            return False
        practitioner = self.authority.practitioners[practitioner_id]
        setting = self.authority.settings[child.setting_id]
        window = time_window(practitioner, setting, self.authority)
        return window.length >= block_minutes(child, self.authority)

    def feasible_days(self, child: Child, practitioner_id: str) -> int:
        """Days on which this practitioner could review this child (ignoring other children)."""
        if not self.fits_in_hours(child, practitioner_id):
            return 0
        return self.child_days[child.child_id] & self.practitioner_days[practitioner_id]
