"""A whole plan folder, as ``scheduler plan`` writes it: the contract's tables and summary,
the calendars (``ics/``) and the coordinator's workbook, replacing the folder whole.

One function for every writer of plan folders (``plan``, ``replan``, a booking between plans,
``plan-many``), so they all write the same files the same way.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from scheduler.domain import Authority
from scheduler.export.bundle import write_calendars
from scheduler.export.ics import build_calendars
from scheduler.export.workbook import rota_workbook
from scheduler.io.atomic import atomic_folder
from scheduler.io.plan_files import SUMMARY, write_plan
from scheduler.plan import Plan


def write_plan_folder(
    authority: Authority, plan: Plan, out: Path, *, previous: Plan | None, calendars: bool
) -> Plan:
    """Tables, calendars and workbook into a staging folder that replaces ``out`` whole.
    Returns the plan as written (with its calendars' sequence numbers, which the next re-plan
    continues). ``ValueError`` when ``out`` holds something that is not a plan folder."""
    out = Path(out).resolve()
    if out.exists() and any(out.iterdir()) and not (out / SUMMARY).exists():
        raise ValueError(f"{out} is not empty and is not a plan folder; choose another --out")
    with atomic_folder(out) as final:
        if calendars:
            calendar_set = build_calendars(authority, plan, previous=previous)
            plan = replace(plan, sequences=dict(calendar_set.sequences))
            write_calendars(calendar_set, final / "ics")
        write_plan(plan, final / "plan")
        for entry in (final / "plan").iterdir():
            entry.rename(final / entry.name)
        (final / "plan").rmdir()
        (final / "rota.xlsx").write_bytes(rota_workbook(authority, plan))
    return plan
