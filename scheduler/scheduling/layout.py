"""Exact times inside one practitioner's day: order the visits, pack reviews back to back.

The day-level model decides *which* children a practitioner sees on a day; this module turns
that set into start times that respect every time rule (windows, no overlap, travel, a parent's
other meetings that day), or says it cannot. Days hold a handful of reviews, so trying every
order of the places visited is cheap. (The journeys from and back to base are already in each
job's window: see :meth:`scheduler.availability.Availability.time_window`.)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

GRID_MINUTES = 5
"""Start times are on a 5-minute grid after travel, so rotas read well."""
TRAVEL_MARGIN_MINUTES = 1
"""Extra minute on every journey so rounding elsewhere can never make a gap a minute short."""
MAX_EXHAUSTIVE_JOBS = 7


@dataclass(frozen=True, slots=True)
class Job:
    """One review block to place in a day."""

    child_id: str
    place: str
    window_start: int
    window_end: int
    duration: int
    fixed_start: int | None = None
    preferred_start: int | None = None
    pre: int = 0
    """Minutes of the block before the parent's meeting starts (the joint pre-meeting)."""
    busy: tuple[tuple[int, int], ...] = ()
    """The parent's other meetings that day: this job's meeting may not overlap them."""

    def clash(self, start: int) -> int | None:
        """With the block starting at ``start``: the end of a parent's meeting it overlaps
        (the earliest such end), or ``None``."""
        meeting = (start + self.pre, start + self.duration)
        ends = [e for s, e in self.busy if s < meeting[1] and meeting[0] < e]
        return min(ends) if ends else None


@dataclass(frozen=True, slots=True)
class Placed:
    job: Job
    start: int

    @property
    def end(self) -> int:
        return self.start + self.job.duration


Travel = Callable[[str, str], int]


def _round_up(minute: int) -> int:
    return -(-minute // GRID_MINUTES) * GRID_MINUTES


def _place_sequence(
    order: Sequence[Job], travel: Travel, use_preferences: bool
) -> tuple[list[Placed], int, int] | None:
    """Place jobs in this order as early as possible; None when a window is missed."""
    placed: list[Placed] = []
    now: int | None = None
    previous: str | None = None
    travelled = 0
    kept = 0
    for job in order:
        earliest = ready = job.window_start
        if now is not None:
            gap = 0
            if previous is not None and job.place != previous:
                gap = travel(previous, job.place) + TRAVEL_MARGIN_MINUTES
                travelled += gap
            ready = max(ready, now + gap)
            earliest = max(earliest, _round_up(now + gap) if gap else now)
        if job.fixed_start is not None:
            # The grid tidies chosen times only: a pinned time off it is kept when it is ready.
            if job.fixed_start < ready or job.clash(job.fixed_start) is not None:
                return None
            start = job.fixed_start
        else:
            start = earliest
            if (
                use_preferences
                and job.preferred_start is not None
                and job.preferred_start >= earliest
                and job.preferred_start + job.duration <= job.window_end
                and job.clash(job.preferred_start) is None
            ):
                start = job.preferred_start
                kept += 1
            while (after := job.clash(start)) is not None:
                start = _round_up(after - job.pre)  # wait until the parent is free
        if start + job.duration > job.window_end:
            return None
        placed.append(Placed(job, start))
        now = start + job.duration
        previous = job.place
    return placed, travelled, kept


def _orders(jobs: Sequence[Job]) -> itertools.chain[tuple[Job, ...]]:
    """Candidate orders: every permutation for small days, else places in every order with
    each place's jobs together (pinned times first)."""
    if len(jobs) <= MAX_EXHAUSTIVE_JOBS and any(j.fixed_start is not None for j in jobs):
        return itertools.chain(itertools.permutations(jobs))
    groups: dict[str, list[Job]] = {}
    for job in jobs:
        groups.setdefault(job.place, []).append(job)
    for group in groups.values():
        group.sort(
            key=lambda j: (
                j.fixed_start is None,
                j.fixed_start or 0,
                j.preferred_start or 0,
                j.child_id,
            )
        )
    places = sorted(groups)
    if len(places) > MAX_EXHAUSTIVE_JOBS:
        places.sort(key=lambda p: (min(j.window_start for j in groups[p]), p))
        permutations: itertools.chain[tuple[str, ...]] = itertools.chain([tuple(places)])
    else:
        permutations = itertools.chain(itertools.permutations(places))
    return itertools.chain(tuple(j for p in perm for j in groups[p]) for perm in permutations)


def lay_out_day(jobs: Sequence[Job], travel: Travel) -> list[Placed] | None:
    """Start times for every job, or None if they cannot all fit.

    Among feasible orders prefers keeping previous times (re-plans), then least travel,
    then finishing earliest. Deterministic for the same set of jobs.
    """
    if not jobs:
        return []
    ordered = sorted(jobs, key=lambda j: j.child_id)
    best: tuple[tuple[int, int, int], list[Placed]] | None = None
    has_preferences = any(j.preferred_start is not None for j in ordered)
    for order in _orders(ordered):
        for use in (True, False) if has_preferences else (False,):
            result = _place_sequence(order, travel, use)
            if result is None:
                continue
            placed, travelled, kept = result
            key = (-kept, travelled, placed[-1].end)
            if best is None or key < best[0]:
                best = (key, placed)
    return None if best is None else best[1]
