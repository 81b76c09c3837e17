"""Ray: each authority (under each what-if) is a task, and a large authority's stage-2 pieces
are tasks too, on a local Ray instance or an existing cluster.

The only module that imports Ray; ``plan-many`` imports it when it runs, so the rest of the
scheduler works without Ray installed. Tasks are retried when their worker dies
(:data:`MAX_RETRIES`); an exception inside a task is not retried (bad data is an outcome, not
an exception, and anything else is a bug that would fail again).

A task that waits for its own pieces waits in ``ray.wait`` on its main thread: Ray lends the
waiting task's CPU to other tasks meanwhile, so authorities that fan out cannot deadlock a
cluster whose every CPU holds one.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

import ray
from ray.exceptions import RayError, RayTaskError, TaskCancelledError

from scheduler.errors import InputError, Problem
from scheduler.many.jobs import AuthorityData, JobOutcome, PlanJob, plan_job
from scheduler.many.summary import failed_row
from scheduler.scheduling.problem import GroupProblem
from scheduler.scheduling.solve import PIECE_MIN_SECONDS, PieceOutcome, solve_piece

_cluster_resources = cast(Callable[[], dict[str, float]], ray.cluster_resources)
"""The cluster's total resources (Ray leaves this function unannotated)."""

MAX_RETRIES = 3
"""Times a task is re-run after its worker process (or node) dies."""


@ray.remote(num_cpus=1, max_retries=MAX_RETRIES)
def plan_authority_task(job: PlanJob, data: AuthorityData) -> JobOutcome:
    """One authority under one what-if; its pieces fan out when it is large."""
    return plan_job(job, data, piece_pool=RayPiecePool)


@ray.remote(num_cpus=1, max_retries=MAX_RETRIES)
def solve_piece_task(
    problem: GroupProblem,
    time_limit: float,
    seed: int,
    deterministic: bool,
    start: PieceOutcome | None,
    due: float,
) -> PieceOutcome:
    """One stage-2 piece: warm start, CP-SAT, layout, repair (as in a local worker process)."""
    return solve_queued_piece(problem, time_limit, seed, deterministic, start, due)


def solve_queued_piece(
    problem: GroupProblem,
    time_limit: float,
    seed: int,
    deterministic: bool,
    start: PieceOutcome | None,
    due: float,
    clock: Callable[[], float] = time.time,
) -> PieceOutcome:
    """Solve a piece handed over with ``time_limit`` seconds, to end by ``due`` (seconds since
    the epoch, on the cluster's shared clock).

    Other authorities' pieces share the cluster, so a piece may wait in Ray's queue after its
    limit was worked out; searching its whole limit from a late start would end the
    authority's plan after its time limit. It searches only what is left until ``due`` (at
    least :data:`PIECE_MIN_SECONDS`, to keep its warm start). A deterministic limit is not on
    the clock, so it is kept whole: the same pieces give the same answers.
    """
    if not deterministic:
        time_limit = max(PIECE_MIN_SECONDS, min(time_limit, due - clock()))
    return solve_piece(
        problem, time_limit, seed, use_model=True, deterministic=deterministic, start=start
    )


class RayPiecePool:
    """Stage-2 pieces as Ray tasks (a :class:`~scheduler.scheduling.solve.PiecePool`).

    ``stop`` cancels the pieces still running; Ray cannot reach into a CP-SAT search the way
    the local pool's shared event does, so a cancelled piece gets the greedy rota (computed
    here) instead of its best solution so far. Every piece still comes back, so the plan
    stays whole. (``plan-many`` has no Stop button; this keeps the pool's promise anyway.)
    """

    def __init__(self) -> None:
        self._pending: dict[Any, tuple[int, GroupProblem, int]] = {}

    def submit(
        self,
        key: int,
        problem: GroupProblem,
        time_limit: float,
        seed: int,
        deterministic: bool,
        start: PieceOutcome | None = None,
    ) -> None:
        due = time.time() + time_limit
        task = solve_piece_task.remote(problem, time_limit, seed, deterministic, start, due)
        self._pending[task] = (key, problem, seed)

    def collect(self, timeout: float) -> list[tuple[int, PieceOutcome]]:
        if not self._pending:
            return []
        ready, rest = ray.wait(list(self._pending), num_returns=1, timeout=timeout)
        if ready and rest:
            ready += ray.wait(rest, num_returns=len(rest), timeout=0)[0]
        out = []
        for ref in ready:
            key, problem, seed = self._pending.pop(ref)
            try:
                outcome = ray.get(ref)
            except TaskCancelledError:  # by stop(), before it started or while it ran
                outcome = solve_piece(problem, 0.0, seed, use_model=False)
            except RayTaskError:
                raise  # a bug in the piece solver: the authority's job fails and says so
            except RayError:  # its worker died more often than retried: the greedy rota
                outcome = solve_piece(problem, 0.0, seed, use_model=False)
            out.append((key, outcome))
        return out

    def stop(self) -> None:
        for ref in self._pending:
            ray.cancel(ref)


@dataclass(frozen=True)
class Cluster:
    """What ``plan-many`` needs to know about the Ray it runs on."""

    cpus: int
    local: bool
    """A local instance started (and stopped) by this run, rather than a cluster joined."""


@contextmanager
def connected(address: str | None, cpus: int | None) -> Iterator[Cluster]:
    """Join the cluster at ``address``, or start a local instance with ``cpus`` CPUs (default:
    all of this machine's); disconnect (stopping a local instance) on the way out.

    Ray's usage statistics stay off unless the environment turns them on. Raises
    :class:`InputError` when there is no cluster at ``address``.
    """
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    if address:
        _reachable(address)
    try:
        if address:
            ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
        else:
            ray.init(
                num_cpus=cpus,
                include_dashboard=False,
                logging_level=logging.WARNING,
                log_to_driver=False,
            )
    except (ConnectionError, RuntimeError, RayError) as error:
        ray.shutdown()
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise InputError(
            [Problem("--address", 0, "-", f"cannot start or join Ray: {first}", address or "")]
        ) from None
    try:
        yield Cluster(cpus=max(1, int(_cluster_resources().get("CPU", 1))), local=not address)
    finally:
        ray.shutdown()


PROBE_SECONDS = 10.0


def _reachable(address: str) -> None:
    """Refuse at once an address where nothing listens: Ray itself would retry for minutes."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    problem = None
    if not host or not port.isdigit():
        problem = "not a HOST:PORT address"
    else:
        try:
            socket.create_connection((host, int(port)), timeout=PROBE_SECONDS).close()
        except OSError as error:
            problem = f"no Ray cluster answers there ({error.strerror or error})"
    if problem:
        raise InputError([Problem("--address", 0, "-", problem, address)])


def run_jobs(
    jobs: list[PlanJob],
    data: dict[str, AuthorityData],
    on_outcome: Callable[[PlanJob, JobOutcome], None],
) -> None:
    """Every job as a task; ``on_outcome`` is called here, in the driver, as each finishes.

    Each authority's data go to the object store once, however many what-ifs use them. A job
    whose task fails for good comes back as a ``failed`` row naming the error, and the others
    carry on. Interrupted (Ctrl-C), the tasks still running are cancelled.
    """
    stored = {name: ray.put(d) for name, d in data.items()}
    pending = {plan_authority_task.remote(job, stored[job.authority]): job for job in jobs}
    try:
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            for ref in ready:
                job = pending.pop(ref)
                try:
                    outcome = ray.get(ref)
                except RayError as error:
                    outcome = _failed(job, error)
                on_outcome(job, outcome)
    except BaseException:
        for ref in pending:
            ray.cancel(ref, force=True)
        raise


def _failed(job: PlanJob, error: RayError) -> JobOutcome:
    cause = error.cause if isinstance(error, RayTaskError) and error.cause else error
    text = str(cause).strip().splitlines()
    reason = f"{type(cause).__name__}: {text[0][:200]}" if text else type(cause).__name__
    return JobOutcome(
        row=failed_row(job.authority, job.scenario_name, "failed", 0.0, 0),
        failure=reason,
    )
