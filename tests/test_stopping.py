"""Stop: a running CP-SAT search ends within moments, with its best solution so far."""

from __future__ import annotations

import multiprocessing
import random
import threading
import time

import numpy as np
import polars as pl
import pytest
from ortools.sat.python import cp_model

from scheduler.matching import AssignmentProblem, solve_assignment
from scheduler.stopping import StopSignal, stop_search_on

LONG = 120.0  # a time limit no test may wait for
PROMPT = 10.0  # seconds within which a stopped search must have returned


def hard_knapsack() -> cp_model.CpModel:
    """A multi-dimensional knapsack CP-SAT cannot prove optimal in minutes."""
    rng = random.Random(5)
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{i}") for i in range(300)]
    for _ in range(8):
        weights = [rng.randint(10, 1000) for _ in x]
        model.add(sum(w * v for w, v in zip(weights, x, strict=True)) <= sum(weights) // 2)
    model.maximize(sum(rng.randint(10, 1000) * v for v in x))
    return model


def type_d_gap(items: int = 200, agents: int = 10) -> AssignmentProblem:
    """A random GAP of Chu and Beasley's type D (costs opposed to loads): hard to prove."""
    rng = np.random.default_rng(3)
    load = rng.integers(1, 101, size=(agents, items))
    cost = 111 - load + rng.integers(-10, 11, size=(agents, items))
    rows = [
        (f"i{j}", f"a{a}", float(cost[a, j]), int(load[a, j]))
        for j in range(items)
        for a in range(agents)
    ]
    pairs = pl.DataFrame(
        rows,
        schema={"item": pl.String, "agent": pl.String, "cost": pl.Float64, "load": pl.Int64},
        orient="row",
    )
    capacity = (0.8 * load.sum(axis=1) / agents).astype(int)
    caps = pl.DataFrame({"agent": [f"a{a}" for a in range(agents)], "capacity": capacity})
    return AssignmentProblem(pairs, caps)


def set_later(signal: StopSignal, seconds: float) -> threading.Timer:
    timer = threading.Timer(seconds, signal.set)  # type: ignore[attr-defined]
    timer.start()
    return timer


@pytest.mark.parametrize("kind", ["thread", "process"])
def test_a_running_search_stops_when_the_signal_is_set(kind: str) -> None:
    """A thread's event and a worker process's event both end a long search early."""
    signal: StopSignal = (
        threading.Event() if kind == "thread" else multiprocessing.get_context("spawn").Event()
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = LONG
    solver.parameters.num_workers = 2
    began = time.monotonic()
    set_later(signal, 1.0)
    with stop_search_on(signal, solver):
        status = solver.solve(hard_knapsack())
    assert time.monotonic() - began < PROMPT
    assert status == cp_model.FEASIBLE  # stopped with a solution, not proven


def test_the_watcher_ends_with_the_search() -> None:
    """No watcher thread outlives its search when the signal is never set."""
    before = threading.active_count()
    model = cp_model.CpModel()
    model.new_bool_var("x")
    solver = cp_model.CpSolver()
    with stop_search_on(threading.Event(), solver):
        assert solver.solve(model) == cp_model.OPTIMAL
    assert threading.active_count() == before


@pytest.mark.parametrize("workers", [1, 2])
def test_stopping_the_assignment_core_keeps_its_best_solution(workers: int) -> None:
    """solve_assignment returns soon after Stop with a feasible assignment and a valid bound."""
    problem = type_d_gap()
    stop = threading.Event()
    began = time.monotonic()
    set_later(stop, 1.5)
    result = solve_assignment(problem, time_limit=LONG, workers=workers, stop=stop)
    assert time.monotonic() - began < PROMPT
    assert result.status == "FEASIBLE"
    assert len(result.assignment) == 200
    loads: dict[str, int] = {}
    frame = problem.pairs
    load_of = {(r["item"], r["agent"]): r["load"] for r in frame.iter_rows(named=True)}
    for item, agent in result.assignment.items():
        loads[agent] = loads.get(agent, 0) + load_of[(item, agent)]
    caps = dict(problem.capacities.iter_rows())
    assert all(loads[a] <= caps[a] for a in loads)
    assert result.best_bound <= result.objective


def test_stop_during_linking_ends_the_whole_plan_promptly() -> None:
    """Stop pressed while the links are being chosen: the plan comes back within moments,
    complete (every due child scheduled or explained) and passing the checker."""
    from scheduler.generate import SIZES, generate_authority
    from scheduler.pipeline import PlanOptions, make_plan

    authority = generate_authority(SIZES["medium"], 1)
    stop = threading.Event()
    began = time.monotonic()

    def on_progress(progress: object) -> None:
        if getattr(progress, "stage", "") == "matching":
            set_later(stop, 2.0)

    result = make_plan(
        authority,
        PlanOptions(time_limit=LONG, link_time_limit=LONG, workers=2),
        progress=on_progress,
        stop=stop,
    )
    assert time.monotonic() - began < 2.0 + 3 * PROMPT
    assert result.plan.summary.stopped_early is True
    assert result.check.ok
    placed = len(result.plan.appointments) + len(result.plan.unscheduled)
    assert placed == result.plan.summary.children_due
    assert len(result.plan.links) == len(authority.settings)


@pytest.mark.timeout(30)
def test_a_search_that_ends_by_itself_is_not_kept_waiting_for_its_watcher(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The watcher waits on the search's end, not on the signal: with a poll of 10 minutes
    the block still ends at once (before, every search sat out the rest of a 0.1 s poll,
    measured as 2.0 s for twenty 10 ms searches, and a what-if solves dozens of pieces)."""
    monkeypatch.setattr("scheduler.stopping.POLL_SECONDS", 600.0)
    signal = threading.Event()
    with stop_search_on(signal, cp_model.CpSolver()):
        pass
    assert not any(t.name == "stop-watcher" and t.is_alive() for t in threading.enumerate())
