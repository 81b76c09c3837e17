"""The commissioner's workbook (scheduler/export/report_workbook.py): the summary in plain words,
a filterable table per breakdown, counts only — no child is named — and text from the data
written as text, never as a formula."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
from builders import child_in_no_setting, make_authority, make_child, make_outcome, make_setting

from scheduler.domain import Authority
from scheduler.export.report_workbook import report_workbook, summary_sentences
from scheduler.report import Period, service_report

PERIOD = Period(date(2026, 9, 1), date(2026, 12, 31))


def authority() -> Authority:
    """Three children turning 30 months in the period (one in no setting), one reviewed."""
    return make_authority(
        settings=[make_setting(name='=HYPERLINK("http://x")')],
        children=[
            make_child("C001", dob=date(2024, 3, 10), name="Ann Bell"),
            make_child("C002", dob=date(2024, 4, 10), funded=False),
            child_in_no_setting("C003", dob=date(2024, 5, 10)),
        ],
        outcomes=[make_outcome("C001", date(2026, 9, 1), "attended", asq3=True, venue="setting")],
    )


def test_the_sheets_and_counts_only() -> None:
    """Summary, all children, each breakdown and the trend; no child's name or id anywhere."""
    a = authority()
    book = openpyxl.load_workbook(io.BytesIO(report_workbook(a, service_report(a, PERIOD))))
    assert book.sheetnames == [
        "Summary",
        "All children",
        "By setting type",
        "By team",
        "By setting",
        "Weekly trend",
    ]
    text = " ".join(str(c) for ws in book for row in ws.iter_rows(values_only=True) for c in row)
    for personal in ("Ann Bell", "C001", "C002", "C003"):
        assert personal not in text


def test_a_formula_like_name_is_written_as_text() -> None:
    """A setting named ``=HYPERLINK(...)`` is a text cell, never a formula."""
    a = authority()
    book = openpyxl.load_workbook(io.BytesIO(report_workbook(a, service_report(a, PERIOD))))
    sheet = book["By setting"]
    (row,) = [r for r in sheet.iter_rows(min_row=2) if r[0].value == "S001"]
    assert row[1].value == '=HYPERLINK("http://x")' and row[1].data_type == "s"


def test_the_summary_says_the_national_metric_in_words() -> None:
    """Turned 30 months in the period, reviewed by then, with the share; an empty share is
    left blank rather than shown as 0% or 100%."""
    a = authority()
    lines = summary_sentences(service_report(a, PERIOD))
    assert lines[0].startswith("Period: 1 Sep 2026 to 31 Dec 2026.")
    assert (
        "Children who turned 30 months in the period: 3. Reviewed by 30 months: 1 (33.3%)."
        in lines[1]
    )
    assert lines[-1].startswith("A percentage is left blank when nobody is in its denominator")
