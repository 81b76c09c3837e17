"""The CP-SAT model of the assignment problem (scheduler/matching/model.py): integer scaling that
keeps the objective exact, and sub-models that re-assign some items with the rest fixed."""

from __future__ import annotations

import numpy as np
from matching_builders import Row, agents_of, make_problem, optimum
from ortools.sat.python import cp_model

from scheduler.matching.model import build_model, ceil_div, choose_scaling

ROWS: list[Row] = [
    ("i1", "A", 1.5, 6),
    ("i1", "B", 2.25, 6),
    ("i2", "A", 1.0, 5),
    ("i2", "B", 9.0, 5),
    ("i3", "A", 3.0, 4),
    ("i3", "B", 3.0, 4),
]


def solve(model: cp_model.CpModel) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 10
    assert solver.solve(model) == cp_model.OPTIMAL
    return solver


def test_scaling_is_the_smallest_power_of_ten_making_costs_integral() -> None:
    """Costs in quarters need ×100; integral costs need none; the scaling is exact."""
    quarters = choose_scaling(make_problem(ROWS, {"A": 10, "B": 10}).compiled)
    assert quarters.factor == 100 and quarters.exact
    assert list(quarters.pair_cost) == [150, 225, 100, 900, 300, 300]
    whole = choose_scaling(make_problem([("i1", "A", 3.0, 1)], {"A": 1}).compiled)
    assert whole.factor == 1 and whole.exact and whole.util_steps == 0


def test_ceil_div_rounds_up() -> None:
    """Whole-number division rounding up, for utilisation steps."""
    assert (ceil_div(7, 2), ceil_div(6, 2), ceil_div(0, 5)) == (4, 3, 0)


def test_the_full_model_finds_the_optimum_at_the_scaled_objective() -> None:
    """Every item free: CP-SAT's optimum, divided by the factor, is the brute-force optimum."""
    problem = make_problem(ROWS, {"A": 10, "B": 10})
    c = problem.compiled
    scaling = choose_scaling(c)
    sub = build_model(c, scaling, np.arange(c.n_pairs), np.full(c.n_items, -1))
    solver = solve(sub.model)
    choice = sub.read(solver, np.full(c.n_items, -1))
    assert c.violations(choice) == []
    assert solver.objective_value / scaling.factor == c.objective(choice) == optimum(c)


def test_a_sub_model_keeps_fixed_items_and_counts_their_load() -> None:
    """Only i1's pairs free, i2 and i3 fixed on A (load 9 of 10): i1 must go to B."""
    c = make_problem(ROWS, {"A": 10, "B": 10}).compiled
    on = {
        agent: [k for k in range(c.n_pairs) if c.agents[int(c.pair_agent[k])] == agent]
        for agent in "AB"
    }
    current = np.array([on["A"][0], on["A"][1], on["A"][2]])
    free = np.array(list(c.item_pairs[0]))
    sub = build_model(c, choose_scaling(c), free, current)
    choice = sub.read(solve(sub.model), current)
    assert agents_of(c, choice) == ["B", "A", "A"]
    assert list(sub.free_items) == [0]
