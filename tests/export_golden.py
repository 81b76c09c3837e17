"""Digests of everything the exports write for a fixed plan, so a faster writer can be held to
"not one byte changed".

The fixture (``tests/data/export_golden``): a generated authority of 80 due children with
joint, clinic and home reviews and children in no setting, given awkward names by
``awkward.py`` (quotes, commas, semicolons, backslashes, carets, accents, an emoji, names long
enough to fold twice); ``plan0`` planned from it, ``plan1`` a second plan (another seed) with one
review dropped and one practitioner changed, so a re-plan has updates, cancellations and a
person taken off a review. ``digests.json`` was written by the exports as they were before the
speed work (main at a9c5a1c; unchanged on main e1c97cc) and must only be rewritten for an intended
change of content. Rewritten since: ``rota.xlsx`` only, for f13a433 (the workbook's Summary
sheet in words and its 'All appointments' sheet), and when its digest became one of the
workbook as a reader sees it (sheets, cells, formats, widths, filters, frozen panes) rather
than of xlsxwriter's bytes, which change between its releases; every other file's digest
unchanged.

    .venv/bin/python tests/export_golden.py --write
"""

from __future__ import annotations

import hashlib
import io
import json
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import openpyxl

from scheduler.commands.planning import write_plan_folder_or_exit as write_plan_folder
from scheduler.domain import Authority
from scheduler.export.bundle import calendar_files, setting_zip
from scheduler.export.ics import (
    build_calendars,
    calendar_sequences,
    family_invite,
    practitioner_feed,
    setting_feed,
)
from scheduler.io.load import load_authority
from scheduler.io.plan_files import read_plan
from scheduler.plan import Plan

FIXTURE = Path(__file__).parent / "data" / "export_golden"
DIGESTS = FIXTURE / "digests.json"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def workbook_content(data: bytes) -> list[Any]:
    """A workbook as a reader sees it, sheet by sheet: the title, frozen panes, filter, column
    widths, and every cell with its value, type, number format, boldness and wrapping. Not the
    bytes: xlsxwriter's XML (attribute order, its creation time) differs between releases."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    content: list[Any] = []
    for sheet in book.worksheets:
        widths = sorted(
            (letter, round(d.width, 2)) for letter, d in sheet.column_dimensions.items() if d.width
        )
        cells = [
            (
                cell.coordinate,
                repr(cell.value),
                cell.data_type,
                cell.number_format,
                bool(cell.font.b),
                bool(cell.alignment.wrap_text),
            )
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        ]
        content.append([sheet.title, sheet.freeze_panes, sheet.auto_filter.ref, widths, cells])
    return content


def file_digest(name: str, data: bytes) -> str:
    """A file's SHA-256; for a workbook, of its content as a reader sees it."""
    if not name.endswith(".xlsx"):
        return sha(data)
    return sha(json.dumps(workbook_content(data)).encode())


def folder_digests(folder: Path) -> dict[str, str]:
    """Relative path → digest of every file under ``folder``."""
    return {
        path.relative_to(folder).as_posix(): file_digest(path.name, path.read_bytes())
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def fixture() -> tuple[Authority, Plan, Plan]:
    """The fixture's authority, first plan and re-plan."""
    authority = load_authority(FIXTURE / "data", None).authority
    return authority, read_plan(FIXTURE / "plan0"), read_plan(FIXTURE / "plan1")


def plan_folders(work: Path) -> dict[str, dict[str, str]]:
    """Write the first plan's folder, then the re-plan's against it (as ``replan`` does)."""
    authority, plan0, plan1 = fixture()
    first, second = work / "first", work / "replan"
    write_plan_folder(authority, _result(plan0), first, previous=None, calendars=True)
    previous = read_plan(first)  # with the sequences the first folder gave its events
    write_plan_folder(authority, _result(plan1), second, previous=previous, calendars=True)
    return {"first": folder_digests(first), "replan": folder_digests(second)}


def _result(plan: Plan) -> Any:
    """What ``write_plan_folder`` reads of a :class:`~scheduler.pipeline.PlanResult`: the plan."""
    return SimpleNamespace(plan=plan)


def dashboard_outputs() -> dict[str, str]:
    """Everything the dashboard, the feed route, ``export-ics`` and ``send-invites`` build."""
    authority, plan0, plan1 = fixture()
    first = build_calendars(authority, plan0)
    plan0 = replace(plan0, sequences=dict(first.sequences))
    out: dict[str, str] = {}
    for setting_id in authority.settings:
        out[f"setting_feed/{setting_id}"] = sha(setting_feed(authority, plan0, setting_id))
        out[f"setting_zip/{setting_id}"] = sha(setting_zip(authority, plan0, setting_id))
    for practitioner_id in authority.practitioners:
        out[f"practitioner_feed/{practitioner_id}"] = sha(
            practitioner_feed(authority, plan0, practitioner_id)
        )
    for appointment in plan0.appointments:
        child_id = appointment.child_id
        out[f"family_invite/{child_id}"] = sha(family_invite(authority, plan0, child_id))
    out["calendar_sequences"] = sha(
        json.dumps(calendar_sequences(authority, plan1, plan0), sort_keys=True).encode()
    )
    replan = build_calendars(authority, plan1, previous=plan0)
    for name, data in sorted(calendar_files(replan, only_changes=True).items()):
        out[f"only_changes/{name}"] = sha(data)
    for kind, invitations in (("invite", replan.invites), ("cancel", replan.cancellations)):
        for child_id, invitation in sorted(invitations.items()):
            fields = (
                invitation.method,
                str(invitation.sequence),
                invitation.subject,
                invitation.text,
                "|".join(f"{a.name}<{a.email}>{a.role}" for a in invitation.recipients),
                str(invitation.changed),
            )
            out[f"{kind}/{child_id}"] = sha("\n".join(fields).encode() + invitation.ics)
    out["changed_settings"] = ",".join(sorted(replan.changed_settings))
    out["changed_practitioners"] = ",".join(sorted(replan.changed_practitioners))
    return out


def everything() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as work:
        return {**plan_folders(Path(work)), "dashboard": dashboard_outputs()}


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit(__doc__)
    DIGESTS.write_text(json.dumps(everything(), indent=1, sort_keys=True) + "\n")
    print(f"wrote {DIGESTS}")
