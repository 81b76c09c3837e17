"""LP relaxation (GLOP): an honest lower bound, reduced costs for fixing, fractional guidance.

The LP of the GAP is tight (typically within 0.1% of the optimum), cheap, and its duals say
which pairs cannot be part of any solution better than an incumbent. The bound is *not*
GLOP's reported objective: the duals are projected onto valid Lagrange multipliers and the
Lagrangian bound is recomputed exactly, so solver tolerances cannot make it wrong.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from scheduler.matching.problem import Compiled, FloatArray


@dataclass(frozen=True, eq=False)
class LpRelaxation:
    """Bound and per-pair information from the LP relaxation.

    For every feasible solution ``x``: ``objective(x) >= bound + sum(reduced_cost[k] for k in x)``,
    so a pair whose reduced cost exceeds ``incumbent - bound`` cannot improve the incumbent.
    """

    bound: float
    reduced_cost: FloatArray  # per pair, >= 0
    value: FloatArray  # per pair, the LP's x
    optimal: bool
    item_price: FloatArray  # per item, the assignment constraint's multiplier
    balance_share: FloatArray  # per agent, its share of the balance term's multiplier


def _lagrangian(
    compiled: Compiled, lam: FloatArray, mu: FloatArray, nu: FloatArray
) -> tuple[float, FloatArray, FloatArray]:
    """Bound and reduced costs for multipliers on capacity (lam), balance (mu), count (nu)."""
    agent = compiled.pair_agent
    cap = compiled.capacity.astype(np.float64)
    per_load = lam + np.where(cap > 0, 100.0 * mu / np.maximum(cap, 1.0), 0.0)
    lag = compiled.pair_cost + per_load[agent] * compiled.pair_load + nu[agent]
    best = np.full(compiled.n_items, np.inf)
    np.minimum.at(best, compiled.pair_item, lag)
    bound = float(best.sum() - (lam * cap).sum())
    if compiled.max_items is not None:
        bound -= float((nu * compiled.max_items).sum())
    return bound, lag - best[compiled.pair_item], best


def solve_lp(compiled: Compiled, time_limit: float = 10.0) -> LpRelaxation:
    """Solve the LP relaxation with GLOP and derive a valid Lagrangian bound from its duals."""
    n_agents = compiled.n_agents
    zeros = np.zeros(n_agents)
    solver = pywraplp.Solver.CreateSolver("GLOP")
    solver.SetTimeLimit(int(time_limit * 1000))
    inf = solver.infinity()
    x = [solver.NumVar(0.0, inf, "") for _ in range(compiled.n_pairs)]
    objective = solver.Objective()
    for k, var in enumerate(x):
        objective.SetCoefficient(var, float(compiled.pair_cost[k]))
    for pairs in compiled.item_pairs:
        row = solver.Constraint(1.0, 1.0)
        for k in pairs:
            row.SetCoefficient(x[k], 1.0)
    cap_rows = [solver.Constraint(-inf, float(c)) for c in compiled.capacity]
    count_rows = (
        [solver.Constraint(-inf, float(v)) for v in compiled.max_items]
        if compiled.max_items is not None
        else []
    )
    weight = compiled.balance_weight
    balanced = [a for a in range(n_agents) if weight > 0 and compiled.capacity[a] > 0]
    bal_rows = {a: solver.Constraint(-inf, 0.0) for a in balanced}
    for k, var in enumerate(x):
        a = int(compiled.pair_agent[k])
        load = float(compiled.pair_load[k])
        cap_rows[a].SetCoefficient(var, load)
        if count_rows:
            count_rows[a].SetCoefficient(var, 1.0)
        if a in bal_rows:
            bal_rows[a].SetCoefficient(var, 100.0 * load / float(compiled.capacity[a]))
    if compiled.soft:
        for a in range(n_agents):
            over = solver.NumVar(0.0, inf, "")
            objective.SetCoefficient(over, compiled.overload_penalty)
            cap_rows[a].SetCoefficient(over, -1.0)
    if balanced:
        util = solver.NumVar(0.0, inf, "")
        objective.SetCoefficient(util, weight)
        for row in bal_rows.values():
            row.SetCoefficient(util, -1.0)
    objective.SetMinimization()
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        # Infeasible LP (hard capacities too small) or no answer in time: no information.
        empty = np.zeros(compiled.n_pairs)
        bound = np.inf if status == pywraplp.Solver.INFEASIBLE else -np.inf
        return LpRelaxation(
            bound, empty, empty, False, np.zeros(compiled.n_items), np.zeros(n_agents)
        )

    lam = np.maximum(0.0, -np.array([row.dual_value() for row in cap_rows]))
    if compiled.soft:
        lam = np.minimum(lam, compiled.overload_penalty)
    mu = zeros.copy()
    for a, row in bal_rows.items():
        mu[a] = max(0.0, -row.dual_value())
    if mu.sum() > weight > 0:
        mu *= weight / mu.sum()
    nu = (
        np.maximum(0.0, -np.array([row.dual_value() for row in count_rows]))
        if count_rows
        else zeros
    )
    bound, reduced, price = _lagrangian(compiled, lam, mu, nu)
    value = np.array([var.solution_value() for var in x])
    share = mu / mu.sum() if mu.sum() > 0 else np.full(n_agents, 1.0 / max(1, n_agents))
    return LpRelaxation(bound, reduced, value, status == pywraplp.Solver.OPTIMAL, price, share)
