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

import numpy as np
from ortools.graph.python import min_cost_flow

from scheduler.availability import Availability, bits
from scheduler.config import ReviewModel
from scheduler.domain import Authority, Child
from scheduler.plan import Appointment
from scheduler.priority import SCALE
from scheduler.review import allowed_models, block_minutes, own_model, runs_on_link


@dataclass(frozen=True, slots=True)
class AnyLinksBound:
    """Upper bounds over every choice of links: the objective (points) and children seen."""

    points: float
    children: int


HoursClass = tuple[str, int, int, int]
"""(kind, earliest start, latest end, block minutes) of visits any practitioner might make."""
Slot = tuple[HoursClass | str, int]
"""(an hours class, or the one practitioner who must run the review; a day index)."""


def _day_values(
    child: Child, availability: Availability, model: ReviewModel, bonus: float, days: list[int]
) -> list[int]:
    """Upper bounds of the child's value on each of ``days`` with any practitioner: the
    earliness half of the day bonus taken at its best, since it depends on the practitioner's
    days."""
    config = availability.config
    w = config.priorities
    window = availability.windows[child.child_id]
    base = availability.priority(child) + bonus
    base += w.own_model * (model == own_model(child, config)) + 0.5 * w.earlier_in_window
    in_window = round(SCALE * (base + 0.5 * w.earlier_in_window))
    late = round(SCALE * base)
    term = availability.term.days
    return [in_window if term[d] <= window.in_window_end else late for d in days]


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
    *,
    stability: float = 0.0,
) -> AnyLinksBound:
    """Bounds of the objective and of the children seen over every choice of links.

    ``previous`` slots may be kept even inside the notice period, each worth ``stability``
    points more (the re-plan's bonus)."""
    previous = previous or {}
    config = authority.config
    term = availability.term
    bonus_points = stability if previous else 0.0

    # arcs child -> (hours class | own practitioner, day), each with its value
    child_arcs: list[tuple[int, Slot, int]] = []
    classes: dict[HoursClass, None] = {}
    min_block = None
    for ci, child in enumerate(children):
        for model in allowed_models(child, config):
            need = block_minutes(child, model, config)
            min_block = need if min_block is None else min(min_block, need)
            mask = availability.family_days(child, model) & availability.new_days
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
            bonus = bonus_points if child.child_id in previous else 0.0
            days = bits(mask)
            for day, value in zip(
                days, _day_values(child, availability, model, bonus, days), strict=True
            ):
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

    network = _network(len(children), child_arcs, fits, capacity)
    points = _solve(network, network.points)
    seen = _solve(network, network.units)
    return AnyLinksBound(points / SCALE, seen)


@dataclass(frozen=True)
class _Network:
    """The flow network, built once: arcs (tail, head, capacity), the value-cost of each arc
    for the points bound and its unit cost for the children bound, and the supplies."""

    tails: np.ndarray
    heads: np.ndarray
    caps: np.ndarray
    points: np.ndarray
    units: np.ndarray
    supplies: np.ndarray


def _network(
    n_children: int,
    child_arcs: list[tuple[int, Slot, int]],
    fits: Mapping[HoursClass, list[str]],
    capacity: Mapping[tuple[str, int], int],
) -> _Network:
    node: dict[object, int] = {}

    def index(key: object) -> int:
        found = node.get(key)
        if found is None:
            found = node[key] = len(node) + n_children + 1
        return found

    sink = n_children
    arcs: list[tuple[int, int, int, int, int]] = []  # tail, head, capacity, -value, -1
    best: dict[tuple[int, Slot], int] = {}
    for ci, slot, value in child_arcs:
        best[(ci, slot)] = max(best.get((ci, slot), 0), value)
    for (ci, slot), value in best.items():
        arcs.append((ci, index(("slot", slot)), 1, -value, -1))
    for ci in range(n_children):
        arcs.append((ci, sink, 1, 0, 0))  # not seen
    for slot in {slot for _, slot in best}:
        key, day = slot
        head_from = index(("slot", slot))
        runners = [key] if isinstance(key, str) else fits.get(key, [])
        for pid in runners:
            if (pid, day) in capacity:
                arcs.append((head_from, index(("pday", pid, day)), n_children, 0, 0))
    for (pid, day), cap in capacity.items():
        if ("pday", pid, day) in node:
            arcs.append((node[("pday", pid, day)], sink, cap, 0, 0))
    table = np.array(arcs, dtype=np.int64)
    supplies = np.zeros(len(node) + n_children + 1, dtype=np.int64)
    supplies[:n_children] = 1
    supplies[sink] = -n_children
    return _Network(
        table[:, 0].astype(np.int32),
        table[:, 1].astype(np.int32),
        table[:, 2],
        table[:, 3],
        table[:, 4],
        supplies,
    )


def _solve(network: _Network, costs: np.ndarray) -> int:
    """The flow's best total (values or children): minus its least cost."""
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(network.tails, network.heads, network.caps, costs)
    flow.set_nodes_supplies(np.arange(len(network.supplies), dtype=np.int32), network.supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:  # pragma: no cover - the network always has a flow
        raise RuntimeError(f"the any-links bound's flow failed ({status})")
    return -int(flow.optimal_cost())
