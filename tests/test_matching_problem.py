"""The assignment problem, checked and compiled (scheduler/matching/problem.py): what is decided
before any search (forbidden pairs, pins, loads that never fit), the exact objective, the hard
rules a solution breaks, and programmer errors refused on construction."""

from __future__ import annotations

import math

import numpy as np
import pytest
from matching_builders import Row, make_problem

from scheduler.matching.problem import STRICT_BOUNDS, gap_of, to_result, vouched_bound

ROWS: list[Row] = [
    ("i1", "A", 1, 4),
    ("i1", "B", 3, 4),
    ("i2", "A", 2, 4),
    ("i2", "B", 5, 4),
    ("i3", "B", 7, 20),  # fits nowhere: B holds 10
]


def test_pairs_that_can_never_be_used_are_dropped_and_their_items_reported() -> None:
    """A load bigger than its agent's capacity drops the pair; an item with no pair left is
    unassignable, not silently lost."""
    c = make_problem(ROWS, {"A": 10, "B": 10}).compiled
    assert c.items == ("i1", "i2") and c.unassignable == ("i3",)
    assert c.n_pairs == 4 and c.agents == ("A", "B")


def test_forbidden_and_pinned_pairs_leave_only_the_allowed_ones() -> None:
    """A forbidden pair is gone; a pinned item keeps only its pin."""
    c = make_problem(
        ROWS[:4], {"A": 10, "B": 10}, forbidden=frozenset({("i1", "A")}), pinned={"i2": "B"}
    ).compiled
    allowed = {
        (c.items[int(c.pair_item[k])], c.agents[int(c.pair_agent[k])]) for k in range(c.n_pairs)
    }
    assert allowed == {("i1", "B"), ("i2", "B")}


def test_a_pin_is_kept_even_when_it_cannot_fit() -> None:
    """A pinned pair too heavy for its agent stays: that problem is infeasible, not re-pinned."""
    c = make_problem(
        [("i1", "A", 1, 20), ("i1", "B", 1, 1)], {"A": 10, "B": 10}, pinned={"i1": "A"}
    ).compiled
    assert c.n_pairs == 1 and c.unassignable == ()
    assert c.violations(np.array([0])) == ["capacity of A"]


def test_the_objective_counts_costs_overload_and_balance() -> None:
    """Costs, plus the penalty per unit over capacity (soft), plus balance × top utilisation."""
    rows: list[Row] = [("i1", "A", 1, 6), ("i2", "A", 2, 6)]
    hard = make_problem(rows, {"A": 20}).compiled
    assert hard.objective(np.array([0, 1])) == 3
    soft = make_problem(rows, {"A": 10}, overload_penalty=0.5, balance_weight=0.1).compiled
    assert soft.objective(np.array([0, 1])) == pytest.approx(3 + 0.5 * 2 + 0.1 * 120)
    assert soft.max_utilisation(soft.agent_loads(np.array([0, 1]))) == pytest.approx(120)


def test_violations_name_each_broken_rule() -> None:
    """Incomplete, over capacity, over the item limit: each said; a good choice has none."""
    rows: list[Row] = [("i1", "A", 1, 6), ("i2", "A", 2, 6), ("i1", "B", 1, 1), ("i2", "B", 1, 1)]
    c = make_problem(rows, {"A": 10, "B": 10}, max_items={"B": 1}).compiled
    a1, b1 = [k for k in c.item_pairs[0]]
    a2, b2 = [k for k in c.item_pairs[1]]
    assert c.violations(np.array([a1, -1])) == ["not every item is assigned"]
    assert c.violations(np.array([a1, a2])) == ["capacity of A"]
    assert c.violations(np.array([b1, b2])) == ["max items of B"]
    assert c.violations(np.array([a1, b2])) == []


@pytest.mark.parametrize(
    ("rows", "caps", "options", "message"),
    [
        (ROWS[:2], {"A": 1}, {}, "without a capacity"),  # B has no capacity row
        (ROWS[:1] * 2, {"A": 1}, {}, "twice"),
        (ROWS[:1], {"A": -1}, {}, "negative capacity"),
        (ROWS[:1], {"A": 5}, {"pinned": {"i1": "B"}}, "not a candidate pair"),
        (ROWS[:1], {"A": 5}, {"balance_weight": math.nan}, "balance_weight"),
        (ROWS[:1], {"A": 5}, {"max_items": {"Z": 1}}, "unknown agents"),
    ],
)
def test_programmer_errors_are_refused_on_construction(
    rows: list[Row], caps: dict[str, int], options: dict[str, object], message: str
) -> None:
    """An inconsistent problem never reaches a solver."""
    with pytest.raises(ValueError, match=message):
        make_problem(rows, caps, **options)


def test_gap_is_relative_to_the_objective_and_infinite_when_unknown() -> None:
    """``(objective − bound) / max(1, |objective|)``; unknown figures give ``inf``."""
    assert gap_of(110.0, 100.0) == pytest.approx(10 / 110)
    assert gap_of(0.5, 0.0) == pytest.approx(0.5)
    assert gap_of(math.inf, 100.0) == math.inf and gap_of(10.0, -math.inf) == math.inf
    assert gap_of(100.0, 110.0) == pytest.approx(-0.1), "a negative gap is shown, not hidden"


def test_a_bound_above_the_cost_is_rounding_or_no_bound_at_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Within rounding it is the cost; beyond, no bound is claimed (never clamped to the cost),
    and with the suite's strict flag it raises."""
    assert vouched_bound(99.0, 100.0) == 99.0
    assert vouched_bound(100.0 + 1e-8, 100.0) == 100.0
    with pytest.raises(AssertionError, match="above the cost"):
        vouched_bound(101.0, 100.0)
    monkeypatch.delenv(STRICT_BOUNDS)
    assert vouched_bound(101.0, 100.0) == -math.inf


def test_an_optimal_claim_resting_on_a_bad_bound_is_only_feasible(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A search that says OPTIMAL with a bound above its own cost: the result says FEASIBLE
    with an unknown gap."""
    monkeypatch.delenv(STRICT_BOUNDS)
    problem = make_problem([("i1", "A", 1, 6), ("i2", "A", 2, 6)], {"A": 10}, overload_penalty=1.0)
    result = to_result(problem.compiled, np.array([0, 1]), "OPTIMAL", 9.0, 0.1)
    assert result.objective == 5 and result.status == "FEASIBLE"
    assert result.best_bound == -math.inf and result.gap == math.inf


def test_a_result_names_the_solution_in_the_callers_terms() -> None:
    """Items to agents by name, overload per agent, unassignable items listed; no solution:
    an empty assignment with an infinite objective."""
    problem = make_problem([("i1", "A", 1, 6), ("i2", "A", 2, 6)], {"A": 10}, overload_penalty=1.0)
    result = to_result(problem.compiled, np.array([0, 1]), "OPTIMAL", 4.0, 0.1)
    assert result.assignment == {"i1": "A", "i2": "A"} and result.overload == {"A": 2}
    assert result.objective == 5 and result.is_feasible()
    none = to_result(problem.compiled, None, "INFEASIBLE", -math.inf, 0.1)
    assert none.assignment == {} and none.objective == math.inf and not none.is_feasible()
