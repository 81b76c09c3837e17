"""Lagrangian bound with knapsack subproblems: the LP bound made aware of indivisible loads.

Why: with soft capacities the LP splits items across agents and pays no overload, so when
loads are a tenth of a capacity (as in link matching) the LP bound sits several percent
below any assignment. Relaxing instead the *assignment* constraints leaves one knapsack per
agent, solved exactly by dynamic programming over integer load, so each agent's bound
respects whole items. Deflected subgradient steps on the item multipliers, started from the
LP duals, raise the bound; any multipliers give a valid bound, so stopping early is safe.

Speed is what makes the bound: each iteration must be cheap enough for dozens within a
second or two. Fixing items by the knapsack's own LP reduced costs leaves the programme a
few dozen items, which took an iteration on the large authority from 0.9 s to 0.05 s (bound
after 1.5 s: 8,425 -> 8,431; LP 8,422; link model before session 4's capacity correction).
Tried and dropped: solving the agents in two threads (slower: the GIL), and subgradient
steps on ``mu`` too (no better after 50 steps).

The balance term ``w * max utilisation`` is bounded below by ``w * sum(mu_a * util_a)`` for
weights ``mu`` summing to one (taken from the LP), which splits it across agents; the
max-items rule is dropped (dropping a constraint keeps the bound valid).
"""

from __future__ import annotations

import math
import time

import numpy as np
import numpy.typing as npt

from scheduler.matching.problem import Compiled, FloatArray, IntArray

BoolArray = npt.NDArray[np.bool_]

STALL_ITERATIONS = 5  # without a better bound, after which the step is halved
DEFLECTION = 0.5
MAX_CELLS = 20_000_000  # DP cells for one agent beyond which its knapsack's LP value is used


def _agent_value(
    profit: FloatArray, load: IntArray, cap: int, penalty: float | None
) -> tuple[float, BoolArray]:
    """Max of profit(chosen) - penalty * overload (hard: load <= cap); returns value, chosen.

    Exact, and fast because the dynamic programme only sees the few items whose side the
    knapsack's LP bound leaves open: with soft capacity, items worth their load at the
    overload price are always taken; then any item whose LP reduced cost exceeds the gap
    between the LP bound and a greedy packing is fixed to its LP side (no optimum differs).
    """
    n = profit.shape[0]
    chosen = np.zeros(n, dtype=bool)
    idx = np.flatnonzero(profit > 0)  # items at a loss are never worth taking
    if idx.size == 0:
        return 0.0, chosen
    gains = profit[idx]
    loads = load[idx].astype(np.int64)
    base = 0.0
    if penalty is None:
        fits = loads <= cap
        idx, gains, loads = idx[fits], gains[fits], loads[fits]
        room = cap
    else:
        # Adding an item with gain >= penalty * load never lowers the value.
        dense = gains >= penalty * loads
        chosen[idx[dense]] = True
        base = float(gains[dense].sum())
        room = cap - int(loads[dense].sum())
        if room <= 0:  # capacity already full: every other item would cost its overload
            return base - penalty * float(-room), chosen
        idx, gains, loads = idx[~dense], gains[~dense], loads[~dense]
    # From here on every item costs more in overload than it gains, once capacity is full.
    zero = loads == 0
    chosen[idx[zero]] = True
    base += float(gains[zero].sum())
    idx, gains, loads = idx[~zero], gains[~zero], loads[~zero]
    if idx.size == 0:
        return base, chosen
    order = np.argsort(-gains / loads, kind="stable")
    idx, gains, loads = idx[order], gains[order], loads[order]
    filled = np.cumsum(loads)
    k = int(np.searchsorted(filled, room, side="right"))  # items 0..k-1 fit whole
    if k == idx.size:  # everything fits
        chosen[idx] = True
        return base + float(gains.sum()), chosen
    ratio = float(gains[k] / loads[k])  # the critical item's: the knapsack's LP dual
    upper = ratio * room + float(np.maximum(gains - ratio * loads, 0.0).sum())
    # A feasible packing: greedy by ratio, skipping items that do not fit.
    lower, left = 0.0, room
    for g, w in zip(gains.tolist(), loads.tolist(), strict=True):
        if w <= left:
            lower, left = lower + g, left - w
    ceiling = base + upper  # the LP's value: what to answer if the programme is too big
    slack = upper - lower
    reduced = np.abs(gains - ratio * loads)
    fixed = reduced > slack + 1e-9 * max(1.0, abs(upper))
    in_lp = np.arange(idx.size) < k
    fixed_in = fixed & in_lp
    chosen[idx[fixed_in]] = True
    base += float(gains[fixed_in].sum())
    room -= int(loads[fixed_in].sum())
    free = ~fixed
    in_lp_free = idx[in_lp & free]
    idx, gains, loads = idx[free], gains[free], loads[free]
    single = -math.inf  # soft: the best lone item at least as big as the room
    lone = -1
    if penalty is None:
        top = room
    else:
        # An optimum never overshoots the room by a whole item (dropping it would pay), so
        # one holding an item as big as the room holds nothing else.
        big = loads >= room
        if big.any():
            worth = gains[big] - penalty * (loads[big] - room)
            lone = int(np.argmax(worth))
            single, lone = float(worth[lone]), int(idx[big][lone])
            idx, gains, loads = idx[~big], gains[~big], loads[~big]
        top = room + int(loads.max(initial=0)) - 1
    if idx.size == 0 or top <= 0:
        if single > 0:
            chosen[lone] = True
            return base + single, chosen
        return base, chosen
    if idx.size * (top + 1) > MAX_CELLS:
        # Too big to solve exactly: the LP's value overestimates the best, so the bound
        # built on it stays valid (only weaker).
        chosen[in_lp_free] = True
        return ceiling, chosen
    dp = np.zeros(top + 1)
    took = np.zeros((idx.size, top + 1), dtype=bool)
    for t, (w, g) in enumerate(zip(loads.tolist(), gains.tolist(), strict=True)):
        if w > top:
            continue
        candidate = dp[:-w] + g
        better = candidate > dp[w:]
        dp[w:] = np.where(better, candidate, dp[w:])
        took[t, w:] = better
    value = dp
    if penalty is not None:
        levels = np.arange(top + 1)
        value = dp - penalty * np.maximum(levels - room, 0)
    level = int(np.argmax(value))
    if single > float(value[level]):
        chosen[lone] = True
        return base + single, chosen
    best = base + float(value[level])
    for t in range(idx.size - 1, -1, -1):
        if took[t, level]:
            chosen[idx[t]] = True
            level -= int(loads[t])
    return best, chosen


def lagrangian_bound(
    compiled: Compiled,
    start: FloatArray,
    mu: FloatArray,
    upper: float,
    deadline: float,
    max_iterations: int = 200,
) -> float:
    """Best Lagrangian bound found from item multipliers ``start`` before ``deadline``.

    ``mu`` weights the balance term per agent (sums to one); ``upper`` is an incumbent's
    objective, used only to size the subgradient steps.
    """
    c = compiled
    if c.n_items == 0:
        return 0.0
    cap = c.capacity
    by_agent = [np.flatnonzero(c.pair_agent == a) for a in range(c.n_agents)]
    penalty = c.overload_penalty if c.soft else None
    util_cost = np.where(cap > 0, c.balance_weight * mu * 100.0 / np.maximum(cap, 1), 0.0)
    pair_cost = c.pair_cost + util_cost[c.pair_agent] * c.pair_load
    loads = [c.pair_load[pairs] for pairs in by_agent]
    caps = [int(v) for v in cap]

    def solve_agents(profit: FloatArray, chosen: BoolArray) -> float:
        value = 0.0
        for a, pairs in enumerate(by_agent):
            if pairs.size:
                v, took = _agent_value(profit[pairs], loads[a], caps[a], penalty)
                value += v
                chosen[pairs[took]] = True
        return value

    u = start.astype(np.float64).copy()
    best = -math.inf
    step = 1.0
    stall = 0
    direction: FloatArray | None = None
    last = 0.0  # the last iteration's seconds: stop before one would overrun the deadline
    for iteration in range(max_iterations):
        began = time.monotonic()
        if iteration and began + last > deadline:
            break  # the first iteration always runs: from the LP duals it is >= the LP bound
        profit = u[c.pair_item] - pair_cost
        chosen = np.zeros(c.n_pairs, dtype=bool)
        total = float(u.sum()) - solve_agents(profit, chosen)
        if total > best + 1e-9 * max(1.0, abs(total)):
            best, stall = total, 0
        else:
            stall += 1
            if stall >= STALL_ITERATIONS:
                step, stall = step / 2, 0
        last = time.monotonic() - began
        g = (1.0 - np.bincount(c.pair_item[chosen], minlength=c.n_items)).astype(np.float64)
        # Deflected subgradient: half the last direction damps the zig-zag of plain steps.
        heading = g if direction is None else g + DEFLECTION * direction
        norm = float((heading * heading).sum())
        if not (g != 0).any() or norm == 0 or step < 1e-4:
            break
        gap = max(upper - total, 1e-6 * max(1.0, abs(upper))) if math.isfinite(upper) else 1.0
        u += step * gap / norm * heading
        direction = heading
    # Floating-point sums: keep the bound on the safe side.
    return best - 1e-9 * max(1.0, abs(best))
