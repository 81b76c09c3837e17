"""The same assignment model as a mixed-integer programme, for a MIP solver (SCIP or HiGHS).

Why: the issue asks how the CP-SAT core compares with a MIP on the *same* model, and a second,
independent formulation is a cross-check of optimality in tests. Both solvers ship inside
OR-Tools (``pywraplp``), so nothing extra is installed and HiGHS needs no subprocess.
"""

from __future__ import annotations

import math
import time

import numpy as np
from ortools.linear_solver import pywraplp

from scheduler.matching.problem import AssignmentProblem, AssignmentResult, to_result

BACKENDS = ("SCIP", "HIGHS")

_STATUS = {
    pywraplp.Solver.OPTIMAL: "OPTIMAL",
    pywraplp.Solver.FEASIBLE: "FEASIBLE",
    pywraplp.Solver.INFEASIBLE: "INFEASIBLE",
    pywraplp.Solver.MODEL_INVALID: "MODEL_INVALID",
}


def solve_assignment_mip(
    problem: AssignmentProblem, *, backend: str = "SCIP", time_limit: float = 10.0
) -> AssignmentResult:
    """Solve ``problem`` with a MIP solver: same rules and objective as :func:`solve_assignment`.

    The objective reported is recomputed from the assignment (not the solver's float), and the
    bound is the solver's best bound. Raises ``ValueError`` for an unknown backend.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
    if time_limit <= 0:
        raise ValueError("time_limit must be > 0")
    start = time.monotonic()
    c = problem.compiled
    if c.n_items == 0:
        return to_result(c, np.zeros(0, dtype=np.int64), "OPTIMAL", 0.0, 0.0)
    solver = pywraplp.Solver.CreateSolver(backend)
    if solver is None:  # pragma: no cover - both backends are part of the OR-Tools wheel
        raise ValueError(f"OR-Tools was built without {backend}")
    solver.SetTimeLimit(max(1, int(time_limit * 1000)))
    inf = solver.infinity()
    x = [solver.BoolVar("") for _ in range(c.n_pairs)]
    objective = solver.Objective()
    for k, var in enumerate(x):
        objective.SetCoefficient(var, float(c.pair_cost[k]))
    for pairs in c.item_pairs:
        row = solver.Constraint(1.0, 1.0)
        for k in pairs:
            row.SetCoefficient(x[int(k)], 1.0)
    capacity_rows = [solver.Constraint(-inf, float(cap)) for cap in c.capacity]
    count_rows = (
        [solver.Constraint(-inf, float(limit)) for limit in c.max_items]
        if c.max_items is not None
        else []
    )
    balanced = c.balance_weight > 0
    balance_rows = {
        a: solver.Constraint(-inf, 0.0) for a in range(c.n_agents) if balanced and c.capacity[a] > 0
    }
    for k, var in enumerate(x):
        a, load = int(c.pair_agent[k]), float(c.pair_load[k])
        capacity_rows[a].SetCoefficient(var, load)
        if count_rows:
            count_rows[a].SetCoefficient(var, 1.0)
        if a in balance_rows:
            balance_rows[a].SetCoefficient(var, 100.0 * load / float(c.capacity[a]))
    if c.soft:
        for row in capacity_rows:
            over = solver.NumVar(0.0, inf, "")
            objective.SetCoefficient(over, c.overload_penalty)
            row.SetCoefficient(over, -1.0)
    if balance_rows:
        utilisation = solver.NumVar(0.0, inf, "")
        objective.SetCoefficient(utilisation, c.balance_weight)
        for row in balance_rows.values():
            row.SetCoefficient(utilisation, -1.0)
    objective.SetMinimization()
    status = _STATUS.get(solver.Solve(), "UNKNOWN")
    seconds = time.monotonic() - start
    if status not in ("OPTIMAL", "FEASIBLE"):
        bound = math.inf if status == "INFEASIBLE" else -math.inf
        return to_result(c, None, status, bound, seconds)
    values = np.array([var.solution_value() for var in x])
    choice = np.array([int(pairs[np.argmax(values[pairs])]) for pairs in c.item_pairs])
    if c.violations(choice):  # a float answer that rounds to a broken rule: report no solution
        return to_result(c, None, "UNKNOWN", objective.BestBound(), seconds)
    return to_result(c, choice, status, float(objective.BestBound()), seconds)
