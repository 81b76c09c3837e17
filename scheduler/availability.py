"""Who can be where, when: the days and hours in which each child could have each kind of
review with a given practitioner.

Day sets are bitmasks over the term's review days (bit ``i`` = ``days[i]``), so intersecting
the availability of a child, a setting, a key person, a parent and a practitioner is one ``&``.
Both stages (links, scheduling) and the explanations read the same masks, so "could this
child be seen by this practitioner" has one answer everywhere.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from scheduler.calendar import ChildWindow, child_window, is_due, review_days
from scheduler.config import ReviewModel
from scheduler.deadlines import SummaryDeadlines
from scheduler.domain import ALL_SETTINGS, Authority, Child
from scheduler.outcomes import History, Standing, histories
from scheduler.places import Place, base_place, review_place
from scheduler.priority import child_priority
from scheduler.review import allowed_models, block_minutes, runs_on_link
from scheduler.travel import haversine_km, travel_minutes


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


class Availability:
    """Day masks of every party for one authority and term, computed once."""

    def __init__(self, authority: Authority) -> None:
        self.authority = authority
        config = authority.config
        self.config = config
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
        self.histories: dict[str, History] = histories(
            authority.children.values(), authority.outcomes
        )
        self.due: list[Child] = [
            c
            for c in authority.children.values()
            if is_due(c, config.term, config.review, self.histories[c.child_id].reviewed_on)
        ]
        """The term's due children (an attended outcome counts as a review), in input order."""
        self.windows: dict[str, ChildWindow] = {
            c.child_id: child_window(c, config.term, config.review) for c in self.due
        }
        today = config.term.today
        self.today = today
        self.first_new_day: date | None = (
            today + timedelta(days=config.review.notice_days) if today else None
        )
        """No new appointment before this day (``today + notice_days``), when today is set."""
        self.new_days = (
            self.term.between(self.first_new_day, date.max) if self.first_new_day else self.term.all
        )
        self.child_days: dict[str, int] = {c.child_id: self._child_days(c) for c in self.due}
        self._deadlines = SummaryDeadlines(authority)
        self._windows: dict[tuple[str, ReviewModel, str], TimeWindow] = {}
        """Time windows by (place, kind of review, practitioner): the same for every child."""

    # --- children --------------------------------------------------------------------------

    def summary_due(self, child: Child, day: date) -> date | None:
        """When the key person's summary would be due for a clinic or home review on ``day``
        (:mod:`scheduler.deadlines`); ``None`` when no day is early enough."""
        return self._deadlines.due_date(child, day)

    def priority(self, child: Child) -> float:
        """Points for seeing the child at all (:func:`scheduler.priority.child_priority`),
        raised for each booked review this term's outcomes say did not happen."""
        config = self.config
        return child_priority(
            child,
            self.windows[child.child_id],
            config.term,
            config.priorities,
            self.histories[child.child_id].missed,
        )

    def standing(self, child: Child) -> Standing:
        return self.histories[child.child_id].standing

    def to_book(self, child: Child) -> bool:
        """Due and neither declined nor waiting for a follow-up: the planner's work."""
        return self.standing(child) is Standing.OPEN

    def allowed_days(self, child_id: str) -> int:
        """Review days inside the child's allowed dates (age window, settling in)."""
        w = self.windows[child_id]
        return self.term.between(w.earliest, w.allowed_end)

    def parent_days(self, child: Child) -> int:
        return self.term.all & ~self.term.on_weekdays(child.parent_unavailable_days)

    def _child_days(self, child: Child) -> int:
        """Days the child could be seen by *some* practitioner in some kind of review: allowed
        dates and the parent's days (new bookings: not before ``today + notice_days``)."""
        return self.allowed_days(child.child_id) & self.parent_days(child)

    # --- one kind of review with one practitioner ------------------------------------------

    def place(self, child: Child, model: ReviewModel, practitioner_id: str) -> Place | None:
        return review_place(self.authority, child, model, practitioner_id)

    def travel(self, a: Place, b: Place) -> int:
        """Travel minutes between two places, as the contract defines them."""
        if (a.lat, a.lon) == (b.lat, b.lon):
            return 0
        t = self.config.travel
        return travel_minutes(
            haversine_km(a.lat, a.lon, b.lat, b.lon), t.speed_kmh, t.detour_factor
        )

    def time_window(self, child: Child, model: ReviewModel, practitioner_id: str) -> TimeWindow:
        """Where a block may lie in a day: the practitioner's hours (a joint review: within the
        setting's hours too), and with ``day_starts_at_base`` after the journey from base and
        before the journey back.

        The journey bound holds for every block, not only the first and last: any earlier
        visit ends after ``day_start`` plus its own journey, and travel minutes obey the
        triangle inequality, so this window is exact, not a simplification.
        """
        place = self.place(child, model, practitioner_id)
        key = (place.key if place else child.child_id, model, practitioner_id)
        found = self._windows.get(key)
        if found is not None:
            return found
        practitioner = self.authority.practitioners[practitioner_id]
        start, end = practitioner.day_start, practitioner.day_end
        if model == "joint" and child.setting_id is not None:
            setting = self.authority.settings[child.setting_id]
            start, end = max(start, setting.open_time), min(end, setting.close_time)
        if self.config.travel.day_starts_at_base and place is not None:
            base = base_place(practitioner)
            start = max(start, practitioner.day_start + self.travel(base, place))
            end = min(end, practitioner.day_end - self.travel(place, base))
        window = self._windows[key] = TimeWindow(start, end)
        return window

    def fits_in_hours(self, child: Child, model: ReviewModel, practitioner_id: str) -> bool:
        window = self.time_window(child, model, practitioner_id)
        return window.length >= block_minutes(child, model, self.config)

    def family_days(self, child: Child, model: ReviewModel) -> int:
        """Days on which everyone but the practitioner can come: the child's allowed days, the
        parent, and for a joint review the setting and the key person."""
        mask = self.child_days[child.child_id]
        if model == "joint":
            if child.setting_id is None or child.key_person_id is None:
                return 0
            mask &= self.setting_days[child.setting_id]
            mask &= self.key_person_days[child.key_person_id]
        return mask

    def party_days(self, child: Child, model: ReviewModel, practitioner_id: str) -> int:
        """Days on which everyone this kind of review needs is available (new bookings aside):
        :meth:`family_days` and the practitioner. Ignores hours and other children."""
        return self.family_days(child, model) & self.practitioner_days.get(practitioner_id, 0)

    def option_days(self, child: Child, model: ReviewModel, practitioner_id: str) -> int:
        """Days on which this practitioner could newly book this kind of review for this child
        (ignoring other children): everyone available, the hours long enough, and not inside
        the notice period."""
        if self.place(child, model, practitioner_id) is None:
            return 0
        if not self.fits_in_hours(child, model, practitioner_id):
            return 0
        return self.party_days(child, model, practitioner_id) & self.new_days

    # --- what the link stage needs ----------------------------------------------------------

    def link_models(self, child: Child) -> tuple[ReviewModel, ...]:
        """The child's allowed kinds of review that the setting's link practitioner runs."""
        if child.setting_id is None:
            return ()
        return tuple(m for m in allowed_models(child, self.config) if runs_on_link(child, m))

    def link_days(self, child: Child, practitioner_id: str) -> int:
        """Days on which ``practitioner_id``, as the setting's link, could review the child in
        any of the kinds the link runs."""
        mask = 0
        for model in self.link_models(child):
            mask |= self.option_days(child, model, practitioner_id)
        return mask
