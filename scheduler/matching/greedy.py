"""Greedy construction and LP repair: the baseline, and the solver's first incumbents.

Kept deliberately simple and fast (numpy per item, no search) so it can run on every solve.
"""

from __future__ import annotations

import math
import time

import numpy as np

from scheduler.matching.problem import (
    AssignmentProblem,
    AssignmentResult,
    Compiled,
    IntArray,
    to_result,
)


def _hardest_first(compiled: Compiled) -> list[int]:
    """Items with fewest candidates first, then those whose lightest fit is the largest."""
    cap = np.maximum(compiled.capacity, 1).astype(np.float64)
    ratio = compiled.pair_load / cap[compiled.pair_agent]
    lightest = np.full(compiled.n_items, np.inf)
    np.minimum.at(lightest, compiled.pair_item, ratio)
    count = np.bincount(compiled.pair_item, minlength=compiled.n_items)
    return sorted(range(compiled.n_items), key=lambda j: (count[j], -lightest[j], j))


class _State:
    """Loads, counts and utilisations of a partial solution, with move costs."""

    def __init__(self, compiled: Compiled, choice: IntArray) -> None:
        self.c = compiled
        self.choice = choice
        self.loads = compiled.agent_loads(choice)
        self.counts = compiled.agent_counts(choice)
        cap = compiled.capacity
        self.inv_cap = np.where(cap > 0, 100.0 / np.maximum(cap, 1), 0.0)

    def penalty(self, agent: int, load: int) -> float:
        """Overload cost of ``agent`` carrying ``load``."""
        return self.c.overload_penalty * max(0, load - int(self.c.capacity[agent]))

    def max_util_without(self, skip: tuple[int, ...]) -> float:
        util = self.loads * self.inv_cap
        if skip:
            util = util.copy()
            util[list(skip)] = 0.0
        return float(util.max()) if util.size else 0.0

    def fits(self, agent: int, extra_load: int, extra_count: int) -> bool:
        c = self.c
        if not c.soft and self.loads[agent] + extra_load > c.capacity[agent]:
            return False
        return c.max_items is None or self.counts[agent] + extra_count <= c.max_items[agent]

    def move_delta(self, item: int, new_pair: int) -> float:
        """Objective change of moving ``item`` to ``new_pair`` (or placing it, if unset)."""
        c = self.c
        old_pair = int(self.choice[item])
        b = int(c.pair_agent[new_pair])
        lb = int(c.pair_load[new_pair])
        delta = float(c.pair_cost[new_pair])
        touched: dict[int, int] = {b: int(self.loads[b]) + lb}
        if old_pair >= 0:
            a = int(c.pair_agent[old_pair])
            delta -= float(c.pair_cost[old_pair])
            touched[a] = touched.get(a, int(self.loads[a])) - int(c.pair_load[old_pair])
        if c.soft:
            for agent, load in touched.items():
                delta += self.penalty(agent, load) - self.penalty(agent, int(self.loads[agent]))
        if c.balance_weight:
            before = float((self.loads * self.inv_cap).max())
            after = max(
                [self.max_util_without(tuple(touched))]
                + [load * self.inv_cap[agent] for agent, load in touched.items()]
            )
            delta += c.balance_weight * (after - before)
        return delta

    def apply(self, item: int, new_pair: int) -> None:
        c = self.c
        old_pair = int(self.choice[item])
        if old_pair >= 0:
            a = int(c.pair_agent[old_pair])
            self.loads[a] -= c.pair_load[old_pair]
            self.counts[a] -= 1
        b = int(c.pair_agent[new_pair])
        self.loads[b] += c.pair_load[new_pair]
        self.counts[b] += 1
        self.choice[item] = new_pair


def _construct(compiled: Compiled, by_cost: bool) -> IntArray:
    state = _State(compiled, np.full(compiled.n_items, -1, dtype=np.int64))
    for item in _hardest_first(compiled):
        best, best_key = -1, (math.inf, math.inf)
        for k in compiled.item_pairs[item]:
            agent, load = int(compiled.pair_agent[k]), int(compiled.pair_load[k])
            if not state.fits(agent, load, 1):
                continue
            left = int(compiled.capacity[agent]) - int(state.loads[agent])
            room = (load + 1) / max(1, left + 1)  # share of the room left (soft: may be none)
            cost = state.move_delta(item, int(k))
            key = (cost, room) if by_cost else (room, cost)
            if key < best_key:
                best, best_key = int(k), key
        if best >= 0:
            state.apply(item, best)
    return state.choice


def greedy_choice(compiled: Compiled) -> IntArray:
    """Hardest item first, each to the cheapest agent with room (soft: cheapest overall).

    When hard capacities leave some item without room, a second pass puts each item where it
    takes the smallest share of the room left (a packing rule, cost breaking ties) and that
    pass is kept if it places more items. Items that fit nowhere stay ``-1``.
    """
    choice = _construct(compiled, by_cost=True)
    if (choice < 0).any():
        packed = _construct(compiled, by_cost=False)
        if (packed < 0).sum() < (choice < 0).sum():
            return packed
    return choice


def greedy_assignment(problem: AssignmentProblem) -> AssignmentResult:
    """The baseline: greedy construction only; ``UNKNOWN`` when some item found no room."""
    start = time.monotonic()
    compiled = problem.compiled
    choice = greedy_choice(compiled)
    complete = bool((choice >= 0).all())
    return to_result(
        compiled,
        choice if complete else None,
        "FEASIBLE" if complete else "UNKNOWN",
        -math.inf,
        time.monotonic() - start,
    )


def repair(compiled: Compiled, choice: IntArray, max_moves: int | None = None) -> IntArray:
    """Move items off over-full agents, cheapest move first, until every hard rule holds.

    Meant for a rounded LP solution, which breaks capacities at only a few agents. Returns
    the (possibly still infeasible) result; the caller checks it.
    """
    c = compiled
    state = _State(c, choice.copy())
    limit = c.n_items if max_moves is None else max_moves
    for _ in range(limit):
        over_load = (state.loads > c.capacity) if not c.soft else np.zeros(c.n_agents, bool)
        over_count = (
            state.counts > c.max_items if c.max_items is not None else np.zeros(c.n_agents, bool)
        )
        bad = over_load | over_count
        if not bad.any():
            break
        held = state.choice >= 0
        on_bad = np.flatnonzero(held & bad[c.pair_agent[np.maximum(state.choice, 0)]])
        best, best_cost = (-1, -1), math.inf
        for item in on_bad:
            current = int(state.choice[item])
            for k in c.item_pairs[item]:
                agent = int(c.pair_agent[k])
                if k == current or bad[agent] or not state.fits(agent, int(c.pair_load[k]), 1):
                    continue
                cost = float(c.pair_cost[k] - c.pair_cost[current])
                if cost < best_cost:
                    best, best_cost = (int(item), int(k)), cost
        if best[0] < 0:
            break
        state.apply(*best)
    return state.choice
