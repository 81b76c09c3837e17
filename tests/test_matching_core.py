"""The generic assignment core: one test per rule, brute-force checks, the OR-Library optimum.
(The reader itself: test_matching_orlib.py; the ``gap`` command: test_commands_gap.py.)"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.matching import (
    AssignmentProblem,
    AssignmentResult,
    greedy_assignment,
    read_orlib_gap,
)
from scheduler.matching.core import solve_assignment

DATA = Path(__file__).parent / "data"
LIMIT = 5.0

Row = tuple[str, str, float, int]


def make_problem(rows: list[Row], caps: Mapping[str, int], **options: Any) -> AssignmentProblem:
    """Problem from (item, agent, cost, load) rows and agent capacities."""
    pairs = pl.DataFrame(
        rows,
        schema={"item": pl.String, "agent": pl.String, "cost": pl.Float64, "load": pl.Int64},
        orient="row",
    )
    capacities = pl.DataFrame(
        {"agent": list(caps), "capacity": list(caps.values())},
        schema={"agent": pl.String, "capacity": pl.Int64},
    )
    return AssignmentProblem(pairs, capacities, **options)


def solve(problem: AssignmentProblem, **options: Any) -> AssignmentResult:
    return solve_assignment(problem, time_limit=LIMIT, **options)


def count(result: AssignmentResult, agent: str) -> int:
    return sum(1 for a in result.assignment.values() if a == agent)


# Two items both cheapest on A; A has room for one of them only.
TWO_ON_A: list[Row] = [("i1", "A", 1, 5), ("i1", "B", 10, 5), ("i2", "A", 1, 5), ("i2", "B", 10, 5)]


def test_hard_capacity_is_respected() -> None:
    """A full agent takes no more items: one item goes to the dearer agent."""
    result = solve(make_problem(TWO_ON_A, {"A": 5, "B": 10}))
    assert result.status == "OPTIMAL"
    assert count(result, "A") == 1 and count(result, "B") == 1
    assert result.objective == 11


def test_pinned_pair_is_kept() -> None:
    """A pinned item stays with its agent even when another is cheaper."""
    result = solve(make_problem(TWO_ON_A, {"A": 10, "B": 10}, pinned={"i1": "B"}))
    assert result.assignment == {"i1": "B", "i2": "A"}


def test_forbidden_pair_is_never_used() -> None:
    """A forbidden pair is avoided even when it is the cheapest."""
    result = solve(make_problem(TWO_ON_A, {"A": 10, "B": 10}, forbidden=frozenset({("i2", "A")})))
    assert result.assignment == {"i1": "A", "i2": "B"}


THREE_ON_A: list[Row] = [(f"i{j}", a, 1 if a == "A" else 5, 1) for j in range(3) for a in "AB"]


def test_max_items_for_every_agent() -> None:
    """An integer max_items caps every agent's number of items."""
    result = solve(make_problem(THREE_ON_A, {"A": 10, "B": 10}, max_items=2))
    assert count(result, "A") == 2


def test_max_items_per_agent() -> None:
    """A mapping caps only the agents it names."""
    result = solve(make_problem(THREE_ON_A, {"A": 10, "B": 10}, max_items={"A": 1}))
    assert count(result, "A") == 1 and count(result, "B") == 2


def test_balance_term_spreads_the_load() -> None:
    """With a balance weight the items are split, without it both go to the cheaper agent."""
    rows: list[Row] = [("i1", "A", 1, 5), ("i1", "B", 2, 5), ("i2", "A", 1, 5), ("i2", "B", 2, 5)]
    plain = solve(make_problem(rows, {"A": 10, "B": 10}))
    balanced = solve(make_problem(rows, {"A": 10, "B": 10}, balance_weight=1.0))
    assert count(plain, "A") == 2
    assert count(balanced, "A") == 1
    assert balanced.objective == pytest.approx(3 + 50)  # costs 1 + 2, top utilisation 50%


def test_soft_capacity_allows_paid_overload() -> None:
    """Soft capacities let load exceed capacity at the penalty, which is counted and reported."""
    result = solve(make_problem(TWO_ON_A, {"A": 5, "B": 10}, overload_penalty=1.0))
    assert count(result, "A") == 2
    assert result.overload == {"A": 5}
    assert result.objective == pytest.approx(1 + 1 + 5)


def test_loads_depend_on_the_agent() -> None:
    """Each pair's own load counts: the same items fit together on A only with A's loads."""
    rows: list[Row] = [("i1", "A", 1, 9), ("i1", "B", 5, 1), ("i2", "A", 1, 1), ("i2", "B", 5, 9)]
    result = solve(make_problem(rows, {"A": 10, "B": 10}))
    assert result.assignment == {"i1": "A", "i2": "A"}
    heavier = [("i2", "A", 1, 2) if r[:2] == ("i2", "A") else r for r in rows]
    moved = solve(make_problem(heavier, {"A": 10, "B": 10}))
    assert count(moved, "A") == 1 and moved.objective == 6


def test_unassignable_items_are_reported_and_the_rest_solved() -> None:
    """An item whose only pair is forbidden is listed, not assigned; the others are solved."""
    rows = [*TWO_ON_A, ("i3", "A", 1, 1)]
    result = solve(make_problem(rows, {"A": 10, "B": 10}, forbidden=frozenset({("i3", "A")})))
    assert result.unassignable == ["i3"]
    assert result.assignment == {"i1": "A", "i2": "A"}


def test_infeasible_when_loads_exceed_all_capacity() -> None:
    """Hard capacities too small for the items give INFEASIBLE (LP already infeasible)."""
    rows: list[Row] = [("i1", "A", 1, 5), ("i2", "A", 1, 5)]
    assert solve(make_problem(rows, {"A": 5})).status == "INFEASIBLE"


def test_infeasible_when_only_fractions_would_fit() -> None:
    """Three items of load 4 into two agents of 6: the LP fits, no assignment does."""
    rows: list[Row] = [(f"i{j}", a, 1, 4) for j in range(3) for a in "AB"]
    result = solve(make_problem(rows, {"A": 6, "B": 6}))
    assert result.status == "INFEASIBLE" and result.assignment == {}


def random_problem(seed: int, n_items: int = 60, n_agents: int = 6) -> AssignmentProblem:
    rng = random.Random(seed)
    rows: list[Row] = [
        (f"i{j}", f"a{a}", float(rng.randint(1, 50)), rng.randint(1, 20))
        for j in range(n_items)
        for a in range(n_agents)
    ]
    caps = {f"a{a}": int(n_items * 10.5 * 0.8 / n_agents) for a in range(n_agents)}
    return make_problem(rows, caps)


@pytest.mark.parametrize("soft", [False, True])
def test_same_seed_one_worker_same_result(soft: bool) -> None:
    """With one worker and a seed, two runs return the same assignment and objective."""
    problem = random_problem(7)
    if soft:  # the soft path runs neighbourhood search: it must repeat too
        problem = AssignmentProblem(
            problem.pairs, problem.capacities, overload_penalty=2.0, balance_weight=0.5
        )
    first = solve_assignment(problem, time_limit=1.0, seed=3, deterministic=True)
    second = solve_assignment(problem, time_limit=1.0, seed=3, deterministic=True)
    assert first.assignment == second.assignment
    assert first.objective == second.objective


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_greedy_is_never_better_than_solve(seed: int) -> None:
    """The solver's objective is at most the greedy baseline's."""
    problem = random_problem(seed)
    greedy = greedy_assignment(problem)
    result = solve_assignment(problem, time_limit=1.0)
    assert result.is_feasible()
    assert result.objective <= greedy.objective + 1e-9
    assert result.best_bound <= result.objective + 1e-9


def test_greedy_is_never_better_than_solve_in_soft_mode() -> None:
    """Soft capacities with a balance term: still never worse than greedy."""
    base = random_problem(4)
    problem = AssignmentProblem(
        base.pairs, base.capacities, overload_penalty=3.0, balance_weight=0.5
    )
    greedy = greedy_assignment(problem)
    assert solve_assignment(problem, time_limit=1.0).objective <= greedy.objective + 1e-9


def _objective_of(problem: AssignmentProblem, assignment: Mapping[str, str]) -> float:
    """The objective of an item -> agent assignment."""
    c = problem.compiled
    index = {a: i for i, a in enumerate(c.agents)}
    pairs = {(c.items[int(c.pair_item[k])], int(c.pair_agent[k])): k for k in range(c.n_pairs)}
    choice = [pairs[item, index[assignment[item]]] for item in c.items]
    return float(c.objective(np.array(choice, dtype=np.int64)))


def test_a_start_is_never_made_worse() -> None:
    """Assignments to start from (a what-if's links) besides the hint: a short search from a
    good one ends at most at its cost, where the same search without it ends dearer."""
    problem = random_problem(5, n_items=80, n_agents=8)
    good = solve_assignment(problem, time_limit=2.0, deterministic=True).assignment
    quick = solve_assignment(problem, time_limit=0.01, deterministic=True)
    started = solve_assignment(problem, time_limit=0.01, deterministic=True, starts=[good])
    assert quick.objective > _objective_of(problem, good) + 1e-9
    assert started.objective <= _objective_of(problem, good) + 1e-9


def test_a_feasible_hint_is_never_made_worse() -> None:
    """The solver starts from a caller's hint: its result costs at most the hint's."""
    problem = random_problem(5, n_items=80, n_agents=8)
    hint = solve_assignment(problem, time_limit=1.0).assignment
    hinted = solve_assignment(problem, time_limit=0.2, hint=hint)
    c = problem.compiled
    index = {a: i for i, a in enumerate(c.agents)}
    pairs = {(c.items[int(c.pair_item[k])], int(c.pair_agent[k])): k for k in range(c.n_pairs)}
    choice = np.array([pairs[item, index[hint[item]]] for item in c.items], dtype=np.int64)
    assert hinted.objective <= c.objective(choice) + 1e-9


@pytest.mark.parametrize(
    ("options", "rows", "message"),
    [
        ({}, [("i1", "Z", 1, 1)], "without a capacity"),  # agent unknown
        ({}, [("i1", "A", 1, -1)], "negative load"),
        ({}, [("i1", "A", 1, 1), ("i1", "A", 2, 1)], "twice"),  # duplicate pair
        ({"pinned": {"i1": "B"}}, [("i1", "A", 1, 1)], "not a candidate"),
        (
            {"pinned": {"i1": "A"}, "forbidden": frozenset({("i1", "A")})},
            [("i1", "A", 1, 1)],
            "forbidden",
        ),
        ({"max_items": {"Q": 1}}, [("i1", "A", 1, 1)], "unknown agents"),
        ({"max_items": -1}, [("i1", "A", 1, 1)], "max_items"),
        ({"balance_weight": -1.0}, [("i1", "A", 1, 1)], "balance_weight"),
        ({"overload_penalty": math.nan}, [("i1", "A", 1, 1)], "overload_penalty"),
        ({}, [("i1", "A", math.inf, 1)], "finite"),
    ],
)
def test_programmer_errors_raise_value_error(
    options: dict[str, Any], rows: list[Row], message: str
) -> None:
    """Inconsistent problems are refused on construction with a clear message."""
    with pytest.raises(ValueError, match=message):
        make_problem(rows, {"A": 10, "B": 10}, **options)


def test_cattrysse_gap1_0_is_solved_to_its_optimum() -> None:
    """OR-Library gap1-0 (minimisation optimum 261) is solved and proven optimal."""
    pairs, caps = read_orlib_gap(DATA / "gap1-0")
    result = solve(AssignmentProblem(pairs, caps))
    assert result.status == "OPTIMAL"
    assert result.objective == 261 and result.best_bound == pytest.approx(261)


def choice_of(problem: AssignmentProblem, result: AssignmentResult) -> np.ndarray[Any, Any]:
    """The result's assignment as pair indices of the compiled problem."""
    c = problem.compiled
    agent_of = {k: c.agents[int(c.pair_agent[k])] for k in range(c.n_pairs)}
    return np.array(
        [
            next(int(k) for k in c.item_pairs[j] if agent_of[int(k)] == result.assignment[item])
            for j, item in enumerate(c.items)
        ],
        dtype=np.int64,
    )


def brute_force(problem: AssignmentProblem) -> float:
    """Optimal objective by enumerating every assignment of the compiled problem."""
    c = problem.compiled
    best = math.inf
    for combo in itertools.product(*c.item_pairs):
        choice = np.array(combo, dtype=np.int64)
        if not c.violations(choice):
            best = min(best, c.objective(choice))
    return best


@st.composite
def small_problems(draw: st.DrawFn) -> AssignmentProblem:
    n_items = draw(st.integers(1, 6))
    n_agents = draw(st.integers(1, 3))
    rows: list[Row] = []
    for j in range(n_items):
        for a in range(n_agents):
            if draw(st.booleans()) or a == 0:
                rows.append((f"i{j}", f"a{a}", draw(st.integers(0, 20)), draw(st.integers(0, 6))))
    caps = {f"a{a}": draw(st.integers(0, 12)) for a in range(n_agents)}
    soft = draw(st.booleans())
    return make_problem(
        rows,
        caps,
        overload_penalty=float(draw(st.integers(0, 5))) if soft else None,
        balance_weight=float(draw(st.sampled_from([0, 0, 0.5, 2]))),
        max_items=draw(st.sampled_from([None, 2, 3])),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_matches_brute_force_on_small_instances(problem: AssignmentProblem) -> None:
    """On tiny instances the solver is optimal, feasible and its bound is valid."""
    best = brute_force(problem)
    result = solve_assignment(problem, time_limit=2.0, workers=1)
    if math.isinf(best):
        assert result.status == "INFEASIBLE"
        return
    assert result.status == "OPTIMAL"
    assert not problem.compiled.violations(choice_of(problem, result))
    tolerance = 1e-6 + (0.01 if problem.balance_weight else 0.0)
    assert result.objective == pytest.approx(best, abs=tolerance)
    assert result.best_bound <= best + 1e-6


def sparse_soft_problem(seed: int) -> AssignmentProblem:
    """Link-shaped: 700 items on a line, each with its 8 nearest of 70 agents; short capacity.

    Over 5,000 pairs, so the solver goes straight to neighbourhood search (no full model).
    """
    rng = random.Random(seed)
    n_items, n_agents = 700, 70
    rows: list[Row] = []
    for j in range(n_items):
        centre = j * n_agents // n_items
        for a in range(max(0, centre - 4), min(n_agents, centre + 4)):
            rows.append((f"i{j}", f"a{a}", float(abs(a - centre)), rng.randint(20, 200)))
    caps = {f"a{a}": rng.randint(800, 1200) for a in range(n_agents)}
    return make_problem(rows, caps, overload_penalty=0.05, balance_weight=0.05)


@pytest.mark.parametrize("workers", [1, 2])
def test_neighbourhood_search_improves_a_sparse_soft_problem(workers: int) -> None:
    """Parallel (two lanes) and sequential neighbourhood search both beat greedy and report
    the exact objective of what they return, with a bound below it."""
    problem = sparse_soft_problem(11)
    c = problem.compiled
    assert c.n_pairs > 5000
    greedy = greedy_assignment(problem)
    result = solve_assignment(problem, time_limit=2.0, workers=workers, seed=1)
    assert result.is_feasible()
    assert result.objective < greedy.objective
    assert result.objective == pytest.approx(c.objective(choice_of(problem, result)))
    assert result.best_bound <= result.objective + 1e-9
