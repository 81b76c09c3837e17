"""The MIP formulation (SCIP, HiGHS) of the assignment model: same rules, same optimum."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from test_matching_core import (
    DATA,
    brute_force,
    choice_of,
    make_problem,
    small_problems,
)

from scheduler.matching import AssignmentProblem, read_orlib_gap
from scheduler.matching.mip import BACKENDS, solve_assignment_mip


@pytest.mark.parametrize("backend", BACKENDS)
def test_cattrysse_gap1_0_optimum(backend: str) -> None:
    pairs, caps = read_orlib_gap(DATA / "gap1-0")
    result = solve_assignment_mip(AssignmentProblem(pairs, caps), backend=backend, time_limit=20)
    assert result.status == "OPTIMAL"
    assert result.objective == 261 and result.best_bound == pytest.approx(261)


@pytest.mark.parametrize("backend", BACKENDS)
def test_soft_capacity_and_balance_are_modelled(backend: str) -> None:
    """Overload is paid per unit; the balance term moves an item off the busiest agent."""
    rows = [("i1", "A", 0, 6), ("i1", "B", 1, 6), ("i2", "A", 0, 6), ("i2", "B", 5, 6)]
    cheap_overload = make_problem(rows, {"A": 6, "B": 6}, overload_penalty=0.1)
    result = solve_assignment_mip(cheap_overload, backend=backend, time_limit=5)
    assert result.assignment == {"i1": "A", "i2": "A"}
    assert result.objective == pytest.approx(0.6) and result.overload == {"A": 6}
    balanced = make_problem(rows, {"A": 6, "B": 6}, overload_penalty=0.1, balance_weight=1.0)
    result = solve_assignment_mip(balanced, backend=backend, time_limit=5)
    assert result.assignment == {"i1": "B", "i2": "A"}


def test_unknown_backend_is_a_value_error() -> None:
    problem = make_problem([("i1", "A", 1, 1)], {"A": 1})
    with pytest.raises(ValueError, match="backend"):
        solve_assignment_mip(problem, backend="CPLEX")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_mip_matches_brute_force_on_small_instances(problem: AssignmentProblem) -> None:
    """Every rule (pins aside) is in the MIP: its optimum is the enumerated one."""
    best = brute_force(problem)
    for backend in BACKENDS:
        result = solve_assignment_mip(problem, backend=backend, time_limit=5)
        if math.isinf(best):
            assert result.status == "INFEASIBLE", backend
            continue
        assert result.status == "OPTIMAL", backend
        assert not problem.compiled.violations(choice_of(problem, result))
        assert result.objective == pytest.approx(best, abs=1e-6), backend
        assert result.best_bound <= best + 1e-6
