"""One authority under one what-if, as a job that needs nothing but its arguments.

The data travel as bytes and the plan folder comes back as bytes, so a job runs the same in
this process, in a Ray worker on this machine, or on another machine with no shared disk.
Bad data or an impossible what-if is an outcome (its problems, ``file:line`` as ``plan``
prints them), never an exception: one broken authority must not stop a national run.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from scheduler.calendar import due_children
from scheduler.domain import Authority
from scheduler.errors import InputError, Problem
from scheduler.export.plan_folder import write_plan_folder
from scheduler.forecast import plan_metric_forecast
from scheduler.io.load import CONFIG_NAME, load_authority_from_upload
from scheduler.many.summary import SummaryRow, failed_row, planned_row
from scheduler.pipeline import PlanOptions, PlanResult, make_plan
from scheduler.scheduling.solve import PiecePool
from scheduler.whatif import Scenario, apply_scenario

DATA_SUFFIXES = (".csv", ".xlsx")
"""What ``scheduler plan`` reads from a data folder (plus ``config.toml``)."""


@dataclass(frozen=True)
class AuthorityData:
    """An authority's data folder as bytes: its name (the folder's) and its files by name."""

    name: str
    files: dict[str, bytes]
    path: str
    """Where the folder is on the machine that read it (for ``summary.json``'s data_path)."""


def find_authorities(folder: Path) -> list[AuthorityData]:
    """Every sub-folder of ``folder`` holding data files, by name; hidden folders are skipped.

    Raises :class:`InputError` when ``folder`` is missing or holds no authority.
    """
    if not folder.is_dir():
        raise InputError([Problem(str(folder), 0, "-", "no such folder", str(folder))])
    found = []
    for entry in sorted(folder.iterdir()):
        if not entry.is_dir() or entry.name.startswith("."):
            continue
        files = {
            f.name: f.read_bytes()
            for f in sorted(entry.iterdir())
            if f.is_file() and (f.suffix.lower() in DATA_SUFFIXES or f.name == CONFIG_NAME)
        }
        if files:
            found.append(AuthorityData(entry.name, files, str(entry.resolve())))
    if not found:
        raise InputError(
            [
                Problem(
                    str(folder),
                    0,
                    "-",
                    "no authority folders (sub-folders holding data files) here",
                    str(folder),
                )
            ]
        )
    return found


@dataclass(frozen=True)
class JobOptions:
    """Limits for each authority's plan, and when its stage-2 pieces fan out."""

    time_limit: float = 60.0
    link_time_limit: float = 10.0
    seed: int = 0
    calendars: bool = True
    workers: int = 1
    """Processes (or, with a piece pool, pieces at a time) for an authority that does not fan
    out: 1 on a cluster, where the authorities themselves are the parallel work."""
    split_from: int | None = None
    """Authorities with at least this many due children send their pieces to the piece pool
    (``None``: never)."""
    split_workers: int = 1
    """Pieces in flight for such an authority (the cluster's CPUs)."""


@dataclass(frozen=True)
class PlanJob:
    """Plan ``authority`` as it is (``scenario`` ``None``) or under a what-if."""

    authority: str
    scenario: Scenario | None
    options: JobOptions

    @property
    def scenario_name(self) -> str:
        return str(self.scenario) if self.scenario else ""


@dataclass(frozen=True)
class JobOutcome:
    """What a job hands back: the summary row and, when planned, the plan folder's files."""

    row: SummaryRow
    files: dict[str, bytes] = field(default_factory=dict)
    """The plan folder, relative POSIX path -> content; empty unless planned."""
    problems: list[Problem] = field(default_factory=list)
    """Bad data or an impossible what-if, files named ``authority/file``."""
    warnings: list[Problem] = field(default_factory=list)
    check_violations: list[str] = field(default_factory=list)
    failure: str | None = None
    """Why the job itself failed (outcome ``failed``): the error's type and first line."""


def plan_job(
    job: PlanJob,
    data: AuthorityData,
    piece_pool: Callable[[], PiecePool] | None = None,
) -> JobOutcome:
    """Load, apply the what-if, plan, render the plan folder; bad input is an outcome."""
    began = time.perf_counter()
    options = job.options
    try:
        loaded = load_authority_from_upload(data.files)
    except InputError as error:
        return _failed(job, "input_error", began, [_located(data.name, p) for p in error.problems])
    warnings = [_located(data.name, p) for p in loaded.warnings]
    authority = loaded.authority
    if job.scenario is not None:
        try:
            authority = apply_scenario(authority, job.scenario)
        except InputError as error:
            problems = [replace(p, file=f"{data.name}: {p.file}") for p in error.problems]
            return _failed(job, "input_error", began, problems)
    due = len(due_children(authority.children.values(), authority.config))
    split = (
        piece_pool is not None
        and options.split_from is not None
        and due >= options.split_from
        and options.split_workers > 1  # one CPU in all: the pieces stay in this task
    )
    result = make_plan(
        authority,
        PlanOptions(
            time_limit=options.time_limit,
            link_time_limit=options.link_time_limit,
            workers=options.split_workers if split else options.workers,
            seed=options.seed,
        ),
        pieces=piece_pool() if split and piece_pool is not None else None,
        data_path=data.path,
    )
    files = render_plan_folder(authority, result, calendars=options.calendars)
    row = planned_row(
        job.authority,
        job.scenario_name,
        authority,
        result.plan,
        plan_metric_forecast(authority, result.plan),
        check_ok=result.check.ok,
        seconds=time.perf_counter() - began,
        pieces_on_ray=split,
    )
    return JobOutcome(
        row=row,
        files=files,
        warnings=warnings,
        check_violations=[str(v) for v in result.check.violations],
    )


def render_plan_folder(
    authority: Authority, result: PlanResult, *, calendars: bool
) -> dict[str, bytes]:
    """The plan folder ``scheduler plan`` would write, as files in memory."""
    with tempfile.TemporaryDirectory(prefix="plan-many-") as tmp:
        folder = Path(tmp) / "plan"
        write_plan_folder(authority, result.plan, folder, previous=None, calendars=calendars)
        return {
            path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        }


def _located(authority: str, problem: Problem) -> Problem:
    """A data problem named ``authority/file`` so the coordinator knows which folder."""
    return replace(problem, file=f"{authority}/{problem.file}")


def _failed(job: PlanJob, outcome: str, began: float, problems: list[Problem]) -> JobOutcome:
    row = failed_row(
        job.authority, job.scenario_name, outcome, time.perf_counter() - began, len(problems)
    )
    return JobOutcome(row=row, problems=problems)
