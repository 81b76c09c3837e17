"""Solve an assignment problem: greedy start, LP bound and pair filtering, CP-SAT search.

Why this shape: the LP relaxation of the GAP is tight (typically within 0.1% of the
optimum) and cheap, so it gives an honest bound and, through reduced costs, removes pairs
that cannot be in any solution better than the incumbent. CP-SAT then searches the reduced
model from the incumbent; a second phase re-filters with the better incumbent, which on
loosely capacitated instances shrinks the model enough to prove optimality. (Measured and
dropped: our own large-neighbourhood loop of CP-SAT sub-solves and a numpy tabu search both
did worse than CP-SAT's internal search on two cores; see bench/README.md.)
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from ortools.sat.python import cp_model

from scheduler.matching.greedy import greedy_choice, shift_descent
from scheduler.matching.lp import LpRelaxation, solve_lp
from scheduler.matching.model import Scaling, build_model, choose_scaling
from scheduler.matching.problem import (
    AssignmentProblem,
    AssignmentResult,
    Compiled,
    IntArray,
    to_result,
)

log = logging.getLogger(__name__)

# (pairs per item or None for all, share of the time limit); each re-filters by reduced cost.
PHASES: tuple[tuple[int | None, float], ...] = ((2, 0.4), (3, 0.3), (None, 0.3))
LINEARIZATION = 1
HINT_GAP = 0.01  # hint CP-SAT with the incumbent only when within this of the bound


@dataclass
class _Clock:
    """Wall-clock budget; with one worker, CP-SAT's deterministic time, so runs repeat exactly."""

    time_limit: float
    deterministic: bool
    start: float = field(default_factory=time.monotonic)
    spent: float = 0.0  # deterministic time used so far

    def elapsed(self) -> float:
        return time.monotonic() - self.start

    def remaining(self) -> float:
        if self.deterministic:
            # Wall clock only as a backstop: deterministic time runs slower than wall time.
            return min(self.time_limit - self.spent, 3 * self.time_limit - self.elapsed())
        return self.time_limit - self.elapsed()

    def charge(self, solver: cp_model.CpSolver) -> None:
        self.spent += solver.deterministic_time

    def limit(self, solver: cp_model.CpSolver, seconds: float) -> None:
        """Give ``solver`` at most ``seconds`` of the remaining budget."""
        seconds = max(0.0, min(seconds, self.remaining()))
        if self.deterministic:
            solver.parameters.max_deterministic_time = seconds
            solver.parameters.max_time_in_seconds = max(
                seconds, 3 * self.time_limit - self.elapsed()
            )
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


@dataclass
class _Search:
    """State shared by the phases of one solve."""

    compiled: Compiled
    scaling: Scaling
    clock: _Clock
    workers: int
    seed: int
    incumbent: _Incumbent
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
        return value <= self.bound + HINT_GAP * max(1.0, abs(value))

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
            self.incumbent.offer(sub.read(solver, base))
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
) -> AssignmentResult:
    """Best assignment found within ``time_limit`` seconds, with a valid lower bound.

    Never worse than :func:`greedy_assignment` or a feasible ``hint``. With ``workers=1`` the
    result depends only on the problem and ``seed`` (the budget is CP-SAT's deterministic time).
    """
    if time_limit <= 0 or workers < 1:
        raise ValueError("time_limit must be > 0 and workers >= 1")
    clock = _Clock(time_limit, deterministic=workers == 1)
    c = problem.compiled
    if c.n_items == 0:
        return to_result(c, np.zeros(0, dtype=np.int64), "OPTIMAL", 0.0, clock.elapsed())
    incumbent = _Incumbent(c)
    # With one worker the descent is bounded by passes only, so the run repeats exactly.
    deadline = math.inf if clock.deterministic else time.monotonic() + 0.05 * time_limit
    incumbent.offer(shift_descent(c, greedy_choice(c), deadline))
    if hint:
        incumbent.offer(shift_descent(c, _choice_from_hint(c, hint), deadline))
    search = _Search(c, choose_scaling(c), clock, workers, seed, incumbent)
    lp = solve_lp(c, time_limit=max(1.0, time_limit))
    if lp.bound == math.inf:
        return to_result(c, None, "INFEASIBLE", math.inf, clock.elapsed())
    search.lp = lp
    search.bound = lp.bound
    if incumbent.objective > lp.bound + 1e-9 * max(1.0, abs(lp.bound)):
        for phase, (per_item, share) in enumerate(PHASES):
            last = phase == len(PHASES) - 1
            search.phase(clock.remaining() if last else share * time_limit, phase, per_item)
            if search.proven or search.infeasible or clock.remaining() <= 0:
                break
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
