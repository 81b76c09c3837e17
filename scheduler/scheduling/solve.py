"""Solving the pieces: greedy warm start, CP-SAT day model, exact layout, repair — in parallel.

On a 2-core machine CP-SAT's portfolio cannot shine inside one model, so the pieces (one per
link practitioner) run as single-worker solves in parallel processes; each is small, so most
prove optimality in well under a second.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from multiprocessing.synchronize import Event as ProcessEvent
from typing import Protocol

from scheduler.scheduling.model import build_day_model, solve_day_model
from scheduler.scheduling.problem import GroupProblem
from scheduler.scheduling.rota import GroupRota, hand_greedy, priority_greedy
from scheduler.stopping import StopSignal, stopped


@dataclass(frozen=True, slots=True)
class GroupOutcome:
    """A solved piece: exact starts per child and the figures for the summary."""

    starts: dict[str, tuple[int, int]]
    objective: int
    bound: int
    status: str
    seconds: float
    hand_objective: int
    hand_starts: dict[str, tuple[int, int]]


def capacity_bound(problem: GroupProblem) -> int:
    """A quick valid upper bound without the model: each practitioner can see at most
    ``max_per_day`` children on each of their days, so at best the most valuable ones."""
    bound = 0
    for p in problem.practitioners:
        children = [c for c in problem.children if c.practitioner_id == p.practitioner_id]
        usable = {d for c in children for d in c.days}
        slots = p.max_per_day * len(usable)
        best = sorted(
            (
                max(c.values, default=0)
                + (problem.stability_bonus if c.previous_day is not None else 0)
                for c in children
            ),
            reverse=True,
        )
        bound += sum(best[:slots])
    return bound


def solve_group(
    problem: GroupProblem,
    time_limit: float,
    seed: int = 0,
    use_model: bool = True,
    stop: StopSignal | None = None,
) -> GroupOutcome:
    """Warm start, CP-SAT, lay out, repair; never worse than the warm start.

    ``stop`` ends the CP-SAT search at once; its best solution so far is still used.
    """
    began = time.perf_counter()
    hand = hand_greedy(problem)
    warm = priority_greedy(problem)
    best = warm if warm.objective() >= hand.objective() else hand
    status = "GREEDY"
    bound = capacity_bound(problem)
    if use_model and problem.children:
        model = build_day_model(problem)
        result = solve_day_model(
            model, hint=best.day_of, time_limit=time_limit, seed=seed, stop=stop
        )
        if result.status == "UNKNOWN" and result.bound:
            bound = min(bound, result.bound)
        if result.day_of or result.status in ("OPTIMAL", "FEASIBLE"):
            rota = GroupRota(problem)
            rota.set_day(result.day_of)
            rota.insert_by_priority()
            if rota.objective() > best.objective():
                best = rota
            status = result.status
            bound = min(bound, result.bound)
    objective = best.objective()
    return GroupOutcome(
        starts=best.starts(),
        objective=objective,
        bound=max(bound, objective),
        status=status,
        seconds=time.perf_counter() - began,
        hand_objective=hand.objective(),
        hand_starts=hand.starts(),
    )


@dataclass(frozen=True, slots=True)
class Progress:
    """Where the solve is, for the CLI's progress line and the dashboard."""

    stage: str
    done: int
    total: int
    objective: float
    bound: float
    elapsed: float


ProgressCallback = Callable[[Progress], None]

_WORKER_STOP: StopSignal | None = None
"""In a worker process: the event the parent sets when the coordinator stops the solve."""


def _remember_stop(signal: StopSignal) -> None:
    global _WORKER_STOP
    _WORKER_STOP = signal


def _solve_in_worker(
    problem: GroupProblem, time_limit: float, seed: int, use_model: bool
) -> GroupOutcome:
    return solve_group(problem, time_limit, seed, use_model, stop=_WORKER_STOP)


class PiecePool(Protocol):
    """Where pieces are solved side by side: worker processes on this machine by default;
    ``plan-many`` passes one that runs them as Ray tasks across a cluster."""

    def submit(self, key: int, problem: GroupProblem, time_limit: float, seed: int) -> None:
        """Start solving ``problem`` with the model; its outcome comes back under ``key``."""

    def collect(self, timeout: float) -> list[tuple[int, GroupOutcome]]:
        """Pieces finished since the last call, waiting up to ``timeout`` s for the first."""

    def stop(self) -> None:
        """End the running searches now (the coordinator pressed Stop)."""


class _ProcessPool:
    """Spawned worker processes; ``stop`` reaches their searches through a shared event, so
    they keep their best solution so far."""

    def __init__(self, executor: ProcessPoolExecutor, shared: ProcessEvent) -> None:
        self._executor = executor
        self._shared = shared
        self._pending: dict[Future[GroupOutcome], int] = {}

    def submit(self, key: int, problem: GroupProblem, time_limit: float, seed: int) -> None:
        future = self._executor.submit(_solve_in_worker, problem, time_limit, seed, True)
        self._pending[future] = key

    def collect(self, timeout: float) -> list[tuple[int, GroupOutcome]]:
        done, _ = wait(list(self._pending), timeout=timeout, return_when=FIRST_COMPLETED)
        return [(self._pending.pop(future), future.result()) for future in done]

    def stop(self) -> None:
        self._shared.set()


@contextmanager
def _process_pool(workers: int) -> Iterator[_ProcessPool]:
    context = multiprocessing.get_context("spawn")
    shared = context.Event()  # handed to each worker as it starts: ``stop`` across processes
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_remember_stop,
        initargs=(shared,),
    ) as executor:
        yield _ProcessPool(executor, shared)


def solve_groups(
    groups: list[GroupProblem],
    *,
    time_limit: float,
    workers: int,
    seed: int = 0,
    progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
    points_per_unit: float = 1.0,
    pool: PiecePool | None = None,
) -> list[GroupOutcome]:
    """Solve every piece within about ``time_limit`` seconds overall.

    Pieces not started when time runs out or ``stop`` is set get the greedy rota, so every
    child is still placed or explained and the plan stays valid; pieces being solved when
    ``stop`` is set end their search at once and keep their best solution so far. With
    ``workers`` > 1 the pieces go to ``pool`` (by default, that many worker processes here),
    at most ``2 × workers`` at a time.
    """
    began = time.perf_counter()
    deadline = began + time_limit
    order = sorted(range(len(groups)), key=lambda i: -len(groups[i].children))
    outcomes: dict[int, GroupOutcome] = {}
    parallel = max(1, workers)
    # Share the processors' time in proportion to each piece's size (children × days).
    sizes = [sum(len(c.days) for c in g.children) for g in groups]
    budget = 0.8 * time_limit * parallel
    total_size = max(1, sum(sizes))

    def piece_limit(i: int) -> float:
        share = budget * sizes[i] / total_size
        return max(1.0, min(time_limit, share, remaining()))

    def report() -> None:
        if progress is None:
            return
        objective = sum(o.objective for o in outcomes.values()) / points_per_unit
        bound = sum(o.bound for o in outcomes.values()) / points_per_unit
        progress(
            Progress(
                "scheduling",
                len(outcomes),
                len(groups),
                objective,
                bound,
                time.perf_counter() - began,
            )
        )

    def remaining() -> float:
        return deadline - time.perf_counter()

    def halted() -> bool:
        return stopped(stop) or remaining() <= 0

    if parallel == 1 or len(groups) <= 1:
        for i in order:
            use_model = not halted()
            outcomes[i] = solve_group(groups[i], piece_limit(i), seed, use_model, stop=stop)
            report()
    else:
        with ExitStack() as resources:
            active = pool if pool is not None else resources.enter_context(_process_pool(parallel))
            pending: set[int] = set()
            queue = list(order)
            while queue or pending:
                while queue and len(pending) < parallel * 2 and not halted():
                    i = queue.pop(0)
                    active.submit(i, groups[i], piece_limit(i), seed)
                    pending.add(i)
                if stopped(stop):
                    active.stop()
                if halted() and queue:
                    for i in queue:
                        outcomes[i] = solve_group(groups[i], 0.0, seed, use_model=False)
                    queue = []
                    report()
                if not pending:
                    continue
                for i, outcome in active.collect(timeout=0.2):
                    pending.discard(i)
                    outcomes[i] = outcome
                    report()
    return [outcomes[i] for i in range(len(groups))]
