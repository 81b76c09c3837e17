"""Lagrangian bound with knapsack subproblems: the LP bound made aware of indivisible loads.

Why: with soft capacities the LP splits items across agents and pays no overload, so when
loads are a tenth of a capacity (as in link matching) the LP bound sits several percent
below any assignment. Relaxing instead the *assignment* constraints leaves one knapsack per
agent, solved exactly by dynamic programming over integer load, so each agent's bound
respects whole items. Subgradient steps on the item multipliers, started from the LP duals,
raise the bound; any multipliers give a valid bound, so stopping early is safe.

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

MAX_CELLS = 200_000_000  # DP cells per iteration beyond which the bound is not attempted


def _agent_value(
    profit: FloatArray, load: IntArray, cap: int, penalty: float | None
) -> tuple[float, BoolArray]:
    """Max of profit(chosen) - penalty * overload (hard: load <= cap); returns value, chosen."""
    idx = np.flatnonzero(profit > 0)  # items at a loss are never worth taking
    chosen = np.zeros(profit.shape[0], dtype=bool)
    if idx.size == 0:
        return 0.0, chosen
    loads = load[idx]
    gains = profit[idx]
    if penalty is None:
        top = cap
    else:
        extra = math.floor(float(gains.sum()) / penalty) if penalty > 0 else int(loads.sum())
        top = int(min(int(loads.sum()), cap + extra))
    if top <= 0:
        # Only zero-load items can be taken.
        zero = loads == 0
        chosen[idx[zero]] = True
        return float(gains[zero].sum()), chosen
    dp = np.zeros(top + 1)
    took = np.zeros((idx.size, top + 1), dtype=bool)
    for t, (w, g) in enumerate(zip(loads.tolist(), gains.tolist(), strict=True)):
        if w > top:
            continue
        if w == 0:
            dp += g
            took[t, :] = True
            continue
        candidate = dp[:-w] + g
        better = candidate > dp[w:]
        dp[w:] = np.where(better, candidate, dp[w:])
        took[t, w:] = better
    levels = np.arange(top + 1)
    value = dp - (penalty * np.maximum(levels - cap, 0) if penalty is not None else 0.0)
    level = int(np.argmax(value))
    best = float(value[level])
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
    cells = sum(
        int(min(c.pair_load[p].sum(), 4 * cap[a] + 1)) * p.size for a, p in enumerate(by_agent)
    )
    if cells > MAX_CELLS:
        return -math.inf
    u = start.astype(np.float64).copy()
    best = -math.inf
    step = 1.0
    stall = 0
    last = 0.0  # the last iteration's seconds: stop before one would overrun the deadline
    for iteration in range(max_iterations):
        began = time.monotonic()
        if iteration and began + last > deadline:
            break  # the first iteration always runs: from the LP duals it is >= the LP bound
        profit = u[c.pair_item] - pair_cost
        total = float(u.sum())
        chosen = np.zeros(c.n_pairs, dtype=bool)
        for a, pairs in enumerate(by_agent):
            if pairs.size == 0:
                continue
            value, took = _agent_value(profit[pairs], c.pair_load[pairs], int(cap[a]), penalty)
            total -= value
            chosen[pairs[took]] = True
        if total > best + 1e-9 * max(1.0, abs(total)):
            best, stall = total, 0
        else:
            stall += 1
            if stall >= 5:
                step, stall = step / 2, 0
        last = time.monotonic() - began
        g = 1.0 - np.bincount(c.pair_item[chosen], minlength=c.n_items)
        norm = float((g * g).sum())
        if norm == 0 or step < 1e-4:
            break
        gap = max(upper - total, 1e-6 * max(1.0, abs(upper))) if math.isfinite(upper) else 1.0
        u += step * gap / norm * g
    # Floating-point sums: keep the bound on the safe side.
    return best - 1e-9 * max(1.0, abs(best))
