"""Running a solve off the page's thread, so a long plan never freezes the dashboard.

A :class:`SolveJob` wraps one :func:`scheduler.pipeline.make_plan` call in a daemon thread. The
page keeps the job in the user's session state (never in a module global: the data are
personal) and polls it; the Stop button sets the job's event and the pipeline returns the best
plan found so far. Nothing here imports Streamlit, so the runner is tested on its own.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from scheduler.domain import Authority
from scheduler.errors import InputError, Problem
from scheduler.matching.links import LinkBasis
from scheduler.pipeline import PlanOptions, PlanResult, make_plan
from scheduler.plan import Pin, Plan
from scheduler.scheduling.solve import PieceBound, Progress
from scheduler.wording import count

logger = logging.getLogger(__name__)

JobKind = Literal["plan", "replan", "continue", "today", "what_if"]
"""What a solve is for: a new plan, a re-plan keeping the working plan's links and slots, more
search from the working plan (``warm``), a re-plan from today, or a service lead's what-if
(``warm``; never saved unless kept)."""

WHAT: dict[JobKind, str] = {
    "plan": "Making a new plan",
    "replan": "Re-planning, keeping links, slots and pins",
    "continue": "Improving the plan from where it stopped",
    "today": "Re-planning from today",
    "what_if": "Trying the new priorities",
}


FIRST_ANSWER_WAIT = 0.3
"""Seconds the page that starts a what-if waits for its first answer before drawing the status:
the answer (the plan asked about) is reported as soon as the data are read, so the lead sees
it in that run rather than at the status's next redraw, half a second later."""


@dataclass
class SolveJob:
    """One solve in flight: its inputs, live progress and, once finished, its outcome."""

    kind: JobKind
    authority: Authority
    """The data the plan is made for (a re-plan may carry a service lead's what-if config)."""
    options: PlanOptions
    pins: tuple[Pin, ...]
    previous: Plan | None
    warm: PlanResult | None = None
    """A plan to start from (what-ifs and "continue"): its slots are the first answer."""
    bounds_from: tuple[PieceBound, ...] = ()
    """Pieces proven in this session (the last what-if): they bound a what-if's pieces too."""
    link_basis: LinkBasis | None = None
    """The session's last link problem: priced again when only the weights changed."""
    stop: threading.Event = field(default_factory=threading.Event)
    started: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _progress: Progress | None = None
    _result: PlanResult | None = None
    _problems: list[Problem] | None = None
    _failed: bool = False
    _thread: threading.Thread | None = field(default=None, repr=False)
    _answered: threading.Event = field(default_factory=threading.Event, repr=False)

    def start(self) -> SolveJob:
        """Begin solving in a daemon thread (a closed browser tab must not keep the server up)."""
        self._thread = threading.Thread(target=self._run, name=f"solve-{self.kind}", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            result = make_plan(
                self.authority,
                self.options,
                pins=self.pins,
                previous=self.previous,
                progress=self._report,
                stop=self.stop,
                warm=self.warm,
                bounds_from=self.bounds_from,
                link_basis=self.link_basis,
            )
        except InputError as exc:  # bad pins: the coordinator fixes them
            with self._lock:
                self._problems = list(exc.problems)
        except Exception:  # a bug: logged (no personal data), shown as a plain sentence
            logger.exception("the %s solve failed", self.kind)
            with self._lock:
                self._failed = True
        else:
            with self._lock:
                self._result = result

    def _report(self, progress: Progress) -> None:
        with self._lock:
            self._progress = progress
        if progress.whole:
            self._answered.set()

    def wait_for_answer(self, seconds: float) -> bool:
        """Wait at most ``seconds`` for a whole first answer (a what-if's: the plan it was asked
        of, reported as soon as the data are read), or for the solve to end; whether one came.
        The page that starts a what-if can then draw it in the same run."""
        deadline = time.monotonic() + seconds
        while not self._answered.is_set() and self.running:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self._answered.wait(min(left, 0.02))
        return self._answered.is_set()

    @property
    def running(self) -> bool:
        """True until the thread has finished (successfully or not)."""
        return self._thread is not None and self._thread.is_alive()

    @property
    def progress(self) -> Progress | None:
        """The latest progress report, or ``None`` before the first one."""
        with self._lock:
            return self._progress

    @property
    def result(self) -> PlanResult | None:
        """The plan, once the solve finished without error."""
        with self._lock:
            return self._result

    @property
    def problems(self) -> list[Problem] | None:
        """Input problems (bad pins) that stopped the solve, if any."""
        with self._lock:
            return self._problems

    @property
    def failed(self) -> bool:
        """True when the solve crashed (a bug); the log has the details."""
        with self._lock:
            return self._failed

    @property
    def elapsed(self) -> float:
        """Seconds since the job started."""
        return time.monotonic() - self.started

    @property
    def funded(self) -> frozenset[str]:
        """The children with a funded two-year-old place (to count them among those booked)."""
        return frozenset(cid for cid, c in self.authority.children.items() if c.funded_two)

    def request_stop(self) -> None:
        """Ask the solver to finish now with the best plan so far."""
        self.stop.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job ends (tests and scripts); True if it has ended."""
        if self._thread is not None:
            self._thread.join(timeout)
        return not self.running


def start_solve(
    authority: Authority,
    options: PlanOptions,
    *,
    kind: JobKind = "plan",
    pins: Sequence[Pin] = (),
    previous: Plan | None = None,
    warm: PlanResult | None = None,
    bounds_from: Sequence[PieceBound] = (),
    link_basis: LinkBasis | None = None,
) -> SolveJob:
    """Start planning in the background and return the job to poll."""
    return SolveJob(
        kind, authority, options, tuple(pins), previous, warm, tuple(bounds_from), link_basis
    ).start()


STAGE_LABELS: dict[str, str] = {
    "preparing": "Reading the data",
    "matching": "Choosing each setting's link practitioner",
    "scheduling": "Booking reviews",
    "explaining": "Writing down why each child left out could not be booked",
    "checking": "Checking the plan against every rule",
    "done": "Done",
}


def time_left(elapsed: float, time_limit: float) -> str:
    """``about 12 s left``, or ``finishing`` once the limit is reached."""
    left = time_limit - elapsed
    return f"about {left:.0f} s left" if left >= 1 else "finishing"


def describe_progress(
    progress: Progress | None,
    elapsed: float,
    time_limit: float,
    funded: frozenset[str] = frozenset(),
) -> tuple[float, str]:
    """A progress fraction (of the time limit, which the plan keeps) and a status line in the
    coordinator's words: what is happening, children booked so far (and how many of them are
    funded) or, once every part has an answer (a what-if), the first whole answer, time left."""
    fraction = min(0.99, elapsed / time_limit) if time_limit > 0 else 0.0
    left = time_left(elapsed, time_limit)
    if progress is None:
        return 0.0, f"Starting · {left}"
    label = STAGE_LABELS.get(progress.stage, progress.stage)
    if progress.stage == "done":
        return 1.0, label
    if progress.whole and not progress.total:  # the plan asked about, before any piece
        booked = progress.booked
        label = (
            f"First answer: {count(len(booked))} children booked, "
            f"{count(len(booked & funded))} of them funded two-year-olds, as the plan stands; "
            "improving it"
        )
    elif progress.stage == "scheduling" and progress.whole and progress.done < progress.total:
        booked = progress.booked
        label = (
            f"First answer: {count(len(booked))} children booked, "
            f"{count(len(booked & funded))} of them funded two-year-olds; improving it "
            f"({progress.done} of {progress.total} parts of the rota done)"
        )
    elif progress.stage == "scheduling" and progress.total:
        booked = progress.booked
        done = (
            f"all {progress.total} parts of the rota done; improving those not yet proven best"
            if progress.improving
            else f"{progress.done} of {progress.total} parts of the rota done"
        )
        label = (
            f"{label}: {count(len(booked))} children booked so far, "
            f"{count(len(booked & funded))} of them funded two-year-olds ({done})"
        )
    return fraction, f"{label} · {left}"
