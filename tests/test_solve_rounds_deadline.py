"""Further searches ("rounds") of the pieces that ran out of time end by the solve's deadline
even when more pieces ran out than there are workers (scheduler/scheduling/solve.py).

The pool and the clock are simulated: ``workers`` searches run at once, each for exactly the
limit it was submitted with, and time passes only as they run; no wall clock is consulted.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from problem_builders import group_problem, job, option

from scheduler.scheduling import solve
from scheduler.scheduling.problem import GroupProblem
from scheduler.scheduling.solve import PieceOutcome, solve_pieces


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def perf_counter(self) -> float:
        return self.now


class _SimulatedPool:
    """``workers`` slots; a submitted search starts when a slot is free and runs for its whole
    limit (it runs out of time short of its bound), except ``quick`` pieces, proven at once."""

    def __init__(self, clock: _Clock, workers: int, quick: set[int]) -> None:
        self.clock = clock
        self.free_at = [0.0] * workers
        self.running: list[tuple[float, int, PieceOutcome]] = []
        self.quick = quick
        self.ends: list[float] = []

    def submit(
        self,
        key: int,
        problem: GroupProblem,
        time_limit: float,
        seed: int,
        deterministic: bool,
        start: PieceOutcome | None = None,
    ) -> None:
        slot = min(range(len(self.free_at)), key=lambda s: self.free_at[s])
        begins = max(self.clock.now, self.free_at[slot])
        seconds = 0.01 if key in self.quick else time_limit
        self.free_at[slot] = begins + seconds
        pid = problem.practitioners[0].practitioner_id
        objective = 500 if key in self.quick else 400 + (50 if start is not None else 0)
        outcome = PieceOutcome(pid, {}, objective, 500, "FEASIBLE", seconds)
        self.running.append((begins + seconds, key, outcome))
        self.ends.append(begins + seconds)

    def collect(self, timeout: float) -> list[tuple[int, PieceOutcome]]:
        if not self.running:
            return []
        first = min(end for end, _k, _o in self.running)
        self.clock.now = max(self.clock.now, first)
        done = [(k, o) for end, k, o in self.running if end <= self.clock.now]
        self.running = [r for r in self.running if r[0] > self.clock.now]
        return done

    def stop(self) -> None:
        pass


def _four_pieces() -> list[GroupProblem]:
    """Four pieces of the same size, one per practitioner."""
    return group_problem(
        *(
            job(f"C00{n}", option((0,), practitioner_id=f"P00{n}", place=f"setting:S00{n}"))
            for n in range(1, 5)
        )
    ).pieces()


@pytest.mark.parametrize("time_limit", [10.0, 30.0])
def test_further_searches_end_by_the_deadline_with_more_pieces_than_workers(
    monkeypatch: pytest.MonkeyPatch, time_limit: float
) -> None:
    """Two workers, four pieces of one size: three run out of time, one is proven at once.
    The first searches end at 0.8 of the limit; the time left goes to the three, which must
    still end by the limit (three searches on two workers cannot each have 2/3 of
    2 × the time left)."""
    clock = _Clock()
    monkeypatch.setattr(solve, "time", SimpleNamespace(perf_counter=clock.perf_counter))
    pieces = _four_pieces()
    quick = {i for i, p in enumerate(pieces) if p.practitioners[0].practitioner_id == "P004"}
    pool = _SimulatedPool(clock, workers=2, quick=quick)
    outcomes = solve_pieces(pieces, time_limit=time_limit, workers=2, pool=pool)
    assert len(outcomes) == 4
    assert len(pool.ends) > 4, "no further search happened: the test no longer tests rounds"
    assert max(pool.ends) <= time_limit + 1e-9


def test_first_searches_end_by_the_deadline_with_more_pieces_than_workers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three pieces of one size on two workers, none proven: each's share is 2/3 of
    2 × 0.8 of the limit, so the third, queued behind the first two with the limit it was
    submitted with, would end after the limit."""
    clock = _Clock()
    monkeypatch.setattr(solve, "time", SimpleNamespace(perf_counter=clock.perf_counter))
    pieces = _four_pieces()[:3]
    pool = _SimulatedPool(clock, workers=2, quick=set())
    outcomes = solve_pieces(pieces, time_limit=10.0, workers=2, pool=pool)
    assert len(outcomes) == 3
    assert max(pool.ends) <= 10.0 + 1e-9
