"""The coordinator's rota workbook: a summary in words, every appointment on one filterable
sheet, links, unscheduled children, then one sheet per practitioner and one per setting. Child
names appear (coordinators contact families) but no date of birth, funded status, SEND or
concerns. Every cell goes through :mod:`scheduler.io.cells`, so no name or reason from the data
becomes a formula or link."""

from __future__ import annotations

import io
import re
from collections import defaultdict

from scheduler.domain import Authority, Practitioner, Setting, format_time
from scheduler.io.cells import TextCells, new_workbook
from scheduler.plan import Appointment, Plan
from scheduler.wording import review_kind, summary_in_words

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")

APPOINTMENT_HEADER = [
    "Date",
    "Day",
    "Pre-meeting",
    "Start",
    "End",
    "Child",
    "Child ID",
    "Setting",
    "Key person",
    "Practitioner",
    "Location",
    "In window",
]


ALL_APPOINTMENTS_HEADER = [*APPOINTMENT_HEADER, "Kind of review"]
"""The "All appointments" sheet: the per-sheet columns and the kind of review."""


def _sheet_name(text: str, used: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub(" ", text)[:31].strip(" '") or "Sheet"
    name = base
    n = 2
    while name.lower() in used:
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)].rstrip(" '") + suffix
        n += 1
    used.add(name.lower())
    return name


def _row(a: Appointment, authority: Authority) -> list[object]:
    child = authority.children[a.child_id]
    setting = authority.settings.get(a.setting_id or "")
    practitioner = authority.practitioners[a.practitioner_id]
    key_person = authority.key_persons.get(a.key_person_id or "")
    kp_name = key_person.name if key_person else ""
    return [
        a.date.isoformat(),
        f"{a.date:%a}",
        format_time(a.pre_meeting_start) if a.pre_meeting_start is not None else "",
        format_time(a.start),
        format_time(a.end),
        child.name,
        a.child_id,
        setting.name if setting else "(no setting)",
        kp_name if a.location == "setting" or not kp_name else f"{kp_name} (summary only)",
        practitioner.name,
        _venue(a, setting, practitioner),
        "yes" if a.in_window else "no",
    ]


def _venue(a: Appointment, setting: Setting | None, practitioner: Practitioner) -> str:
    """Where the review is, as the coordinator's rota shows it (no home address)."""
    if a.location == "setting" and setting is not None:
        return setting.address or setting.name
    if a.location == "home":
        return "home visit"
    return practitioner.base_name or "clinic"


def rota_workbook(authority: Authority, plan: Plan) -> bytes:
    """The rota as ``.xlsx`` bytes."""
    buffer = io.BytesIO()
    book = new_workbook(buffer, in_memory=True)
    cells = TextCells(book)
    bold = book.add_format({"bold": True})
    used: set[str] = set()

    def table(
        title: str, header: list[str], rows: list[list[object]], *, filters: bool = False
    ) -> None:
        sheet = book.add_worksheet(_sheet_name(title, used))
        cells.write_row(sheet, 0, 0, header, bold)
        for r, row in enumerate(rows, start=1):
            cells.write_row(sheet, r, 0, row)
        sheet.freeze_panes(1, 0)
        if filters:  # a filter button on every column heading
            sheet.autofilter(0, 0, max(1, len(rows)), len(header) - 1)
        for c, name in enumerate(header):
            width = max([len(str(name))] + [len(str(row[c])) for row in rows[:200]])
            sheet.set_column(c, c, min(60, width + 2 + (2 if filters else 0)))

    table("Summary", ["What", "This plan"], [list(line) for line in summary_in_words(plan.summary)])
    ordered = sorted(plan.appointments, key=lambda a: (a.date, a.block_start, a.child_id))
    table(
        "All appointments",
        ALL_APPOINTMENTS_HEADER,
        [[*_row(a, authority), review_kind(a.model)] for a in ordered],
        filters=True,
    )
    table(
        "Links",
        [
            "Setting",
            "Setting ID",
            "Practitioner",
            "Children due",
            "Workload (min)",
            "Distance (km)",
            "Kept existing link",
            "Why",
        ],
        [
            [
                authority.settings[link.setting_id].name,
                link.setting_id,
                authority.practitioners[link.practitioner_id].name,
                link.children_due,
                link.workload_minutes,
                link.distance_km,
                "yes" if link.kept_existing_link else "no",
                link.explanation,
            ]
            for link in plan.links
        ],
    )
    table(
        "Unscheduled",
        ["Child", "Child ID", "Setting", "Reason code", "Reason"],
        [
            [
                authority.children[u.child_id].name,
                u.child_id,
                authority.settings[u.setting_id].name if u.setting_id else "(no setting)",
                u.reason_code.value,
                u.reason,
            ]
            for u in plan.unscheduled
        ],
    )
    by_practitioner: dict[str, list[Appointment]] = defaultdict(list)
    by_setting: dict[str, list[Appointment]] = defaultdict(list)
    for a in ordered:
        by_practitioner[a.practitioner_id].append(a)
        if a.setting_id is not None:
            by_setting[a.setting_id].append(a)
    for pid, practitioner in authority.practitioners.items():
        if by_practitioner.get(pid):
            table(
                f"{pid} {practitioner.name}",
                APPOINTMENT_HEADER,
                [_row(a, authority) for a in by_practitioner[pid]],
            )
    for sid, setting in authority.settings.items():
        if by_setting.get(sid):
            table(
                f"{sid} {setting.name}",
                APPOINTMENT_HEADER,
                [_row(a, authority) for a in by_setting[sid]],
            )
    book.close()
    return buffer.getvalue()
