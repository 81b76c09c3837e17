"""The plan folder ``scheduler plan`` writes: tables, ``ics/`` and ``rota.xlsx``, as one unit.

Every file is made in memory first (a bad plan writes nothing), then written into a staging
folder beside ``out`` and flushed to disk (:mod:`scheduler.io.folders`), and the folder swapped
in (:mod:`scheduler.io.atomic`), so a reader or a crash sees the old folder or the new one,
never half of each.

:func:`estimated_write_seconds` says how long this takes, so a caller with a time budget (the
command's ``--time-limit``) can keep that much back for writing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from scheduler.domain import Authority
from scheduler.export.bundle import calendar_files
from scheduler.export.ics import build_calendars
from scheduler.export.workbook import rota_workbook
from scheduler.io.atomic import atomic_folder
from scheduler.io.folders import write_files
from scheduler.io.plan_files import SUMMARY, plan_file_bytes
from scheduler.plan import Plan

ICS = "ics"
ROTA = "rota.xlsx"


def plan_folder_files(
    authority: Authority, plan: Plan, *, previous: Plan | None, calendars: bool
) -> tuple[Plan, dict[str, bytes]]:
    """The plan as written and every file of its folder by relative path.

    With ``calendars``, the calendars are built against ``previous`` and the plan written
    carries their SEQUENCE numbers (``sequences.json`` holds them).
    """
    files: dict[str, bytes] = {}
    if calendars:
        calendar_set = build_calendars(authority, plan, previous=previous)
        plan = replace(plan, sequences=dict(calendar_set.sequences))
        files |= {f"{ICS}/{name}": data for name, data in calendar_files(calendar_set).items()}
    files |= plan_file_bytes(plan)
    files[ROTA] = rota_workbook(authority, plan)
    return plan, files


def write_plan_folder(
    authority: Authority, plan: Plan, out: Path, *, previous: Plan | None, calendars: bool
) -> Plan:
    """Write the whole plan folder at ``out``, replacing a plan folder there; the plan as
    written (with its calendars' sequence numbers).

    ``ValueError`` (before anything is built) when ``out`` is a non-empty folder that is not a
    plan folder, or not a folder.
    """
    out = Path(out).resolve()
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / SUMMARY).exists())):
        raise ValueError(f"{out} is not empty and is not a plan folder; choose another --out")
    written, files = plan_folder_files(authority, plan, previous=previous, calendars=calendars)
    with atomic_folder(out) as staging:
        write_files(staging, files)
    return written


# --------------------------------------------------------------------------- time budget


@dataclass(frozen=True, slots=True)
class WriteCost:
    """Seconds :func:`write_plan_folder` takes: a fixed part, a part per appointment (its
    invitation, family copy, letters, feed entries, rows) and a part per feed (each setting's
    and practitioner's calendar file; a setting's zip)."""

    fixed: float
    per_appointment: float
    per_feed: float

    def seconds(self, appointments: int, feeds: int) -> float:
        return max(0.0, self.fixed) + self.per_appointment * appointments + self.per_feed * feeds


WITH_CALENDARS = WriteCost(fixed=1.672, per_appointment=0.003328, per_feed=0.000702)
"""Fitted by ``bench/bench_write.py --calibrate --runs 5`` (least squares through each point's
median run; the points: data/sample and a large authority, each with all, half and none of
its appointments) on the project's shared 2-core machine, writing to its disk; the figures are
in ``bench/PROFILE.md``."""

TABLES_ONLY = WriteCost(fixed=0.026, per_appointment=0.000269, per_feed=0.0)
"""The same for ``--no-ics``: the tables and the rota workbook only."""

SLOWEST_RATIO = 1.5
"""The slowest of those runs took up to this many times the estimate (1.47 for data/sample;
creating thousands of small files is what varies most on a busy machine)."""


def estimated_write_seconds(
    n_appointments: int, n_settings: int, n_practitioners: int, *, calendars: bool = True
) -> float:
    """How long writing a plan folder of this size typically takes, so that a caller with a
    time limit can keep that much back for it (the solver gets the rest).

    A typical figure on a busy 2-core machine with a slow disk; multiply by
    :data:`SLOWEST_RATIO` for one that the calibration runs never exceeded. On a quiet machine
    or a fast disk, writing takes less: data/sample's folder (1,279 appointments, 5,904 files)
    in about 2 s and a large authority's (4,684 appointments, 21,857 files) in about 6 s on a
    RAM disk, most of the rest being the file system creating the files.
    """
    cost = WITH_CALENDARS if calendars else TABLES_ONLY
    return cost.seconds(n_appointments, n_settings + n_practitioners)
