"""Solve an assignment problem: LP first, then CP-SAT on the parts that matter, then bounds.

The steps of :func:`solve_assignment`, each measured on the GAP benchmark (bench/README.md):

1. Greedy, and the LP relaxation (GLOP) rounded and repaired: the first incumbents.
2. RENS: the LP's integral items kept, CP-SAT places the few items the LP splits.
3. Dense hard problems (the classical GAP): *kernel search*, CP-SAT on each item's 2, then
   3, pairs of least LP reduced cost, then on every pair that could still beat the
   incumbent (reduced-cost fixing), each phase hinted with the incumbent. A plain CP-SAT
   solve stalls about 0.5% above the optimum on types D and E; the kernels get ~0.2%.
   Sparse or soft problems (the link matching): neighbourhood search, CP-SAT re-assigning
   the items of a few agents that share candidate items, the rest fixed; after every
   improvement a shift-and-swap descent (:mod:`scheduler.matching.local_search`) makes the
   single moves the sub-solves left undone (large authority at 10 s, link model of session 3:
   8,504 -> ~8,463).
4. Bounds: the LP's, CP-SAT's on a full model, and the knapsack Lagrangian bound, which
   knows that items are indivisible (large authority: LP 8,422, knapsack bound ~8,431).

Dropped after measuring: a numpy tabu search with adaptive capacity penalties and
neighbourhood search on dense instances (both worse than CP-SAT's own search there).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from ortools.sat.python import cp_model

from scheduler.matching.greedy import greedy_choice, repair
from scheduler.matching.lagrange import lagrangian_bound
from scheduler.matching.local_search import descend
from scheduler.matching.lp import LpRelaxation, solve_lp
from scheduler.matching.model import Scaling, SubModel, build_model, choose_scaling
from scheduler.matching.problem import (
    AssignmentProblem,
    AssignmentResult,
    Compiled,
    FloatArray,
    IntArray,
    to_result,
)
from scheduler.stopping import StopSignal, stop_search_on, stopped

log = logging.getLogger(__name__)

BoolArray = npt.NDArray[np.bool_]

# (pairs per item or None for all, share of the time limit); each re-filters by reduced cost.
PHASES: tuple[tuple[int | None, float], ...] = ((2, 0.5), (3, 0.25), (None, 1.0))
FULL_SHARE = 0.15  # of the time limit, for the full model before neighbourhood search
FULL_MAX_PAIRS = 5000  # larger sparse or soft models gain nothing from it in that time
LINEARIZATION = 1
LNS_START_AGENTS = 4
LNS_GROW = 1.2
LNS_MAX_STEPS = 100_000  # a backstop only: the clock ends the search
LNS_SUB_SECONDS = 0.1
MIN_SUB_SECONDS = 0.05
LAGRANGE_SHARE = 0.15  # of the time limit, for the knapsack Lagrangian bound at the end
LAGRANGE_ITERATIONS = 40  # with one worker (deterministic); otherwise the clock decides
LAGRANGE_MAX_ITERATIONS = 5000  # a backstop for long limits (~0.05 s each on 16,000 pairs)
END_MARGIN = 0.01  # of the time limit, left after the bound for building the result
MIN_SEARCH_AFTER_BOUND = 0.5  # seconds: less is not worth a new CP-SAT model
LAGRANGE_MAX_SECONDS = 2.0
RENS_SHARE = 0.1  # of the time limit, to place the items the LP splits
RENS_PAIRS = 3  # candidate pairs per split item in that model
POLISH_SECONDS = 0.5  # a backstop: a descent after a sub-solve takes a few milliseconds
HINT_GAP = 0.1  # hint CP-SAT with the incumbent only when within this of the bound


@dataclass
class _Clock:
    """Wall-clock budget, or (``deterministic``) CP-SAT's deterministic time, so runs repeat
    exactly on any machine, however fast."""

    time_limit: float
    deterministic: bool
    stop: StopSignal | None = None  # the coordinator's Stop: no time remains once it is set
    start: float = field(default_factory=time.monotonic)
    spent: float = 0.0  # deterministic time used so far

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def remaining(self) -> float:
        if stopped(self.stop):
            return 0.0
        if self.deterministic:
            return self.time_limit - self.spent
        return self.time_limit - self.elapsed()

    def used(self, solver: cp_model.CpSolver) -> float:
        """Time the last solve took, in the clock's own units."""
        return float(solver.deterministic_time if self.deterministic else solver.wall_time)

    def charge(self, solver: cp_model.CpSolver) -> None:
        self.spent += solver.deterministic_time

    def limit(self, solver: cp_model.CpSolver, seconds: float) -> None:
        """Give ``solver`` at most ``seconds`` of the remaining budget."""
        seconds = max(0.0, min(seconds, self.remaining()))
        if self.deterministic:
            solver.parameters.max_deterministic_time = seconds
        else:
            solver.parameters.max_time_in_seconds = seconds


@dataclass
class _Incumbent:
    """Best complete, feasible solution found so far."""

    compiled: Compiled
    choice: IntArray | None = None
    objective: float = math.inf

    def offer(self, choice: IntArray) -> bool:
        if self.compiled.violations(choice):
            return False
        value = self.compiled.objective(choice)
        if value < self.objective - 1e-9:
            self.choice, self.objective = choice.copy(), value
            return True
        return False


def _choice_from_hint(compiled: Compiled, hint: Mapping[str, str]) -> IntArray:
    """Pair per item from a caller's item -> agent hint; ``-1`` where it names no allowed pair."""
    agent_index = {a: i for i, a in enumerate(compiled.agents)}
    choice = np.full(compiled.n_items, -1, dtype=np.int64)
    for j, item in enumerate(compiled.items):
        agent = agent_index.get(hint.get(item, ""), -1)
        pairs = compiled.item_pairs[j]
        match = pairs[compiled.pair_agent[pairs] == agent]
        if match.size:
            choice[j] = match[0]
    return choice


def _round_lp(compiled: Compiled, lp: LpRelaxation) -> IntArray:
    """Each item to its largest LP value: few items are fractional, so this is nearly feasible."""
    return np.array([pairs[np.argmax(lp.value[pairs])] for pairs in compiled.item_pairs])


def _promising(lp: LpRelaxation | None, incumbent: float, compiled: Compiled) -> IntArray:
    """Pairs that could be part of a solution better than ``incumbent`` (reduced-cost test)."""
    if lp is None or not lp.optimal or not math.isfinite(incumbent):
        return np.arange(compiled.n_pairs)
    slack = incumbent - lp.bound + 1e-6 * max(1.0, abs(incumbent))
    return np.flatnonzero(lp.reduced_cost <= slack)


def _solver(workers: int, seed: int) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    solver.parameters.log_search_progress = False
    return solver


def _solve(
    task: tuple[cp_model.CpSolver, cp_model.CpModel, StopSignal | None],
) -> cp_model.CpSolverStatus:
    """One sub-solve; CP-SAT releases the GIL, so threads run these in parallel."""
    solver, model, stop = task
    with stop_search_on(stop, solver):
        return solver.solve(model)


@dataclass
class _Search:
    """State shared by the phases of one solve."""

    compiled: Compiled
    scaling: Scaling
    clock: _Clock
    workers: int
    seed: int
    incumbent: _Incumbent
    rng: np.random.Generator
    lp: LpRelaxation | None = None
    bound: float = -math.inf
    proven: bool = False
    infeasible: bool = False

    def model_bound(self, solver: cp_model.CpSolver) -> float:
        """A CP-SAT bound in true units, or ``-inf`` when rounding makes it untrustworthy."""
        if not self.scaling.exact:
            return -math.inf
        return float(solver.best_objective_bound) / self.scaling.factor - self.scaling.slack

    def hint_worthy(self) -> bool:
        """A poor hint (e.g. the packing greedy's) steers CP-SAT's LP search badly: omit it."""
        value = self.incumbent.objective
        return self.compiled.soft or value <= self.bound + HINT_GAP * max(1.0, abs(value))

    def kernel(self, per_item: int) -> IntArray:
        """Each item's ``per_item`` pairs of least reduced cost, the LP's support, the incumbent.

        Kernel search: good solutions use almost only such pairs, and CP-SAT searches a
        model of two or three pairs per item far better than the full one.
        """
        c, lp = self.compiled, self.lp
        assert lp is not None
        order = np.lexsort((lp.reduced_cost, c.pair_item))  # by item, then reduced cost
        starts = np.searchsorted(c.pair_item[order], np.arange(c.n_items))
        rank = np.empty(c.n_pairs, dtype=np.int64)
        rank[order] = np.arange(c.n_pairs) - np.repeat(starts, np.diff([*starts, c.n_pairs]))
        keep = (rank < per_item) | (lp.value > 1e-9)
        if self.incumbent.choice is not None and self.hint_worthy():
            keep[self.incumbent.choice] = True
        return np.flatnonzero(keep)

    def shared_items(self) -> FloatArray:
        """Agents x agents: how many items could go to both (the agents' neighbourhood)."""
        c = self.compiled
        shared = np.zeros((c.n_agents, c.n_agents))
        for pairs in c.item_pairs:
            agents = c.pair_agent[pairs]
            shared[np.ix_(agents, agents)] += 1.0
        np.fill_diagonal(shared, 0.0)
        return shared

    def related_agents(
        self, seed_agent: int, size: int, shared: FloatArray, taken: BoolArray
    ) -> IntArray:
        """``seed_agent`` and, one at a time, the agent sharing most items with those chosen.

        Agents in ``taken`` (another neighbourhood of the same round) are never chosen.
        """
        chosen = [seed_agent]
        score = np.where(taken, -1.0, shared[seed_agent])
        score[seed_agent] = -1.0
        noise = self.rng.random(score.shape[0]) * 0.5
        while len(chosen) < size:
            best = int(np.argmax(score + noise * (score > 0)))
            if score[best] <= 0:
                break
            chosen.append(best)
            score += shared[best]
            score[chosen] = -1.0
            score[taken] = -1.0
        return np.array(chosen, dtype=np.int64)

    def seed_agent(self, kind: int, loads: IntArray, open_: BoolArray) -> int:
        """Where a neighbourhood starts: at random (kind 0), at the most utilised agent (1),
        or, with soft capacities, where capacity lies idle while others pay overload (2)."""
        c = self.compiled
        unused = np.where(open_, np.maximum(c.capacity - loads, 0), 0).astype(np.float64)
        if kind == 2 and c.soft and unused.any():
            return int(self.rng.choice(c.n_agents, p=unused / unused.sum()))
        if kind == 1:
            utilisation = loads / np.maximum(c.capacity, 1) + self.rng.random(c.n_agents) * 0.05
            return int(np.argmax(np.where(open_, utilisation, -np.inf)))
        return int(self.rng.choice(np.flatnonzero(open_)))

    def improve(self, seconds: float) -> None:
        """Large neighbourhood search over groups of related agents (sparse or soft problems).

        Each step frees every item held by a few agents that share candidate items and lets
        CP-SAT re-assign them among those agents; a group grows while its sub-solves finish
        early. Groups start at random, at the most utilised agent, or at idle capacity. With
        several workers, as many disjoint groups are solved at once, one CP-SAT worker each
        (small models gain little from more): twice the steps on two cores. With one worker
        the search is sequential and repeats exactly for a seed.
        """
        c = self.compiled
        if self.incumbent.choice is None or c.n_agents < 3:
            return
        shared = self.shared_items()
        stop = self.clock.remaining() - seconds
        kinds = 3 if c.soft else 2
        sizes = [float(LNS_START_AGENTS)] * kinds
        lanes = 1 if self.clock.deterministic else max(1, min(self.workers, c.n_agents // 3))
        sub_workers = self.workers if lanes == 1 else 1
        steps, better, rounds = 0, 0, 0
        stale = np.zeros(c.n_agents, dtype=bool)  # seeds whose group was proven unimprovable
        pool = ThreadPoolExecutor(lanes) if lanes > 1 else None
        try:
            while self.clock.remaining() - stop > MIN_SUB_SECONDS and rounds < LNS_MAX_STEPS:
                rounds += 1
                choice = self.incumbent.choice
                assert choice is not None
                loads = c.agent_loads(choice)
                open_ = (loads > 0) & ~stale
                if not open_.any():
                    stale[:] = False
                    open_ = loads > 0
                taken = np.zeros(c.n_agents, dtype=bool)
                jobs: list[tuple[int, int, IntArray, SubModel]] = []
                promising = _promising(self.lp, self.incumbent.objective, c)
                for lane in range(lanes):
                    kind = (rounds * lanes + lane) % kinds
                    candidates = open_ & ~taken
                    if not candidates.any():
                        break
                    seed_agent = self.seed_agent(kind, loads, candidates)
                    group = self.related_agents(seed_agent, round(sizes[kind]), shared, taken)
                    taken[group] = True
                    in_group = np.zeros(c.n_agents, dtype=bool)
                    in_group[group] = True
                    free = in_group[c.pair_agent[choice]]
                    pairs = promising[
                        free[c.pair_item[promising]] & in_group[c.pair_agent[promising]]
                    ]
                    if pairs.size == 0:
                        stale[seed_agent] = True
                        continue
                    sub = build_model(c, self.scaling, pairs, choice)
                    jobs.append((kind, seed_agent, group, sub))
                if not jobs:
                    continue
                limit = min(LNS_SUB_SECONDS, self.clock.remaining() - stop)
                solvers = [_solver(sub_workers, self.seed + steps + i) for i in range(len(jobs))]
                for solver in solvers:
                    self.clock.limit(solver, limit)
                tasks = [
                    (solver, job[3].model, self.clock.stop)
                    for solver, job in zip(solvers, jobs, strict=True)
                ]
                run = pool.map if pool is not None else map
                statuses = list(run(_solve, tasks))
                steps += len(jobs)
                merged = choice.copy()
                solved: list[IntArray] = []
                for (kind, _, group, sub), solver, status in zip(
                    jobs, solvers, statuses, strict=True
                ):
                    self.clock.charge(solver)
                    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                        mine = sub.read(solver, choice)
                        solved.append(mine)
                        merged[sub.free_items] = mine[sub.free_items]
                    log.debug(
                        "lns %d: %d agents, %d pairs, %s in %.2fs",
                        steps, group.size, sub.pairs.size, solver.status_name(status),
                        solver.wall_time,
                    )  # fmt: skip
                    if status == cp_model.OPTIMAL and self.clock.used(solver) < 0.5 * limit:
                        sizes[kind] = min(sizes[kind] * LNS_GROW, c.n_agents)
                    elif status != cp_model.OPTIMAL:
                        sizes[kind] = max(sizes[kind] / LNS_GROW, 2.0)
                # Disjoint groups change disjoint agents, so their answers combine; only the
                # balance term (the top utilisation) couples them, hence the single offers.
                improved = self.incumbent.offer(merged) if len(solved) > 1 else False
                for mine in solved:
                    improved = self.incumbent.offer(mine) or improved
                if improved:  # sub-solves leave single moves undone, often across groups
                    polish = math.inf if self.clock.deterministic else POLISH_SECONDS
                    self.incumbent.offer(
                        descend(c, self.incumbent.choice, time.monotonic() + polish)
                    )
                better += improved
                for (_, seed_agent, group, _), status in zip(jobs, statuses, strict=True):
                    if improved:
                        stale[group] = False
                    elif status == cp_model.OPTIMAL:
                        stale[seed_agent] = True
        finally:
            if pool is not None:
                pool.shutdown()
        log.info(
            "neighbourhood search: %d steps in %d rounds, %d improvements, objective %.6g",
            steps, rounds, better, self.incumbent.objective,
        )  # fmt: skip

    def knapsack_bound(self) -> None:
        """Raise the bound with the Lagrangian knapsack relaxation in the time left."""
        lp = self.lp
        if lp is None or not lp.optimal:
            return
        # A margin for building the result, so the solve ends inside its limit.
        seconds = self.clock.remaining() - END_MARGIN * self.clock.time_limit
        if self.clock.deterministic:  # iterations, not time, decide, so the run repeats
            deadline, iterations = math.inf, LAGRANGE_ITERATIONS
        else:
            deadline, iterations = time.monotonic() + seconds, LAGRANGE_MAX_ITERATIONS
        bound = lagrangian_bound(
            self.compiled, lp.item_price, lp.balance_share, self.incumbent.objective,
            deadline, iterations,
        )  # fmt: skip
        log.info("knapsack bound %.6g (LP %.6g)", bound, lp.bound)
        self.bound = max(self.bound, bound)
        value = self.incumbent.objective
        if self.incumbent.choice is not None and self.bound >= value - 1e-9 * max(1.0, abs(value)):
            self.proven = True  # the bound meets the incumbent: nothing better exists

    def rens(self, seconds: float) -> None:
        """Keep the LP's integral items, let CP-SAT place the fractional ones (RENS).

        The LP's integral part already respects every capacity and balances the agents; only
        the few split items need deciding, a small model CP-SAT solves quickly.
        """
        c, lp = self.compiled, self.lp
        if lp is None or not lp.optimal:
            return
        base = _round_lp(c, lp)
        split = np.zeros(c.n_items, dtype=bool)
        best = np.zeros(c.n_items)
        np.maximum.at(best, c.pair_item, lp.value)
        split[best < 1 - 1e-6] = True
        pairs = self.kernel(RENS_PAIRS)
        pairs = pairs[split[c.pair_item[pairs]]]
        if pairs.size == 0:
            self.incumbent.offer(base)
            return
        sub = build_model(c, self.scaling, pairs, base, hint=True)
        solver = _solver(self.workers, self.seed)
        self.clock.limit(solver, seconds)
        with stop_search_on(self.clock.stop, solver):
            status = solver.solve(sub.model)
        self.clock.charge(solver)
        log.info(
            "rens: %d split items, %s in %.1fs", int(split.sum()), solver.status_name(status),
            solver.wall_time,
        )  # fmt: skip
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            self.incumbent.offer(sub.read(solver, base))

    def phase(self, seconds: float, phase: int, per_item: int | None) -> None:
        """One CP-SAT solve of the pairs that could beat the incumbent, hinted with it.

        Any solution using a pair left out by the reduced-cost test costs more than the
        incumbent did when the pairs were chosen, so the model's bound, capped at that cost,
        bounds the whole problem. A kernel phase (``per_item`` pairs per item) bounds nothing.
        """
        c = self.compiled
        cutoff = self.incumbent.objective
        pairs = _promising(self.lp, cutoff, c)
        full = per_item is None or self.lp is None or not self.lp.optimal
        if not full:
            assert per_item is not None
            pairs = np.intersect1d(pairs, self.kernel(per_item))
        reduced = pairs.size < c.n_pairs
        if (np.bincount(c.pair_item[pairs], minlength=c.n_items) == 0).any():
            if full:
                self.proven = self.incumbent.choice is not None  # nothing beats the incumbent
            return
        hinted = self.incumbent.choice is not None and self.hint_worthy()
        base = self.incumbent.choice if hinted else np.full(c.n_items, -1, dtype=np.int64)
        assert base is not None
        sub = build_model(c, self.scaling, pairs, base, hint=hinted)
        solver = _solver(self.workers, self.seed + phase)
        solver.parameters.linearization_level = LINEARIZATION
        self.clock.limit(solver, seconds)
        with stop_search_on(self.clock.stop, solver):
            status = solver.solve(sub.model)
        self.clock.charge(solver)
        log.info(
            "phase %d: %d of %d pairs, %s in %.1fs, objective %.6g bound %.6g",
            phase,
            pairs.size,
            c.n_pairs,
            solver.status_name(status),
            solver.wall_time,
            solver.objective_value if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else math.nan,
            solver.best_objective_bound,
        )
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            if self.incumbent.offer(sub.read(solver, base)) and not full:
                # A kernel holds 2-3 pairs per item: moves to the others may still pay.
                polish = math.inf if self.clock.deterministic else time.monotonic() + POLISH_SECONDS
                assert self.incumbent.choice is not None
                self.incumbent.offer(descend(c, self.incumbent.choice, polish))
            if full:
                bound = self.model_bound(solver)
                self.bound = max(self.bound, min(bound, cutoff) if reduced else bound)
                self.proven = status == cp_model.OPTIMAL
        elif status == cp_model.INFEASIBLE and full:
            if reduced:
                self.proven = hinted
            else:
                self.infeasible = True


def solve_assignment(
    problem: AssignmentProblem,
    *,
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int = 0,
    hint: Mapping[str, str] | None = None,
    stop: StopSignal | None = None,
    deterministic: bool = False,
    starts: Sequence[Mapping[str, str]] = (),
) -> AssignmentResult:
    """Best assignment found within ``time_limit`` seconds, with a valid lower bound.

    Never worse than :func:`greedy_assignment`, a feasible ``hint`` or any feasible ``starts``
    (other item -> agent assignments to start from: a what-if's links before its change).
    With ``deterministic`` the result depends only on the problem and ``seed``, on any
    machine: one worker, and the budget is CP-SAT's deterministic time (which may run longer
    or shorter than the wall clock). Otherwise the wall clock rules. The LP relaxation is
    solved before the clock is consulted, so very short limits on large problems overrun by
    its time (~0.4 s at 22,000 pairs).
    Setting ``stop`` ends the search at once, as if the time were up (running CP-SAT
    searches included): the best assignment so far comes back, with a valid bound.
    """
    if time_limit <= 0 or workers < 1:
        raise ValueError("time_limit must be > 0 and workers >= 1")
    if deterministic:
        workers = 1
    clock = _Clock(time_limit, deterministic=deterministic, stop=stop)
    c = problem.compiled
    if c.n_items == 0:
        return to_result(c, np.zeros(0, dtype=np.int64), "OPTIMAL", 0.0, clock.elapsed())
    incumbent = _Incumbent(c)
    incumbent.offer(greedy_choice(c))
    for start in (hint, *starts):
        if start:
            incumbent.offer(_choice_from_hint(c, start))
    rng = np.random.default_rng(seed)
    search = _Search(c, choose_scaling(c), clock, workers, seed, incumbent, rng)
    lp = solve_lp(c, time_limit=max(1.0, time_limit))
    if lp.bound == math.inf:
        return to_result(c, None, "INFEASIBLE", math.inf, clock.elapsed())
    search.lp = lp
    search.bound = lp.bound
    if lp.optimal:
        incumbent.offer(repair(c, _round_lp(c, lp)))
    search.rens(RENS_SHARE * time_limit)
    if incumbent.choice is not None:
        # With one worker the descent runs to its local optimum, so the run repeats exactly.
        polish = math.inf if clock.deterministic else time.monotonic() + 0.05 * time_limit
        incumbent.offer(descend(c, incumbent.choice, polish))
    if incumbent.objective > lp.bound + 1e-9 * max(1.0, abs(lp.bound)):
        reserve = min(LAGRANGE_SHARE * time_limit, LAGRANGE_MAX_SECONDS)
        sparse = c.soft or c.n_pairs < 0.5 * c.n_items * c.n_agents
        if sparse:
            # Sparse or soft problems: a short full solve where it may prove optimality (small
            # ones end here), then neighbourhoods of related agents.
            if c.n_pairs <= FULL_MAX_PAIRS:
                search.phase(min(FULL_SHARE * time_limit, clock.remaining() - reserve), 0, None)
            if not (search.proven or search.infeasible):
                search.improve(clock.remaining() - reserve)
        else:
            for phase, (per_item, share) in enumerate(PHASES):
                last = phase == len(PHASES) - 1
                seconds = clock.remaining() - reserve
                seconds = seconds if last else min(seconds, share * time_limit)
                search.phase(seconds, phase, per_item)
                if search.proven or search.infeasible or clock.remaining() <= 0:
                    break
        if not (search.proven or search.infeasible):
            search.knapsack_bound()
            # The bound often converges before its reserve is spent: search on in what is left.
            left = clock.remaining() - END_MARGIN * time_limit
            if left >= MIN_SEARCH_AFTER_BOUND and not search.proven:
                if sparse:
                    search.improve(left)
                else:
                    search.phase(left, len(PHASES), None)
    else:
        search.proven = True
    seconds = clock.elapsed()
    if search.infeasible:
        return to_result(c, None, "INFEASIBLE", math.inf, seconds)
    if incumbent.choice is None:
        return to_result(c, None, "UNKNOWN", search.bound, seconds)
    if search.proven:
        return to_result(c, incumbent.choice, "OPTIMAL", incumbent.objective, seconds)
    return to_result(c, incumbent.choice, "FEASIBLE", search.bound, seconds)
