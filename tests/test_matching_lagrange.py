"""The knapsack Lagrangian bound: each agent's knapsack solved exactly, the bound always valid."""

from __future__ import annotations

import itertools
import math
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_matching_core import brute_force, make_problem, small_problems

from scheduler.matching import AssignmentProblem, lagrange
from scheduler.matching.lagrange import _agent_value, lagrangian_bound
from scheduler.matching.lp import solve_lp


def knapsack_by_enumeration(
    profit: list[float], load: list[int], cap: int, penalty: float | None
) -> float:
    """Best profit minus overload penalty (or within ``cap`` when hard), over every subset."""
    best = -math.inf
    for mask in itertools.product([False, True], repeat=len(profit)):
        total = sum(p for p, m in zip(profit, mask, strict=True) if m)
        used = sum(w for w, m in zip(load, mask, strict=True) if m)
        if penalty is None:
            if used <= cap:
                best = max(best, total)
        else:
            best = max(best, total - penalty * max(0, used - cap))
    return best


@st.composite
def knapsacks(draw: st.DrawFn) -> tuple[list[float], list[int], int, float | None]:
    n = draw(st.integers(0, 8))
    profit = [draw(st.integers(-20, 40)) / 4 for _ in range(n)]
    load = [draw(st.integers(0, 25)) for _ in range(n)]
    cap = draw(st.integers(0, 40))
    penalty = draw(st.sampled_from([None, None, 0.05, 0.25, 1.0, 4.0]))
    return profit, load, cap, penalty


@settings(max_examples=400, deadline=None)
@given(knapsacks())
def test_each_agents_knapsack_is_solved_exactly(
    case: tuple[list[float], list[int], int, float | None],
) -> None:
    """Dense items taken, LP-side fixing, lone big items: none of it loses the optimum, and
    the chosen set is worth what is claimed and fits a hard capacity."""
    profit, load, cap, penalty = case
    value, chosen = _agent_value(np.array(profit), np.array(load, dtype=np.int64), cap, penalty)
    assert value == pytest.approx(knapsack_by_enumeration(profit, load, cap, penalty), abs=1e-9)
    used = int(np.array(load, dtype=np.int64)[chosen].sum())
    claimed = float(np.array(profit)[chosen].sum())
    if penalty is None:
        assert used <= cap
    else:
        claimed -= penalty * max(0, used - cap)
    assert claimed == pytest.approx(value, abs=1e-9)


@pytest.mark.parametrize(
    ("profit", "load", "cap", "penalty", "expected"),
    [
        # Both items, 6 minutes over: worth 15.8 - 6, more than one alone.
        ([7.9, 7.9], [8, 8], 10, 1.0, 9.8),
        # A lone item bigger than the capacity beats the small ones.
        ([1.0, 1.0, 30.0], [3, 3, 40], 10, 0.5, 15.0),
        # Items worth more than their overload are taken even when nothing fits.
        ([9.0, 9.0, 2.0], [4, 4, 5], 0, 2.0, 2.0),
        # Hard: the best pair that fits, not the greedy first item.
        ([5.0, 3.1, 3.1], [6, 5, 5], 10, None, 6.2),
    ],
)
def test_knapsack_edge_cases(
    profit: list[float], load: list[int], cap: int, penalty: float | None, expected: float
) -> None:
    """Overshooting by less than an item, a lone big item, dense items, a hard pair."""
    assert knapsack_by_enumeration(profit, load, cap, penalty) == pytest.approx(expected)
    value, _ = _agent_value(np.array(profit), np.array(load, dtype=np.int64), cap, penalty)
    assert value == pytest.approx(expected)


def test_a_knapsack_too_big_to_solve_answers_its_lp_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Beyond the cell limit the LP value is given: never below the true best, so the bound
    built on it stays valid."""
    profit, load = [5.0, 4.0, 3.0, 3.0], [6, 5, 4, 4]
    exact = knapsack_by_enumeration(profit, load, 9, None)
    monkeypatch.setattr(lagrange, "MAX_CELLS", 0)
    value, _ = _agent_value(np.array(profit), np.array(load), 9, None)
    assert exact == 7.0
    assert value == pytest.approx(7.4)  # the first item whole, 3/5 of the second


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems(), st.integers(0, 2**32 - 1))
def test_the_bound_is_valid_for_any_multipliers(problem: AssignmentProblem, seed: int) -> None:
    """Whatever the item multipliers and balance weights, the bound never exceeds the optimum."""
    best = brute_force(problem)
    if math.isinf(best):
        return
    c = problem.compiled
    rng = np.random.default_rng(seed)
    start = rng.uniform(-5, 30, c.n_items)
    mu = rng.dirichlet(np.ones(c.n_agents))
    bound = lagrangian_bound(c, start, mu, best, time.monotonic() + 5, 30)
    assert bound <= best + 1e-6


def test_indivisible_loads_lift_the_bound_above_the_lp() -> None:
    """Three items of 6 for two agents of 9 (soft, 1 per minute over): the LP splits an item
    and pays nothing; whole items overload one agent by 3, and the bound comes close."""
    rows = [(f"i{j}", a, 0.0, 6) for j in range(3) for a in ("A", "B")]
    problem = make_problem(rows, {"A": 9, "B": 9}, overload_penalty=1.0)
    c = problem.compiled
    lp = solve_lp(c)
    assert lp.bound == pytest.approx(0.0, abs=1e-6)
    bound = lagrangian_bound(c, lp.item_price, lp.balance_share, 3.0, time.monotonic() + 5, 200)
    assert brute_force(problem) == pytest.approx(3.0)
    assert 2.5 <= bound <= 3.0 + 1e-9
