"""Stage 2's input, cut into independent pieces: one per link practitioner (or per few, when
siblings with one parent are linked to different practitioners).

A :class:`GroupProblem` is small, plain and picklable, so pieces solve in parallel processes
without copying the authority. All preprocessing (feasible days, values, travel) happens here,
never inside model building.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from scheduler.domain import Authority, Child
from scheduler.plan import Appointment, Link
from scheduler.scheduling.availability import (
    Availability,
    bits,
    block_minutes,
    pre_meeting_minutes,
    time_window,
)
from scheduler.scheduling.priority import (
    KM_POINTS,
    SCALE,
    VISIT_POINTS,
    WEEK_PEAK_POINTS,
    child_priority,
    day_points,
)
from scheduler.travel import haversine_km, travel_minutes

STABILITY_POINTS = 0.6
"""Bonus in a re-plan for keeping a child's previous day (less than one child's worth, so
stability never costs a review, but more than any day preference)."""


@dataclass(frozen=True, slots=True)
class ChildJob:
    """A due child as the day model sees it: where, how long, which days, worth what."""

    child_id: str
    practitioner_id: str
    place: str
    duration: int
    window_start: int
    window_end: int
    days: tuple[int, ...]
    values: tuple[int, ...]
    """Scaled points for each of ``days``."""
    priority: int
    """Scaled points of the child's priority alone (for ordering and explanations)."""
    window_end_day: int
    """Index of the last review day in window (urgency order of the hand baseline)."""
    pinned_day: int | None = None
    pinned_start: int | None = None
    previous_day: int | None = None
    previous_start: int | None = None


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
    """Shortest travel into a place from another of this practitioner's places."""


@dataclass(frozen=True, slots=True)
class GroupProblem:
    """An independent piece of the term: practitioners, their children, travel, weeks."""

    practitioners: tuple[PractitionerDays, ...]
    children: tuple[ChildJob, ...]
    travel: Mapping[tuple[str, str], int]
    week_of_day: tuple[int, ...]
    siblings: tuple[tuple[str, str], ...]
    week_peak_cost: int
    stability_bonus: int

    def travel_between(self, a: str, b: str) -> int:
        return 0 if a == b else self.travel[(a, b)]


def _places(authority: Authority, link: Link) -> tuple[str, float, float]:
    if authority.config.review.model == "joint":
        s = authority.settings[link.setting_id]
        return s.setting_id, s.lat, s.lon
    p = authority.practitioners[link.practitioner_id]
    return f"clinic:{p.practitioner_id}", p.base_lat, p.base_lon


def _sibling_pairs(children: list[Child]) -> list[tuple[str, str]]:
    by_parent: dict[str, list[str]] = defaultdict(list)
    for c in children:
        if c.parent_email:
            by_parent[c.parent_email.strip().lower()].append(c.child_id)
    pairs = []
    for ids in by_parent.values():
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                pairs.append((a, b))
    return pairs


def build_groups(
    authority: Authority,
    availability: Availability,
    links: list[Link],
    *,
    pinned: Mapping[str, tuple[date, int | None]] | None = None,
    previous: Mapping[str, Appointment] | None = None,
) -> list[GroupProblem]:
    """Cut the term into independent pieces, one per linked practitioner (merged where
    siblings span practitioners). Children of unlinked settings are left out (explained later).
    """
    config = authority.config
    w = config.priorities
    pre = pre_meeting_minutes(authority)  # a pinned time is the meeting's start, as in the plan
    pinned = pinned or {}
    previous = previous or {}
    term = availability.term
    link_of = {link.setting_id: link for link in links}
    first_day = term.days[0] if term.days else config.term.start
    week_of_day = tuple((d - first_day).days // 7 for d in term.days)

    # places and their coordinates
    place_of_setting: dict[str, tuple[str, float, float]] = {
        link.setting_id: _places(authority, link) for link in links
    }
    jobs_by_practitioner: dict[str, list[ChildJob]] = defaultdict(list)
    linked_children: list[Child] = []
    for child in availability.due:
        link = link_of.get(child.setting_id) if child.setting_id is not None else None
        if link is None or child.setting_id is None:
            continue
        pid = link.practitioner_id
        mask = availability.feasible_days(child, pid)
        day_ids = bits(mask)
        window = availability.windows[child.child_id]
        priority = child_priority(child, window, config.term, w)
        if day_ids:
            first, last = term.days[day_ids[0]], term.days[day_ids[-1]]
        else:
            first = last = first_day
        values = tuple(
            round(SCALE * day_points(priority, window, term.days[i], first, last, w))
            for i in day_ids
        )
        in_window_days = [i for i in day_ids if term.days[i] <= window.in_window_end]
        practitioner = authority.practitioners[pid]
        setting = authority.settings[child.setting_id]
        tw = time_window(practitioner, setting, authority)
        pin = pinned.get(child.child_id)
        prev = previous.get(child.child_id)
        prev_day = None
        prev_start = None
        if prev is not None and prev.practitioner_id == pid and prev.date in term.index:
            index = term.index[prev.date]
            if index in day_ids:
                prev_day, prev_start = index, prev.block_start
        jobs_by_practitioner[pid].append(
            ChildJob(
                child_id=child.child_id,
                practitioner_id=pid,
                place=place_of_setting[child.setting_id][0],
                duration=block_minutes(child, authority),
                window_start=tw.start,
                window_end=tw.end,
                days=tuple(day_ids),
                values=values,
                priority=round(SCALE * priority),
                window_end_day=in_window_days[-1] if in_window_days else -1,
                pinned_day=term.index.get(pin[0]) if pin else None,
                pinned_start=pin[1] - pre if pin and pin[1] is not None else None,
                previous_day=prev_day,
                previous_start=prev_start,
            )
        )
        linked_children.append(child)

    # union practitioners joined by siblings
    parent: dict[str, str] = {pid: pid for pid in jobs_by_practitioner}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    practitioner_of = {
        j.child_id: j.practitioner_id for js in jobs_by_practitioner.values() for j in js
    }
    siblings = [
        (a, b)
        for a, b in _sibling_pairs(linked_children)
        if a in practitioner_of and b in practitioner_of
    ]
    for a, b in siblings:
        ra, rb = find(practitioner_of[a]), find(practitioner_of[b])
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    members: dict[str, list[str]] = defaultdict(list)
    for pid in authority.practitioners:
        if pid in jobs_by_practitioner:
            members[find(pid)].append(pid)

    travel = config.travel
    groups = []
    for root in sorted(members):
        pids = members[root]
        jobs = [j for pid in pids for j in jobs_by_practitioner[pid]]
        places = sorted({j.place for j in jobs})
        coords = {}
        for sid, (place, lat, lon) in place_of_setting.items():
            if place in places:
                coords[place] = (lat, lon)
            del sid
        travel_table: dict[tuple[str, str], int] = {}
        for a in places:
            for b in places:
                if a != b:
                    km = haversine_km(*coords[a], *coords[b])
                    travel_table[(a, b)] = travel_minutes(
                        km, travel.speed_kmh, travel.detour_factor
                    )
        infos = []
        for pid in pids:
            p = authority.practitioners[pid]
            own = sorted({j.place for j in jobs_by_practitioner[pid]})
            visit_cost = {}
            min_incoming = {}
            for place in own:
                km = haversine_km(p.base_lat, p.base_lon, *coords[place])
                visit_cost[place] = (
                    round(SCALE * w.travel * (VISIT_POINTS + 2 * km * KM_POINTS))
                    if config.review.model == "joint"
                    else 0
                )
                others = [travel_table[(o, place)] for o in own if o != place]
                min_incoming[place] = min(others) if others else 0
            infos.append(
                PractitionerDays(
                    practitioner_id=pid,
                    max_per_day=p.max_reviews_per_day,
                    day_length=p.day_end - p.day_start,
                    days=tuple(bits(availability.practitioner_days[pid])),
                    visit_cost=visit_cost,
                    min_incoming=min_incoming,
                )
            )
        ids = {j.child_id for j in jobs}
        groups.append(
            GroupProblem(
                practitioners=tuple(infos),
                children=tuple(jobs),
                travel=travel_table,
                week_of_day=week_of_day,
                siblings=tuple((a, b) for a, b in siblings if a in ids and b in ids),
                week_peak_cost=round(SCALE * w.balance * WEEK_PEAK_POINTS),
                stability_bonus=round(SCALE * STABILITY_POINTS) if previous else 0,
            )
        )
    return groups
