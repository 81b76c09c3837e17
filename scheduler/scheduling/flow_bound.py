"""A piece's bound without search: its children matched to its days as a min-cost flow.

Every plan of a piece sees each child at most once, on a day their option allows, at most
``max_per_day`` children a day and no more than the day's hours hold; it pays for each visit
and for the practitioner's busiest week. Both costs are shared out over the reviews that
cause them, which can only lower them:

- a visit to a place serves at most as many children as can be seen there that day (the daily
  limit, the children who could come, the reviews the place's hours hold), so each review
  there carries at least ``visit cost / that many``;
- the busiest week holds at least the average of the weeks the practitioner could work, so
  each review carries at least ``busy-week cost / those weeks``.

What is left is a maximum-weight matching of children to (practitioner, day) with day
capacities, solved exactly as a min-cost flow. Every plan of the piece is a feasible flow worth
at least its objective, so the flow's optimum is a bound of the piece (each share is rounded
down, which keeps it one). It knows which days each child can have and what travel costs,
which the CP-SAT search only learns after its first seconds: in a travel what-if on
data/sample its sum was 0.1% below the bound CP-SAT proved with two seconds a piece, for about
2 ms a piece.
``tests/test_scheduling_flow_bound.py`` checks it against every rota of random tiny pieces.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from scheduler.scheduling.model import review_worth
from scheduler.scheduling.problem import GroupProblem, Option
from scheduler.scheduling.rota import Slot

Place = tuple[str, str, int]
"""(practitioner, place, day)."""
Day = tuple[str, int]
"""(practitioner, day)."""


def _most_at_place(problem: GroupProblem) -> dict[Place, int]:
    """The most children one visit can serve: the daily limit, the children who could be seen
    there that day, and the reviews the place's hours hold."""
    options: dict[Place, list[Option]] = defaultdict(list)
    for child in problem.children:
        for option in child.options:
            for day in option.days:
                options[(option.practitioner_id, option.place, day)].append(option)
    limit = {p.practitioner_id: p.max_per_day for p in problem.practitioners}
    most: dict[Place, int] = {}
    for key, here in options.items():
        span = max(o.window_end for o in here) - min(o.window_start for o in here)
        fit = span // max(1, min(o.duration for o in here))
        most[key] = max(1, min(limit[key[0]], len(here), fit))
    return most


def _day_capacity(problem: GroupProblem) -> dict[Day, int]:
    """The most reviews a practitioner's day holds: the daily limit, and the shortest block
    repeated in the day's length less the shortest journey into a place (the first journey is
    free when the day does not start at base)."""
    info = {p.practitioner_id: p for p in problem.practitioners}
    shortest: dict[Day, int] = {}
    places: dict[Day, set[str]] = defaultdict(set)
    for child in problem.children:
        for option in child.options:
            for day in option.days:
                key = (option.practitioner_id, day)
                shortest[key] = min(shortest.get(key, option.duration), option.duration)
                places[key].add(option.place)
    capacity: dict[Day, int] = {}
    for key, block in shortest.items():
        p = info[key[0]]
        incoming = [p.min_incoming[s] for s in places[key]]
        slack = 0 if p.from_base else max(incoming)
        room = p.day_length + slack - min(incoming)
        capacity[key] = max(0, min(p.max_per_day, room // max(1, block)))
    return capacity


def _week_share(problem: GroupProblem) -> dict[str, int]:
    """Each practitioner's busy-week cost shared over the weeks they could see anyone."""
    if not problem.week_peak_cost:
        return {}
    weeks: dict[str, set[int]] = defaultdict(set)
    for child in problem.children:
        for option in child.options:
            weeks[option.practitioner_id].update(problem.week_of_day[d] for d in option.days)
    return {pid: problem.week_peak_cost // len(w) for pid, w in weeks.items()}


@dataclass(frozen=True, slots=True)
class DayFlow:
    """The flow's optimum, a bound of the piece, and the slot it gave each child it matched:
    a seed for a warm start that knows which days batch well."""

    bound: int
    slots: dict[str, Slot]


def day_flow(problem: GroupProblem) -> DayFlow:
    """The bound of every rota of ``problem`` (scaled points), and the flow's slots."""
    most = _most_at_place(problem)
    week = _week_share(problem)
    cost = {p.practitioner_id: p.visit_cost for p in problem.practitioners}
    worth: dict[tuple[int, Day], tuple[int, int]] = {}
    """(child, day) -> (worth net of its cost shares, option index) of its best option."""
    for c, child in enumerate(problem.children):
        for index, option in enumerate(child.options):
            pid = option.practitioner_id
            for day in option.days:
                share = cost[pid].get(option.place, 0) // most[(pid, option.place, day)]
                w = review_worth(problem, child, index, day) - share - week.get(pid, 0)
                key = (c, (pid, day))
                if w > 0 and w > worth.get(key, (0, 0))[0]:
                    worth[key] = (w, index)
    if not worth:
        return DayFlow(0, {})
    capacity = _day_capacity(problem)
    n = len(problem.children)
    day_node = {d: 2 + n + i for i, d in enumerate(sorted({d for _, d in worth}))}
    source, sink = 0, 1
    matched = list(worth)
    tails = [2 + c for c, _ in matched]
    heads = [day_node[d] for _, d in matched]
    caps = [1] * len(matched)
    costs = [-w for w, _ in worth.values()]
    tails += [source] * n + [2 + c for c in range(n)]  # each child seen once, or not at all
    heads += [2 + c for c in range(n)] + [sink] * n
    caps += [1] * (2 * n)
    costs += [0] * (2 * n)
    for worked, node in day_node.items():
        tails.append(node)
        heads.append(sink)
        caps.append(capacity[worked])
        costs.append(0)
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        np.array(tails), np.array(heads), np.array(caps), np.array(costs)
    )
    flow.set_node_supply(source, n)
    flow.set_node_supply(sink, -n)
    status = flow.solve()
    if status != flow.OPTIMAL:  # every child can always go unseen: never happens
        raise RuntimeError(f"the piece's flow bound did not solve ({status})")
    used = flow.flows(arcs[: len(matched)])
    slots = {
        problem.children[c].child_id: (worth[(c, worked)][1], worked[1])
        for (c, worked), f in zip(matched, used, strict=True)
        if f
    }
    return DayFlow(-int(flow.optimal_cost()), slots)
