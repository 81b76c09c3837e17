"""The plan folder ``scheduler plan`` writes: tables, ``ics/`` and ``rota.xlsx``, as one unit.

Every file is made in memory first (a bad plan writes nothing), then written into a staging
folder beside ``out`` and flushed to disk (:mod:`scheduler.io.folders`), and the folder swapped
in (:mod:`scheduler.io.atomic`), so a reader or a crash sees the old folder or the new one,
never half of each.

:func:`estimated_write_seconds` says how long this takes, so a caller with a time budget (the
command's ``--time-limit``) can keep that much back for writing.
"""

from __future__ import annotations

from dataclasses import replace
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
