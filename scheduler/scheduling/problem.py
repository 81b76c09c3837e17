"""Stage 2's input: every child to book with the kinds of review open to them, and each
practitioner's limits — cut into independent pieces, one per practitioner.

A child whose kinds of review are run by different practitioners (a joint review by the
setting's link, a clinic one by the family's own health visitor) is offered to each of them;
the pieces are solved independently and merged (:mod:`scheduler.scheduling.solve`). Each
piece's bound is a bound of its practitioner's part of any plan, so their sum bounds the plan.

Problems are small, plain and picklable, so pieces solve in parallel processes without
copying the authority. All preprocessing (days, values, travel) happens here, never inside
model building.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from scheduler.availability import Availability, bits
from scheduler.config import ReviewModel
from scheduler.deadlines import summary_needed
from scheduler.domain import Authority, Child
from scheduler.places import Place, base_place
from scheduler.plan import Appointment
from scheduler.priority import (
    KM_POINTS,
    NO_SUMMARY_DAY_POINTS,
    SCALE,
    VISIT_POINTS,
    WEEK_PEAK_POINTS,
    day_points,
)
from scheduler.review import allowed_models, block_minutes, own_model, practitioner_for
from scheduler.review import pre_meeting_minutes as pre_minutes
from scheduler.travel import haversine_km

STABILITY_POINTS = 0.6
"""Bonus in a re-plan for keeping a child's previous day (less than one child's worth, so
stability never costs a review, but more than any day preference)."""

KEEP_POINTS = 25.0
"""Bonus in a re-plan *from today* for keeping a booked child where they are: more than any
child is worth, so a booking the family already has is never taken away to make room for
another child (contract v2: children whose situation did not change stay where they were
wherever the data still allow it); children to book again fill the time that is left."""


def stability_points(replan: bool, from_today: bool) -> float:
    """What keeping a previous slot is worth: nothing in a what-if, a little in a re-plan,
    more than any child in a re-plan from today."""
    if not replan:
        return 0.0
    return KEEP_POINTS if from_today else STABILITY_POINTS


@dataclass(frozen=True, slots=True)
class Option:
    """One kind of review a child could have with one practitioner, and on which days."""

    model: ReviewModel
    practitioner_id: str
    place: str
    duration: int
    """The practitioner's block: pre-meeting (joint) plus meeting, in minutes."""
    pre: int
    """Minutes of pre-meeting before the parent's meeting starts."""
    window_start: int
    window_end: int
    days: tuple[int, ...]
    values: tuple[int, ...]
    """Scaled points for each of ``days``."""
    locked_day: int | None = None
    """A kept previous slot inside the notice period: that day only at ``locked_start``."""
    locked_start: int | None = None

    def value_on(self, day: int) -> int:
        return self.values[self.days.index(day)]


@dataclass(frozen=True, slots=True)
class ChildJob:
    """A child to book as the day model sees it: the options open to them and their worth."""

    child_id: str
    options: tuple[Option, ...]
    priority: int
    """Scaled points of the child's priority alone (for ordering and explanations)."""
    window_end_day: int
    """Index of the last review day in window (urgency order of the hand baseline)."""
    parent: str | None = None
    """Who the parent is (siblings share it): their meetings may not overlap."""
    pinned: tuple[int, int, int | None] | None = None
    """(option index, day, block start or None) of an accepted appointment pin."""
    previous: tuple[int, int, int] | None = None
    """(option index, day, block start) of the previous plan's slot, when still possible."""

    @property
    def days(self) -> tuple[int, ...]:
        """Every day on which some option could see the child."""
        return tuple(sorted({d for o in self.options for d in o.days}))


@dataclass(frozen=True, slots=True)
class PractitionerDays:
    """One practitioner's limits and the cost of visiting each of their places."""

    practitioner_id: str
    max_per_day: int
    day_length: int
    days: tuple[int, ...]
    visit_cost: Mapping[str, int]
    """Scaled points per visit to a place."""
    min_incoming: Mapping[str, int]
    """Shortest journey into a place from another of this practitioner's places (or from base,
    when the day starts there)."""
    from_base: bool
    """Whether ``min_incoming`` counts the journey from base (``day_starts_at_base``)."""
    travel: Mapping[tuple[str, str], int]
    """Travel minutes between this practitioner's places."""

    def travel_between(self, a: str, b: str) -> int:
        return 0 if a == b else self.travel[(a, b)]


@dataclass(frozen=True, slots=True)
class GroupProblem:
    """Practitioners, the children they could see (with only their options), and weeks."""

    practitioners: tuple[PractitionerDays, ...]
    children: tuple[ChildJob, ...]
    week_of_day: tuple[int, ...]
    week_peak_cost: int
    stability_bonus: int

    def piece(self, practitioner_id: str) -> GroupProblem:
        """The part of the problem one practitioner can solve alone."""
        jobs = []
        for job in self.children:
            keep = [i for i, o in enumerate(job.options) if o.practitioner_id == practitioner_id]
            if not keep:
                continue
            if job.pinned is not None and job.pinned[0] not in keep:
                continue  # pinned to another practitioner's option
            jobs.append(_restrict(job, keep))
        info = tuple(p for p in self.practitioners if p.practitioner_id == practitioner_id)
        return replace(self, practitioners=info, children=tuple(jobs))

    def pieces(self) -> list[GroupProblem]:
        """One piece per practitioner with children to see."""
        out = [self.piece(p.practitioner_id) for p in self.practitioners]
        return [p for p in out if p.children]


def _restrict(job: ChildJob, keep: list[int]) -> ChildJob:
    """The job with only the options ``keep`` (indices re-numbered)."""
    new_index = {old: new for new, old in enumerate(keep)}
    pinned = job.pinned
    if pinned is not None:
        pinned = (new_index[pinned[0]], pinned[1], pinned[2])
    previous = job.previous
    if previous is not None:
        previous = (new_index[previous[0]], *previous[1:]) if previous[0] in new_index else None
    return replace(
        job,
        options=tuple(job.options[i] for i in keep),
        pinned=pinned,
        previous=previous,
    )


@dataclass(frozen=True, slots=True)
class SlotPin:
    """An appointment pin: the child on that date, at that meeting start if given."""

    day: date
    start: int | None


def build_problem(
    authority: Authority,
    availability: Availability,
    link_of: Mapping[str, str],
    *,
    children: list[Child],
    previous: Mapping[str, Appointment] | None = None,
    stability: float = STABILITY_POINTS,
) -> GroupProblem:
    """Every child in ``children`` with their options under these links; practitioners'
    limits and travel. Children with no option at all are left out (explained later).

    ``previous`` slots are kept where still possible, each worth ``stability`` points (see
    :func:`stability_points`; 0 in a what-if, where they are only a warm start)."""
    config = authority.config
    w = config.priorities
    previous = previous or {}
    term = availability.term
    first_day = term.days[0] if term.days else config.term.start
    week_of_day = tuple((d - first_day).days // 7 for d in term.days)

    jobs: list[ChildJob] = []
    places: dict[str, dict[str, Place]] = defaultdict(dict)  # practitioner -> places used
    for child in children:
        job = _child_job(authority, availability, link_of, child, previous.get(child.child_id))
        if job is None:
            continue
        jobs.append(job)
        for option in job.options:
            place = availability.place(child, option.model, option.practitioner_id)
            assert place is not None  # an option exists only where the place is known
            places[option.practitioner_id][place.key] = place

    infos = []
    for pid, p in authority.practitioners.items():
        if pid not in places:
            continue
        own = places[pid]
        base = base_place(p)
        keys = sorted(own)
        travel = {(a, b): availability.travel(own[a], own[b]) for a in keys for b in keys if a != b}
        from_base = config.travel.day_starts_at_base
        visit_cost = {}
        min_incoming = {}
        for key in keys:
            place = own[key]
            km = haversine_km(base.lat, base.lon, place.lat, place.lon)
            visit_cost[key] = (
                0  # a clinic review is at base: no visit to make
                if key == base.key
                else round(SCALE * w.travel * (VISIT_POINTS + 2 * km * KM_POINTS))
            )
            journeys = [travel[(other, key)] for other in keys if other != key]
            if from_base:
                journeys.append(availability.travel(base, place))
            min_incoming[key] = min(journeys) if journeys else 0
        infos.append(
            PractitionerDays(
                practitioner_id=pid,
                max_per_day=p.max_reviews_per_day,
                day_length=p.day_end - p.day_start,
                days=tuple(bits(availability.practitioner_days[pid])),
                visit_cost=visit_cost,
                min_incoming=min_incoming,
                from_base=from_base,
                travel=travel,
            )
        )
    return GroupProblem(
        practitioners=tuple(infos),
        children=tuple(jobs),
        week_of_day=week_of_day,
        week_peak_cost=round(SCALE * w.balance * WEEK_PEAK_POINTS),
        stability_bonus=round(SCALE * stability) if previous else 0,
    )


def _child_job(
    authority: Authority,
    availability: Availability,
    link_of: Mapping[str, str],
    child: Child,
    previous: Appointment | None,
) -> ChildJob | None:
    """The child's options under these links; ``None`` when there is none."""
    config = authority.config
    w = config.priorities
    term = availability.term
    window = availability.windows[child.child_id]
    priority = availability.priority(child)
    own = own_model(child, config)
    options: list[Option] = []
    previous_slot: tuple[int, int, int] | None = None
    for model in allowed_models(child, config):
        pid = practitioner_for(child, model, link_of)
        if pid is None or pid not in authority.practitioners:
            continue
        place = availability.place(child, model, pid)
        if place is None:
            continue
        mask = availability.option_days(child, model, pid)
        locked_day = locked_start = None
        if (
            previous is not None
            and previous.model == model
            and previous.practitioner_id == pid
            and previous.date in term.index
            and (availability.today is None or previous.date >= availability.today)
        ):
            index = term.index[previous.date]
            if availability.party_days(child, model, pid) >> index & 1 and (
                availability.fits_in_hours(child, model, pid)
            ):
                if not mask >> index & 1:
                    # inside the notice period: kept only exactly as it was
                    locked_day, locked_start = index, previous.block_start
                mask |= 1 << index
                previous_slot = (len(options), index, previous.block_start)
        day_ids = bits(mask)
        if not day_ids:
            continue
        first, last = term.days[day_ids[0]], term.days[day_ids[-1]]
        needs_summary = model != "joint" and summary_needed(child)
        values = tuple(
            round(
                SCALE
                * (
                    day_points(priority, window, term.days[i], first, last, w, model == own)
                    - NO_SUMMARY_DAY_POINTS
                    * (needs_summary and availability.summary_due(child, term.days[i]) is None)
                )
            )
            for i in day_ids
        )
        tw = availability.time_window(child, model, pid)
        options.append(
            Option(
                model=model,
                practitioner_id=pid,
                place=place.key,
                duration=block_minutes(child, model, config),
                pre=pre_minutes(model, config),
                window_start=tw.start,
                window_end=tw.end,
                days=tuple(day_ids),
                values=values,
                locked_day=locked_day,
                locked_start=locked_start,
            )
        )
    if not options:
        return None
    in_window = [i for o in options for i in o.days if term.days[i] <= window.in_window_end]
    return ChildJob(
        child_id=child.child_id,
        options=tuple(options),
        priority=round(SCALE * priority),
        window_end_day=max(in_window) if in_window else -1,
        parent=child.parent_key,
        previous=previous_slot,
    )


def with_pins(
    problem: GroupProblem, pins: Mapping[str, tuple[int, int, int | None]]
) -> GroupProblem:
    """The problem with accepted appointment pins: child -> (option, day, block start)."""
    if not pins:
        return problem
    jobs = tuple(
        replace(job, pinned=pins[job.child_id]) if job.child_id in pins else job
        for job in problem.children
    )
    return replace(problem, children=jobs)
