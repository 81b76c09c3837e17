"""The rota workbook: a summary a person reads, and every appointment on one filterable sheet."""

from __future__ import annotations

import io

from builders import (
    REVIEW_DAY,
    appointment_for,
    hm,
    make_authority,
    make_child,
    make_plan,
    summary_for,
)
from openpyxl import load_workbook

from scheduler.export.workbook import ALL_APPOINTMENTS_HEADER, rota_workbook


def test_summary_in_words_and_one_filterable_sheet_of_every_appointment() -> None:
    """ "Summary" says the figures in words (no key names, bounds or gaps); "All appointments"
    has every review once, a filter on its header row and the kind of review."""
    data = make_authority(children=[make_child("C001"), make_child("C002", funded=False)])
    appointments = [
        appointment_for(data, "C002", start=hm("13:00")),
        appointment_for(data, "C001"),
    ]
    summary = summary_for(
        data,
        appointments,
        status="FEASIBLE",
        best_bound=3.5,
        gap=0.03,
        objective=3.4,
        term_name="Autumn 2026",
        model="joint",
    )
    book = load_workbook(
        io.BytesIO(rota_workbook(data, make_plan(data, appointments, summary=summary)))
    )
    assert book.sheetnames[:2] == ["Summary", "All appointments"]

    summary_rows = list(book["Summary"].iter_rows(values_only=True))
    assert summary_rows[0] == ("What", "This plan")
    text = " ".join(str(c) for row in summary_rows for c in row)
    assert "Children booked 2 of 2 (100%)" in text
    for internal in ("best_bound", "gap", "objective", "children_due", "FEASIBLE", "3.5"):
        assert internal not in text

    sheet = book["All appointments"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ALL_APPOINTMENTS_HEADER
    assert sheet.auto_filter.ref == f"A1:{chr(ord('A') + len(ALL_APPOINTMENTS_HEADER) - 1)}3"
    assert [r[6] for r in rows[1:]] == ["C001", "C002"]  # by date and time
    assert {r[-1] for r in rows[1:]} == {"Joint review at the setting"}
    assert rows[1][0] == REVIEW_DAY.isoformat()
