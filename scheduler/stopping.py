"""Stopping a running CP-SAT search when the coordinator presses Stop.

A solve can run for minutes; checking a flag between solver calls would leave the
coordinator waiting for the current one. CP-SAT can be told to stop from another thread
(``stop_search``), so a watcher thread waits on the signal for as long as the search runs.
The signal is a ``threading.Event``, or a ``multiprocessing`` event in a worker process.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from ortools.sat.python import cp_model

POLL_SECONDS = 0.1  # how often the watcher checks the signal while the search runs


class StopSignal(Protocol):
    """What ``threading.Event`` and ``multiprocessing.Event`` have in common."""

    def is_set(self) -> bool: ...

    def wait(self, timeout: float | None = None) -> bool: ...


def stopped(signal: StopSignal | None) -> bool:
    return signal is not None and signal.is_set()


@contextmanager
def stop_search_on(signal: StopSignal | None, solver: cp_model.CpSolver) -> Iterator[None]:
    """Within the block, ``solver``'s search stops as soon as ``signal`` is set; it then
    returns its best solution so far, as when its time limit is reached."""
    if signal is None:
        yield
        return
    finished = threading.Event()

    def watch() -> None:
        # Waits on the search's end, not on the signal, so the search is never kept waiting
        # for the watcher when it ends by itself (a what-if solves dozens of short pieces).
        while not finished.wait(POLL_SECONDS):
            if signal.is_set():
                solver.stop_search()
                return

    watcher = threading.Thread(target=watch, name="stop-watcher", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        finished.set()
        watcher.join()
