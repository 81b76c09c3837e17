"""Solving the pieces: greedy warm start, CP-SAT day model, exact layout, repair — in parallel —
and merging them into one rota.

On a 2-core machine CP-SAT's portfolio cannot shine inside one model, so the pieces (one per
practitioner) run as single-worker solves in parallel processes; each is small, so most prove
optimality in well under a second. A child offered to two practitioners (a joint review by
the link, a clinic one by their own health visitor) may come back from both; the merge keeps
the better slot and fills the freed time.

Figures are honest: a piece's bound is the smaller of its flow bound
(:mod:`scheduler.scheduling.flow_bound`) and CP-SAT's proven bound of the same (relaxed)
model, never raised to meet the objective; a piece is OPTIMAL only when the rota it delivers,
after layout and repair, reaches its bound (a warm start that already reaches the flow bound
needs no search).
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import (
    FIRST_COMPLETED,
    Executor,
    Future,
    ProcessPoolExecutor,
    ThreadPoolExecutor,
    wait,
)
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Protocol

from scheduler.config import ReviewModel
from scheduler.scheduling.flow_bound import DayFlow, day_flow
from scheduler.scheduling.model import (
    DayModel,
    build_day_model,
    reweighted,
    solve_day_model,
    structure_key,
)
from scheduler.scheduling.problem import GroupProblem
from scheduler.scheduling.rota import Rota, priority_greedy, seeded_greedy
from scheduler.stopping import StopSignal, stopped

POOL_MIN_SECONDS = 5.0
"""Below this budget the pieces are solved in threads of this process, not in worker
processes: starting those (each imports OR-Tools afresh) takes a second or two, more than it
would save. Threads share the processors only while CP-SAT searches (it lets go of Python's
lock); building each piece's model is Python's and runs one at a time."""

PieceChoice = dict[str, tuple[ReviewModel, int]]
"""child -> (kind of review, day index): a piece's solution, readable by the whole problem."""


@dataclass(frozen=True, slots=True)
class PieceOutcome:
    """A solved piece: its choices, objective, bound and what the bound says."""

    practitioner_id: str
    choice: PieceChoice
    objective: int
    bound: int
    status: str
    """``OPTIMAL`` (the piece's rota reaches its bound), ``FEASIBLE`` (CP-SAT found a
    solution, not proved best) or ``GREEDY`` (no CP-SAT solution was used)."""
    seconds: float


@dataclass(frozen=True)
class PieceBound:
    """A solved piece and its proven bound, kept with the plan: a what-if with other weights
    starts its own bound from it (:func:`~scheduler.scheduling.model.reweighting_bound`)."""

    problem: GroupProblem
    bound: int

    @cached_property
    def key(self) -> bytes:
        """The piece's :func:`structure_key`, worked out once for every what-if from it."""
        return structure_key(self.problem)


def tightened(outcome: PieceOutcome, bound: int | None) -> PieceOutcome:
    """``outcome`` with ``bound`` (another proven bound of the same piece) when it is lower;
    the piece is then ``OPTIMAL`` if its rota reaches the lower bound."""
    if bound is None or bound >= outcome.bound:
        return outcome
    status = "OPTIMAL" if outcome.objective >= bound else outcome.status
    return replace(outcome, bound=bound, status=status)


def better(old: PieceOutcome, new: PieceOutcome) -> PieceOutcome:
    """Two searches of the same piece as one: the better rota, the lower bound (both are
    proven), and the time of both."""
    bound = min(old.bound, new.bound)
    kept = new if new.objective > old.objective else old
    status = "OPTIMAL" if kept.objective >= bound else kept.status
    return replace(kept, bound=bound, status=status, seconds=old.seconds + new.seconds)


PIECE_MIN_SECONDS = 0.05
"""The shortest search a piece is given when the model is used, however little time is left:
enough to start from its warm start and keep it."""

ROUND_MIN_SECONDS = 0.3
"""Time left after every piece has had its search below which no piece is searched again: a
search that short would mostly rebuild its model."""

ROUND_GAP = 0.002
"""No piece is searched again once the pieces are this close to their bound together (0.2%):
further rounds then gain less than the lead waits for them. On data/sample a 60 s plan is
within 0.12% of its bound after its first searches (26 s); rounds took it to 0.105% in the
remaining 33 s. Plans further from their bound (short limits, large authorities) use the
time left."""


class ModelCache:
    """Pieces' CP-SAT models kept for the next solve of the same pieces with other weights
    (a lead trying weights on the Priorities page): a hit is re-weighted, not rebuilt.

    A model is taken out while it is solved and given back after, so two solves never share
    one. The least recently used go first once the models kept hold more than
    ``max_variables`` variables between them.
    """

    def __init__(self, max_variables: int) -> None:
        self.max_variables = max_variables
        self._models: OrderedDict[bytes, DayModel] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0

    def model_for(self, problem: GroupProblem) -> tuple[bytes, DayModel]:
        """The piece's model: a kept one re-weighted for ``problem``, or a new one."""
        key = structure_key(problem)
        with self._lock:
            kept = self._models.pop(key, None)
            self.hits += kept is not None
        return key, reweighted(kept, problem) if kept is not None else build_day_model(problem)

    def give_back(self, key: bytes, model: DayModel) -> None:
        with self._lock:
            self._models[key] = model
            self._models.move_to_end(key)
            while self._models and self.variables() > self.max_variables:
                self._models.popitem(last=False)

    def variables(self) -> int:
        return sum(len(m.see) + len(m.visit) for m in self._models.values())

    def clear(self) -> None:
        with self._lock:
            self._models.clear()


MODELS = ModelCache(max_variables=200_000)
"""This process's kept models, for short solves (under :data:`POOL_MIN_SECONDS`), which run
here: about 35,000 variables for data/sample's 30 pieces, so a large authority's fit."""


def slots_of(problem: GroupProblem, choice: PieceChoice) -> dict[str, tuple[int, int]]:
    """A piece's solution as the rota's slots (option index, day)."""
    indices = {
        (job.child_id, option.model): index
        for job in problem.children
        for index, option in enumerate(job.options)
    }
    return {cid: (indices[(cid, model)], day) for cid, (model, day) in choice.items()}


def _choice(rota: Rota) -> PieceChoice:
    return {cid: (rota.option(cid, index).model, day) for cid, (index, day) in rota.choice.items()}


def warm_start(problem: GroupProblem, flow: DayFlow) -> Rota:
    """The better of two greedy rotas: previous slots and the most valuable children first,
    or the flow's slots first (they batch a place's children on its cheapest days)."""
    return max(priority_greedy(problem), seeded_greedy(problem, flow.slots), key=Rota.objective)


def solve_piece(
    problem: GroupProblem,
    time_limit: float,
    seed: int = 0,
    use_model: bool = True,
    stop: StopSignal | None = None,
    deterministic: bool = False,
    cache: ModelCache | None = None,
    start: PieceOutcome | None = None,
) -> PieceOutcome:
    """Warm start, CP-SAT, lay out, repair; never worse than the warm start.

    ``stop`` ends the CP-SAT search at once; its best solution so far is still used. With
    ``cache``, the model is taken from it when it holds one of the same structure (and given
    back after). ``start`` (an earlier search of this piece, when time is left over) is the
    warm start instead, and its bound the bound to improve on.
    """
    began = time.perf_counter()
    if start is None:
        flow = day_flow(problem)
        best = warm_start(problem, flow)
        bound = flow.bound
    else:
        best = seeded_greedy(problem, slots_of(problem, start.choice))
        bound = start.bound
    solved = False
    if use_model and problem.children and best.objective() < bound:
        if cache is not None:
            key, model = cache.model_for(problem)
        else:
            model = build_day_model(problem)
        result = solve_day_model(
            model,
            hint=best.choice,
            time_limit=time_limit,
            seed=seed,
            stop=stop,
            deterministic=deterministic,
        )
        if cache is not None:
            cache.give_back(key, model)
        if result.bound is not None:
            bound = min(bound, result.bound)
        if result.status in ("OPTIMAL", "FEASIBLE"):
            solved = True
            rota = Rota(problem)
            rota.set_choices(result.choice)
            rota.insert_by_priority()
            if rota.objective() > best.objective():
                best = rota
    objective = best.objective()
    status = "OPTIMAL" if objective >= bound else "FEASIBLE" if solved else "GREEDY"
    pid = problem.practitioners[0].practitioner_id if problem.practitioners else ""
    return PieceOutcome(pid, _choice(best), objective, bound, status, time.perf_counter() - began)


def merge(problem: GroupProblem, outcomes: list[PieceOutcome]) -> Rota:
    """One rota from the pieces' solutions: pins, then every piece's choices (most valuable
    first; a child chosen by two pieces keeps the better slot), then whoever still fits."""
    rota = Rota(problem)
    rota.add_pins()
    wanted = []
    for outcome in outcomes:
        for cid, (model, day) in outcome.choice.items():
            job = rota.jobs[cid]
            index = next(i for i, o in enumerate(job.options) if o.model == model)
            wanted.append((rota.value(cid, (index, day)), cid, index, day))
    for _value, cid, index, day in sorted(wanted, key=lambda w: (-w[0], w[1])):
        rota.try_add(cid, (index, day))
    rota.insert_by_priority()
    return rota


@dataclass(frozen=True, slots=True)
class Progress:
    """Where the solve is, for the CLI's progress line and the dashboard."""

    stage: str
    done: int
    total: int
    objective: float
    bound: float
    elapsed: float
    booked: frozenset[str] = frozenset()
    """Children the pieces solved so far have booked (before merging: a child two pieces
    both booked counts once), so the dashboard can say "1,180 children booked so far"."""
    whole: bool = False
    """Whether every piece has an answer already (a what-if's pieces start from the plan it
    was asked of): ``booked`` is then a whole first answer, improved as the pieces finish."""
    improving: bool = False
    """Whether pieces not proven best are being searched again in the time left over."""


ProgressCallback = Callable[[Progress], None]

_WORKER_STOP: StopSignal | None = None
"""In a worker process: the event the parent sets when the coordinator stops the solve."""


def _remember_stop(signal: StopSignal) -> None:
    global _WORKER_STOP
    _WORKER_STOP = signal


def _solve_in_worker(
    problem: GroupProblem,
    time_limit: float,
    seed: int,
    use_model: bool,
    deterministic: bool,
    start: PieceOutcome | None = None,
) -> PieceOutcome:
    return solve_piece(
        problem,
        time_limit,
        seed,
        use_model,
        stop=_WORKER_STOP,
        deterministic=deterministic,
        start=start,
    )


class PiecePool(Protocol):
    """Where pieces are solved side by side: worker processes on this machine by default;
    ``plan-many`` passes one that runs them as Ray tasks across a cluster."""

    def submit(
        self,
        key: int,
        problem: GroupProblem,
        time_limit: float,
        seed: int,
        deterministic: bool,
        start: PieceOutcome | None = None,
    ) -> None:
        """Start solving ``problem`` with the model (from ``start``, an earlier search of it,
        when given); its outcome comes back under ``key``."""

    def collect(self, timeout: float) -> list[tuple[int, PieceOutcome]]:
        """Pieces finished since the last call, waiting up to ``timeout`` s for the first."""

    def stop(self) -> None:
        """End the running searches now (the coordinator pressed Stop)."""


class _ExecutorPool:
    """Worker processes (spawned) or threads of this process; ``stop`` reaches their searches
    through a shared event, so they keep their best solution so far."""

    def __init__(self, executor: Executor, shared: StopSignal) -> None:
        self._executor = executor
        self._shared = shared
        self._pending: dict[Future[PieceOutcome], int] = {}

    def submit(
        self,
        key: int,
        problem: GroupProblem,
        time_limit: float,
        seed: int,
        deterministic: bool,
        start: PieceOutcome | None = None,
    ) -> None:
        if isinstance(self._executor, ThreadPoolExecutor):  # the event itself, shared in memory
            future = self._executor.submit(
                solve_piece,
                problem,
                time_limit,
                seed,
                True,
                self._shared,
                deterministic,
                MODELS,
                start,
            )
        else:  # each worker process has the event from its initializer
            future = self._executor.submit(
                _solve_in_worker, problem, time_limit, seed, True, deterministic, start
            )
        self._pending[future] = key

    def collect(self, timeout: float) -> list[tuple[int, PieceOutcome]]:
        done, _ = wait(list(self._pending), timeout=timeout, return_when=FIRST_COMPLETED)
        return [(self._pending.pop(future), future.result()) for future in done]

    def stop(self) -> None:
        self._shared.set()  # type: ignore[attr-defined]


@contextmanager
def _process_pool(workers: int) -> Iterator[_ExecutorPool]:
    context = multiprocessing.get_context("spawn")
    shared = context.Event()  # handed to each worker as it starts: ``stop`` across processes
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context,
        initializer=_remember_stop,
        initargs=(shared,),
    )
    try:
        yield _ExecutorPool(executor, shared)
    finally:
        # Every piece has answered by now: the idle workers are left to exit on their own
        # rather than waited for (a third of a second of the user's time limit, measured).
        executor.shutdown(wait=False, cancel_futures=True)


@contextmanager
def _thread_pool(workers: int, stop: threading.Event) -> Iterator[_ExecutorPool]:
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="piece") as executor:
        yield _ExecutorPool(executor, stop)


def solve_pieces(
    pieces: list[GroupProblem],
    *,
    time_limit: float,
    workers: int,
    seed: int = 0,
    progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
    points_per_unit: float = 1.0,
    deterministic: bool = False,
    pool: PiecePool | None = None,
    known_bounds: Sequence[int | None] | None = None,
    answer_first: bool = False,
) -> list[PieceOutcome]:
    """Solve every piece within about ``time_limit`` seconds overall.

    Pieces not started when time runs out or ``stop`` is set get the greedy rota, so every
    child is still placed or explained and the plan stays valid; pieces being solved when
    ``stop`` is set end their search at once and keep their best solution so far. With
    ``deterministic`` each piece gets its share of ``time_limit`` in CP-SAT's deterministic
    time and the wall clock is not consulted: the same pieces give the same answers anywhere.
    With more than one worker the pieces go to ``pool`` (by default, that many worker
    processes here), one per worker at a time (``2 × workers`` with ``deterministic``, whose
    limits do not depend on when a piece starts). ``known_bounds`` (one per piece, or
    ``None``) are bounds proven before, e.g. by the plan a what-if starts from: each piece
    keeps the lower of its own and the known one. Pieces with a known bound, and with
    ``answer_first`` (a what-if: the lead sees an answer at once) every piece, report their
    warm starts as a first whole answer before any search ends. Time left once every piece
    has been searched (pieces proven best early leave some) goes to further searches of the
    pieces that ran out of time, from their best so far, in rounds each at most as long as
    the solve so far, while they improve (not with ``deterministic``).
    """
    known = list(known_bounds) if known_bounds is not None else [None] * len(pieces)
    began = time.perf_counter()
    deadline = began + time_limit
    order = sorted(range(len(pieces)), key=lambda i: -len(pieces[i].children))
    outcomes: dict[int, PieceOutcome] = {}
    parallel = max(1, workers)
    # Share the processors' time in proportion to each piece's size (options × days).
    sizes = [sum(len(o.days) for c in g.children for o in c.options) for g in pieces]
    # Deterministic: the pieces share ``time_limit`` whatever the workers, so the answer does
    # not depend on them (more workers only finish sooner).
    budget = time_limit if deterministic else 0.8 * time_limit * parallel
    # A piece whose warm start already reaches its known bound is proven best: no search, and
    # its share of the time goes to the others, whose warm starts are a first answer to show
    # while they are searched.
    first: dict[int, PieceOutcome] = {}
    for i in [i for i in order if known[i] is not None or answer_first]:
        outcome = tightened(solve_piece(pieces[i], 0.0, seed, use_model=False), known[i])
        if outcome.status == "OPTIMAL":
            outcomes[i] = outcome
            order.remove(i)
        else:
            first[i] = outcome
    total_size = max(1, sum(sizes[i] for i in order))

    def remaining() -> float:
        return deadline - time.perf_counter()

    # The most a piece has taken beyond its search limit so far (its warm start, building its
    # model, laying out its days) is kept back from the last pieces' limits.
    limits: dict[int, float] = {}
    beyond = 0.0
    share = {i: budget * sizes[i] / total_size for i in order}
    # Time left once every piece has had its search goes to those not proven best, from their
    # best so far (pieces proven best early leave time that would otherwise go unused), in
    # rounds, while they improve.
    again: dict[int, PieceOutcome] = {}
    ran_out: set[int] = set()
    stalled: set[int] = set()

    def piece_limit(i: int) -> float:
        if deterministic:
            return max(PIECE_MIN_SECONDS, min(time_limit, share[i]))
        limits[i] = max(PIECE_MIN_SECONDS, min(time_limit, share[i], remaining() - beyond))
        return limits[i]

    def finished(i: int, outcome: PieceOutcome) -> None:
        nonlocal beyond
        if i in limits:
            beyond = max(beyond, outcome.seconds - limits[i])
            if outcome.seconds >= 0.9 * limits[i]:
                ran_out.add(i)
            else:
                ran_out.discard(i)
        outcome = tightened(outcome, known[i])
        if i in again:
            earlier = again.pop(i)
            if outcome.objective <= earlier.objective:  # a lower bound alone: no better plan
                stalled.add(i)
            outcome = better(earlier, outcome)
        outcomes[i] = outcome
        report()

    def next_round() -> list[int]:
        """The pieces to search again: those whose search ran out of time short of their
        bound (not one that ended by itself, nor one whose rota a further search did not
        improve: they would end so again), while the pieces together are more than
        :data:`ROUND_GAP` from their bound. A round lasts at most as long as the solve so
        far, so a plan whose searches have stopped paying does not sit out its whole time
        limit; its pieces share it by how far each is from its bound."""
        if deterministic or stopped(stop):
            return []
        objective = sum(o.objective for o in outcomes.values())
        bound = sum(o.bound for o in outcomes.values())
        if bound - objective <= ROUND_GAP * abs(bound):
            return []
        left = min(remaining() - beyond, max(ROUND_MIN_SECONDS, time.perf_counter() - began))
        gaps = {
            i: o.bound - o.objective
            for i, o in outcomes.items()
            if i in ran_out and i not in stalled and o.objective < o.bound
        }
        if left < ROUND_MIN_SECONDS or not gaps:
            return []
        total = sum(gaps.values())
        for i, gap in gaps.items():
            share[i] = 0.8 * left * parallel * gap / total
            again[i] = outcomes[i]
        report()  # the status says the search goes on
        return sorted(gaps, key=lambda i: (-gaps[i], i))

    def report() -> None:
        if progress is None:
            return
        answers = {**first, **outcomes}
        objective = sum(o.objective for o in answers.values()) / points_per_unit
        bound = sum(o.bound for o in answers.values()) / points_per_unit
        booked = frozenset(cid for o in answers.values() for cid in o.choice)
        progress(
            Progress(
                "scheduling",
                len(outcomes),
                len(pieces),
                objective,
                bound,
                time.perf_counter() - began,
                booked,
                whole=len(answers) == len(pieces),
                improving=bool(again),
            )
        )

    if first or outcomes:
        report()

    def halted() -> bool:
        return stopped(stop) or (not deterministic and remaining() <= 0)

    queue = list(order)
    if parallel == 1 or len(pieces) <= 1:
        while queue:
            for i in queue:
                outcome = solve_piece(
                    pieces[i],
                    piece_limit(i),
                    seed,
                    not halted(),
                    stop=stop,
                    deterministic=deterministic,
                    cache=MODELS if time_limit < POOL_MIN_SECONDS else None,
                    start=again.get(i),
                )
                finished(i, outcome)
            queue = next_round()
    else:
        with ExitStack() as resources:
            if pool is not None:
                active: PiecePool = pool
            elif time_limit < POOL_MIN_SECONDS:  # starting processes would cost more
                active = resources.enter_context(_thread_pool(parallel, stop or threading.Event()))
            else:
                active = resources.enter_context(_process_pool(parallel))
            pending: set[int] = set()
            # A piece's wall-clock limit is worked out as it is handed over, so it is handed
            # over only when a worker is free: one queued behind others would start later with
            # the same limit and end after the deadline (three pieces on two workers).
            at_once = parallel * 2 if deterministic else parallel
            while queue or pending:
                while queue and len(pending) < at_once and not halted():
                    i = queue.pop(0)
                    active.submit(
                        i, pieces[i], piece_limit(i), seed, deterministic, start=again.get(i)
                    )
                    pending.add(i)
                if stopped(stop):
                    active.stop()
                if halted() and queue:
                    for i in queue:
                        if again.pop(i, None) is None:  # not searched yet: the greedy rota
                            outcome = solve_piece(pieces[i], 0.0, seed, use_model=False)
                            outcomes[i] = tightened(outcome, known[i])
                    queue = []
                    report()
                for i, outcome in active.collect(timeout=0.2) if pending else []:
                    pending.discard(i)
                    finished(i, outcome)
                if not queue and not pending:
                    queue = next_round()
    return [outcomes[i] for i in range(len(pieces))]
