"""The LP relaxation (scheduler/matching/lp.py): its bound never exceeds the optimum, and a pair
whose reduced cost exceeds the room between an incumbent and the bound can never improve it."""

from __future__ import annotations

import random

import numpy as np
import pytest
from matching_builders import Row, choices, make_problem, optimum

from scheduler.matching.lp import solve_lp


def random_rows(seed: int) -> tuple[list[Row], dict[str, int]]:
    rng = random.Random(seed)
    rows = [
        (f"i{j}", a, float(rng.randint(1, 9)), rng.randint(1, 6)) for j in range(5) for a in "ABC"
    ]
    return rows, {a: rng.randint(6, 12) for a in "ABC"}


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("options", [{}, {"overload_penalty": 2.0}, {"balance_weight": 0.05}])
def test_the_bound_is_never_above_the_optimum(seed: int, options: dict[str, float]) -> None:
    """On small random problems (hard, soft, balanced) the LP bound ≤ brute-force optimum."""
    rows, caps = random_rows(seed)
    problem = make_problem(rows, caps, **options)
    best = optimum(problem.compiled)
    lp = solve_lp(problem.compiled)
    assert lp.bound <= best + 1e-6


def test_reduced_costs_bound_every_solution() -> None:
    """For every feasible choice x: objective(x) ≥ bound + Σ reduced costs of x's pairs."""
    rows, caps = random_rows(11)
    c = make_problem(rows, caps).compiled
    lp = solve_lp(c)
    assert (lp.reduced_cost >= -1e-9).all()
    for choice in choices(c):
        if not c.violations(choice):
            assert c.objective(choice) >= lp.bound + lp.reduced_cost[choice].sum() - 1e-6


def test_an_uncapacitated_problem_has_the_exact_bound() -> None:
    """With room for everything the LP picks each item's cheapest pair: bound = optimum."""
    rows: list[Row] = [("i1", "A", 1, 1), ("i1", "B", 4, 1), ("i2", "A", 6, 1), ("i2", "B", 2, 1)]
    lp = solve_lp(make_problem(rows, {"A": 10, "B": 10}).compiled)
    assert lp.optimal and lp.bound == pytest.approx(3)
    assert np.allclose(lp.value, [1, 0, 0, 1])
