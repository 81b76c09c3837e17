"""Further searches ("rounds") of pieces that ran out of time, checked by brute force on tiny
random authorities: the plan keeps every rule, its objective <= the best plan with its links
<= its bound, and it is OPTIMAL only when it is that best (scheduler/scheduling/solve.py).

Tiny pieces are proven in milliseconds, so a first search "runs out of time" by decree: the
greedy rota or a real search (drawn), with only some of its children kept (drawn), reported
as having used its whole limit; the time left then goes to real searches from it, in this
process (one worker) or in threads (two).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bounds_brute_force import (
    CHILD_WEIGHTS,
    _assert_true_against_every_plan,
    _with_weight,
    tiny,
)

from scheduler import pipeline
from scheduler.domain import Authority
from scheduler.pipeline import PlanOptions, make_plan
from scheduler.scheduling import solve
from scheduler.scheduling.problem import GroupProblem
from scheduler.scheduling.rota import Rota
from scheduler.scheduling.solve import ROUND_GAP, ModelCache, PieceOutcome, slots_of
from scheduler.stopping import StopSignal


class _RunsOutFirst:
    """``solve_piece`` whose first search of a piece used its whole limit (``ran out``)."""

    def __init__(self, real_first: list[bool], keep: list[bool]) -> None:
        self.real = solve.solve_piece
        self.real_first = real_first
        self.keep = keep
        self.starts: list[PieceOutcome] = []
        self.first_short = 0
        self.firsts = 0
        # the first searches' objectives and bounds together: no round once within ROUND_GAP
        self.first_objective = 0
        self.first_bound = 0

    def __call__(
        self,
        problem: GroupProblem,
        time_limit: float,
        seed: int = 0,
        use_model: bool = True,
        stop: StopSignal | None = None,
        deterministic: bool = False,
        cache: ModelCache | None = None,
        start: PieceOutcome | None = None,
    ) -> PieceOutcome:
        rest = (stop, deterministic, cache)
        if start is not None:
            self.starts.append(start)
            return self.real(problem, time_limit, seed, use_model, *rest, start=start)
        if not use_model or time_limit <= 0:
            return self.real(problem, time_limit, seed, use_model, *rest)
        searched = self.real_first[self.firsts % len(self.real_first)]
        self.firsts += 1
        outcome = self.real(problem, time_limit, seed, searched, *rest)
        # the search stopped early: only some of its children (pinned ones always) placed
        slots = slots_of(problem, outcome.choice)
        kept = {
            cid: slot
            for n, (cid, slot) in enumerate(sorted(slots.items()))
            if self.keep[n % len(self.keep)] or self.pinned(problem, cid)
        }
        rota = Rota(problem)
        rota.set_choices(kept)
        choice = {cid: (rota.option(cid, i).model, day) for cid, (i, day) in rota.choice.items()}
        objective = rota.objective()
        status = "OPTIMAL" if objective >= outcome.bound else "FEASIBLE"
        self.first_short += objective < outcome.bound
        self.first_objective += objective
        self.first_bound += outcome.bound
        seconds = max(outcome.seconds, time_limit)
        return replace(outcome, choice=choice, objective=objective, status=status, seconds=seconds)

    @staticmethod
    def pinned(problem: GroupProblem, cid: str) -> bool:
        return any(job.pinned is not None for job in problem.children if job.child_id == cid)


class _Recorded:
    """``solve_pieces`` keeping what it returned."""

    def __init__(self) -> None:
        self.real = pipeline.solve_pieces
        self.outcomes: list[PieceOutcome] = []

    def __call__(self, *args: Any, **kwargs: Any) -> list[PieceOutcome]:
        self.outcomes = self.real(*args, **kwargs)
        return self.outcomes


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    authority=tiny(),
    workers=st.sampled_from([1, 2]),
    real_first=st.lists(st.booleans(), min_size=1, max_size=3),
    keep=st.lists(st.booleans(), min_size=1, max_size=4),
)
def test_further_searches_keep_the_rules_and_true_figures(
    authority: Authority, workers: int, real_first: list[bool], keep: list[bool]
) -> None:
    searches, recorded = _RunsOutFirst(real_first, keep), _Recorded()
    solve.solve_piece = searches  # type: ignore[assignment]
    pipeline.solve_pieces = recorded  # type: ignore[assignment]
    try:
        result = make_plan(
            authority, PlanOptions(time_limit=6, link_time_limit=0.5, workers=workers)
        )
    finally:
        solve.solve_piece = searches.real
        pipeline.solve_pieces = recorded.real
    assert result.check.ok, result.check.violations
    # a piece that fell short was searched again (seconds are left: tiny pieces), unless the
    # pieces were already within ROUND_GAP of their bound together
    gap = searches.first_bound - searches.first_objective
    if gap > ROUND_GAP * abs(searches.first_bound):
        assert len(searches.starts) >= min(1, searches.first_short)
    else:
        assert searches.starts == []
    for outcome in recorded.outcomes:
        assert outcome.objective <= outcome.bound
        assert (outcome.status == "OPTIMAL") == (outcome.objective >= outcome.bound)
    _assert_true_against_every_plan(authority, result)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    authority=tiny(),
    workers=st.sampled_from([1, 2]),
    weight=st.sampled_from(CHILD_WEIGHTS),
    value=st.sampled_from([0.0, 6.0, 20.0]),
    keep=st.lists(st.booleans(), min_size=1, max_size=4),
)
def test_a_what_if_s_further_searches_keep_true_figures(
    authority: Authority, workers: int, weight: str, value: float, keep: list[bool]
) -> None:
    """The same in a what-if: pieces start from the plan's slots, bounded by its bounds."""
    options = PlanOptions(time_limit=6, link_time_limit=0.5, workers=workers)
    searches = _RunsOutFirst([True, False], keep)
    solve.solve_piece = searches  # type: ignore[assignment]
    try:
        base = make_plan(authority, options)
        changed = _with_weight(authority, weight, value)
        result = make_plan(changed, options, warm=base)
    finally:
        solve.solve_piece = searches.real
    assert result.check.ok, result.check.violations
    _assert_true_against_every_plan(changed, result)
