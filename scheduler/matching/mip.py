"""The same assignment model as a mixed-integer programme, for a MIP solver (SCIP or HiGHS).

Why: the issue asks how the CP-SAT core compares with a MIP on the *same* model, and a second,
independent formulation is a cross-check of optimality in tests. Both solvers ship inside
OR-Tools and are driven through MathOpt, which (unlike ``pywraplp``'s HiGHS interface) returns
the incumbent when the time limit ends the search; HiGHS then needs no separate package.
"""

from __future__ import annotations

import datetime
import math
import time

import numpy as np
from ortools.math_opt.python import mathopt

from scheduler.matching.problem import AssignmentProblem, AssignmentResult, to_result

BACKENDS = ("SCIP", "HIGHS")
_SOLVER_TYPES = {"SCIP": mathopt.SolverType.GSCIP, "HIGHS": mathopt.SolverType.HIGHS}


def solve_assignment_mip(
    problem: AssignmentProblem, *, backend: str = "SCIP", time_limit: float = 10.0
) -> AssignmentResult:
    """Solve ``problem`` with a MIP solver: same rules and objective as :func:`solve_assignment`.

    The objective reported is recomputed from the assignment (not the solver's float), and the
    bound is the solver's dual bound. Raises ``ValueError`` for an unknown backend.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
    if time_limit <= 0:
        raise ValueError("time_limit must be > 0")
    start = time.monotonic()
    c = problem.compiled
    if c.n_items == 0:
        return to_result(c, np.zeros(0, dtype=np.int64), "OPTIMAL", 0.0, 0.0)
    model = mathopt.Model(name="assignment")
    x = [model.add_binary_variable() for _ in range(c.n_pairs)]
    terms = [float(c.pair_cost[k]) * x[k] for k in range(c.n_pairs)]
    for pairs in c.item_pairs:
        model.add_linear_constraint(mathopt.fast_sum(x[int(k)] for k in pairs) == 1)
    by_agent: list[list[int]] = [[] for _ in range(c.n_agents)]
    for k in range(c.n_pairs):
        by_agent[int(c.pair_agent[k])].append(k)
    utilisation = model.add_variable(lb=0.0) if c.balance_weight > 0 else None
    if utilisation is not None:
        terms.append(c.balance_weight * utilisation)
    for a, pairs_of_agent in enumerate(by_agent):
        load = mathopt.fast_sum(float(c.pair_load[k]) * x[k] for k in pairs_of_agent)
        capacity = float(c.capacity[a])
        if c.soft:
            over = model.add_variable(lb=0.0)
            terms.append(c.overload_penalty * over)
            model.add_linear_constraint(load - over <= capacity)
        else:
            model.add_linear_constraint(load <= capacity)
        if c.max_items is not None:
            count = mathopt.fast_sum(x[k] for k in pairs_of_agent)
            model.add_linear_constraint(count <= float(c.max_items[a]))
        if utilisation is not None and capacity > 0:
            model.add_linear_constraint(100.0 / capacity * load <= utilisation)
    model.minimize(mathopt.fast_sum(terms))
    params = mathopt.SolveParameters(time_limit=datetime.timedelta(seconds=time_limit))
    result = mathopt.solve(model, _SOLVER_TYPES[backend], params=params)
    seconds = time.monotonic() - start
    reason = result.termination.reason
    bound = float(result.termination.objective_bounds.dual_bound)
    if reason in (  # binaries bound every variable that costs: "or unbounded" is infeasible
        mathopt.TerminationReason.INFEASIBLE,
        mathopt.TerminationReason.INFEASIBLE_OR_UNBOUNDED,
    ):
        return to_result(c, None, "INFEASIBLE", math.inf, seconds)
    if not result.has_primal_feasible_solution():
        return to_result(c, None, "UNKNOWN", bound, seconds)
    values = np.array(result.variable_values(x))
    choice = np.array([int(pairs[np.argmax(values[pairs])]) for pairs in c.item_pairs])
    if c.violations(choice):  # a float answer that rounds to a broken rule: report no solution
        return to_result(c, None, "UNKNOWN", bound, seconds)
    status = "OPTIMAL" if reason == mathopt.TerminationReason.OPTIMAL else "FEASIBLE"
    return to_result(c, choice, status, bound, seconds)
