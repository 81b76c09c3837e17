"""A bound over any links: how much better could the plan be if links were chosen otherwise?

The plan's ``best_bound`` holds for the links it was given. This module bounds the best plan
over *every* choice of links with a relaxation solved exactly as a min-cost flow: each child
may be seen on any day everyone it needs is available, by any practitioner who works that day
and whose hours fit the visit (the links' rule that a setting's children share one
practitioner is dropped, and so are travel, the exact times and the costs of visits and busy
weeks, which only lower a plan's objective); each practitioner sees at most as many children a
day as their daily limit and their hours allow.

Children are pooled by *hours class* (the hours a visit needs, e.g. a setting open 09:00–15:00
and a 60-minute block): a day's arcs go from the class to every practitioner who fits it, so
the network grows with classes × practitioners, not children × practitioners.

Every plan, under any links, is a feasible flow of this network with at least its objective,
so the flow's optimum is a bound; ``tests/test_bounds_brute_force.py`` checks that on tiny
authorities by enumerating every plan under every choice of links.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from ortools.graph.python import min_cost_flow

from scheduler.availability import Availability, bits
from scheduler.config import ReviewModel
from scheduler.domain import Authority, Child
from scheduler.plan import Appointment
from scheduler.priority import SCALE, child_priority
from scheduler.review import allowed_models, block_minutes, own_model, runs_on_link
from scheduler.scheduling.problem import STABILITY_POINTS


@dataclass(frozen=True, slots=True)
class AnyLinksBound:
    """Upper bounds over every choice of links: the objective (points) and children seen."""

    points: float
    children: int


HoursClass = tuple[str, int, int, int]
"""(kind, earliest start, latest end, block minutes) of visits any practitioner might make."""
Slot = tuple[HoursClass | str, int]
"""(an hours class, or the one practitioner who must run the review; a day index)."""


def _day_value(
    child: Child, availability: Availability, day: date, model: ReviewModel, bonus: float
) -> int:
    """An upper bound of the child's value on ``day`` with any practitioner: the earliness
    half of the day bonus taken at its best, since it depends on the practitioner's days."""
    config = availability.config
    w = config.priorities
    window = availability.windows[child.child_id]
    priority = child_priority(child, window, config.term, w)
    in_window = 1.0 if day <= window.in_window_end else 0.0
    earliness = 0.5 * in_window + 0.5
    points = (
        priority
        + w.earlier_in_window * earliness
        + w.own_model * (model == own_model(child, config))
    )
    return round(SCALE * (points + bonus))


def _hours_class(child: Child, model: ReviewModel, availability: Availability) -> HoursClass:
    config = availability.config
    need = block_minutes(child, model, config)
    if model == "joint" and child.setting_id is not None:
        s = availability.authority.settings[child.setting_id]
        return ("setting", s.open_time, s.close_time, need)
    return ("any", 0, 24 * 60, need)


def any_links_bound(
    authority: Authority,
    availability: Availability,
    children: Sequence[Child],
    previous: Mapping[str, Appointment] | None = None,
) -> AnyLinksBound:
    """Bounds of the objective and of the children seen over every choice of links."""
    previous = previous or {}
    config = authority.config
    term = availability.term
    stability = STABILITY_POINTS if previous else 0.0

    # arcs child -> (hours class | own practitioner, day), each with its value
    child_arcs: list[tuple[int, Slot, int]] = []
    classes: dict[HoursClass, None] = {}
    min_block = None
    for ci, child in enumerate(children):
        for model in allowed_models(child, config):
            need = block_minutes(child, model, config)
            min_block = need if min_block is None else min(min_block, need)
            mask = _days_without_practitioner(availability, child, model)
            fixed = None if runs_on_link(child, model) else child.practitioner_id
            if fixed is not None:
                if availability.place(child, model, fixed) is None:
                    continue
                mask &= availability.practitioner_days.get(fixed, 0)
                if not availability.fits_in_hours(child, model, fixed):
                    mask = 0
            before = previous.get(child.child_id)
            if (
                before is not None
                and before.date in term.index
                and (availability.today is None or before.date >= availability.today)
            ):
                mask |= (1 << term.index[before.date]) & availability.allowed_days(child.child_id)
            if not mask:
                continue
            key: HoursClass | str
            if fixed is not None:
                key = fixed
            else:
                hours = _hours_class(child, model, availability)
                classes[hours] = None
                key = hours
            bonus = stability if child.child_id in previous else 0.0
            for day in bits(mask):
                value = _day_value(child, availability, term.days[day], model, bonus)
                child_arcs.append((ci, (key, day), value))
    if not child_arcs:
        return AnyLinksBound(0.0, 0)
    assert min_block is not None

    # practitioner-days and which hours classes each practitioner fits
    capacity: dict[tuple[str, int], int] = {}
    for pid, p in authority.practitioners.items():
        per_day = min(p.max_reviews_per_day, (p.day_end - p.day_start) // max(1, min_block))
        if per_day <= 0:
            continue
        for day in bits(availability.practitioner_days[pid]):
            capacity[(pid, day)] = per_day
    fits: dict[HoursClass, list[str]] = {}
    for hours in classes:
        _, open_time, close_time, need = hours
        fits[hours] = [
            pid
            for pid, p in authority.practitioners.items()
            if min(p.day_end, close_time) - max(p.day_start, open_time) >= need
        ]

    points = _solve(len(children), child_arcs, fits, capacity, unit=False)
    seen = _solve(len(children), child_arcs, fits, capacity, unit=True)
    return AnyLinksBound(points / SCALE, seen)


def _days_without_practitioner(availability: Availability, child: Child, model: ReviewModel) -> int:
    """The days everyone but the practitioner can come, for a new booking."""
    mask = availability.child_days[child.child_id] & availability.new_days
    if model == "joint":
        if child.setting_id is None or child.key_person_id is None:
            return 0
        mask &= availability.setting_days[child.setting_id]
        mask &= availability.key_person_days[child.key_person_id]
    return mask


def _solve(
    n_children: int,
    child_arcs: list[tuple[int, Slot, int]],
    fits: Mapping[HoursClass, list[str]],
    capacity: Mapping[tuple[str, int], int],
    *,
    unit: bool,
) -> int:
    """The flow's best total value (or number of children, ``unit``)."""
    node: dict[object, int] = {}

    def index(key: object) -> int:
        found = node.get(key)
        if found is None:
            found = node[key] = len(node) + n_children + 1
        return found

    sink = n_children
    tails: list[int] = []
    heads: list[int] = []
    caps: list[int] = []
    costs: list[int] = []

    def arc(tail: int, head: int, cap: int, cost: int) -> None:
        tails.append(tail)
        heads.append(head)
        caps.append(cap)
        costs.append(cost)

    best: dict[tuple[int, Slot], int] = {}
    for ci, slot, value in child_arcs:
        best[(ci, slot)] = max(best.get((ci, slot), 0), 1 if unit else value)
    for (ci, slot), value in best.items():
        arc(ci, index(("slot", slot)), 1, -value)
    for ci in range(n_children):
        arc(ci, sink, 1, 0)  # not seen
    for slot in {slot for _, slot in best}:
        key, day = slot
        head_from = index(("slot", slot))
        runners = [key] if isinstance(key, str) else fits.get(key, [])
        for pid in runners:
            if (pid, day) in capacity:
                arc(head_from, index(("pday", pid, day)), n_children, 0)
    for (pid, day), cap in capacity.items():
        if ("pday", pid, day) in node:
            arc(node[("pday", pid, day)], sink, cap, 0)

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails, dtype=np.int32),
        np.array(heads, dtype=np.int32),
        np.array(caps, dtype=np.int64),
        np.array(costs, dtype=np.int64),
    )
    supplies = np.zeros(len(node) + n_children + 1, dtype=np.int64)
    supplies[:n_children] = 1
    supplies[sink] = -n_children
    flow.set_nodes_supplies(np.arange(len(supplies), dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:  # pragma: no cover - the network always has a flow
        raise RuntimeError(f"the any-links bound's flow failed ({status})")
    return -int(flow.optimal_cost())
