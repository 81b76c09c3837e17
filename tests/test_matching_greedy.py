"""Greedy construction and LP repair (scheduler/matching/greedy.py): the baseline, never
better than the optimum, feasible whenever it says so, and a repair that mends capacities."""

from __future__ import annotations

import numpy as np
import pytest
from matching_builders import Row, agents_of, make_problem, optimum

from scheduler.matching.greedy import greedy_assignment, greedy_choice, repair

TIGHT: list[Row] = [
    ("i1", "A", 1, 6),
    ("i1", "B", 2, 6),
    ("i2", "A", 1, 5),
    ("i2", "B", 9, 5),
    ("i3", "A", 3, 4),
    ("i3", "B", 3, 4),
]


def test_greedy_is_feasible_and_never_better_than_the_optimum() -> None:
    """Its solution breaks no rule and costs at least the brute-force optimum."""
    problem = make_problem(TIGHT, {"A": 10, "B": 10})
    result = greedy_assignment(problem)
    assert result.status == "FEASIBLE" and set(result.assignment) == {"i1", "i2", "i3"}
    assert result.objective >= optimum(problem.compiled)


def test_when_cheapest_first_leaves_an_item_out_packing_places_it() -> None:
    """Cheapest-first fills A with i1 and leaves i2 nowhere; the packing pass fits all."""
    rows: list[Row] = [("i1", "A", 1, 6), ("i1", "B", 2, 4), ("i2", "A", 1, 4), ("i2", "B", 9, 7)]
    problem = make_problem(rows, {"A": 6, "B": 5})
    choice = greedy_choice(problem.compiled)
    assert (choice >= 0).all()
    assert agents_of(problem.compiled, choice) == ["B", "A"]


def test_no_room_anywhere_is_unknown_not_a_wrong_answer() -> None:
    """Two items that cannot both fit: greedy says UNKNOWN and assigns nothing."""
    problem = make_problem([("i1", "A", 1, 6), ("i2", "A", 1, 6)], {"A": 10})
    result = greedy_assignment(problem)
    assert result.status == "UNKNOWN" and result.assignment == {}


def test_repair_moves_items_off_an_over_full_agent_cheapest_first() -> None:
    """Everything on A (over capacity): the cheapest moves to B, one at a time, until A fits."""
    problem = make_problem(TIGHT, {"A": 10, "B": 10})
    c = problem.compiled
    on_a = np.array([next(k for k in c.item_pairs[j] if c.pair_agent[k] == 0) for j in range(3)])
    assert c.violations(on_a) == ["capacity of A"]
    mended = repair(c, on_a)
    assert c.violations(mended) == []
    # i3 to B costs nothing but leaves A over (11); then i1 to B (cost 1): A 5, B 10.
    assert agents_of(c, mended) == ["B", "A", "B"]
    assert c.objective(mended) == pytest.approx(2 + 1 + 3) == optimum(c)
