"""The shift-and-swap local search: every move is priced exactly and never breaks a rule."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_matching_core import TWO_ON_A, make_problem, small_problems

from scheduler.matching import AssignmentProblem
from scheduler.matching.local_search import LocalSearch, descend
from scheduler.matching.problem import Compiled, IntArray


def feasible_solutions(c: Compiled) -> list[IntArray]:
    """Every complete solution honouring the hard rules (tiny instances only)."""
    out = []
    for combo in itertools.product(*c.item_pairs):
        choice = np.array(combo, dtype=np.int64)
        if not c.violations(choice):
            out.append(choice)
    return out


def with_move(choice: IntArray, c: Compiled, *pairs: int) -> IntArray:
    moved = choice.copy()
    for k in pairs:
        moved[c.pair_item[k]] = k
    return moved


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_shift_and_swap_prices_are_exact(problem: AssignmentProblem) -> None:
    """Each finite price is the objective change of the move; ``inf`` exactly when it breaks
    a capacity or the max-items limit (or moves nothing)."""
    c = problem.compiled
    for choice in feasible_solutions(c)[:5]:
        search = LocalSearch(c, choice)
        assert search.objective() == pytest.approx(c.objective(choice))
        prices = search.shift_prices()
        for k in range(c.n_pairs):
            moved = with_move(choice, c, k)
            if choice[c.pair_item[k]] == k or c.violations(moved):
                assert prices[k] == math.inf
            else:
                assert prices[k] == pytest.approx(c.objective(moved) - c.objective(choice))
        k1, k2 = search.swap_candidates()
        swap = search.swap_prices(k1, k2)
        for a, b, price in zip(k1, k2, swap, strict=True):
            moved = with_move(choice, c, int(a), int(b))
            if c.violations(moved):
                assert price == math.inf
            else:
                assert price == pytest.approx(c.objective(moved) - c.objective(choice))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems(), st.integers(0, 3))
def test_descent_stays_feasible_and_never_worsens(problem: AssignmentProblem, seed: int) -> None:
    """From any feasible start: still feasible, no worse, and no improving shift is left."""
    c = problem.compiled
    starts = feasible_solutions(c)
    if not starts:
        return
    start = starts[seed % len(starts)]
    result = descend(c, start, math.inf)
    assert not c.violations(result)
    assert c.objective(result) <= c.objective(start) + 1e-9
    assert (LocalSearch(c, result).shift_prices() >= -1e-9).all()


def test_swap_finds_what_no_shift_can() -> None:
    """Two full agents each holding the other's cheap item: only a swap improves."""
    rows = [("i1", "A", 9, 5), ("i1", "B", 1, 5), ("i2", "A", 1, 5), ("i2", "B", 9, 5)]
    c = make_problem(rows, {"A": 5, "B": 5}).compiled
    bad = np.array([0, 3])  # i1 on A, i2 on B
    assert c.objective(bad) == 18
    assert (LocalSearch(c, bad).shift_prices() == math.inf).all()  # every shift overfills
    assert c.objective(descend(c, bad, math.inf)) == 2


def test_descent_respects_a_hard_capacity() -> None:
    """Both items are cheapest on A, which has room for one: the descent never overfills A."""
    c = make_problem(TWO_ON_A, {"A": 5, "B": 10}).compiled
    result = descend(c, np.array([1, 3]), math.inf)  # both on B
    assert not c.violations(result)
    assert c.objective(result) == 11
