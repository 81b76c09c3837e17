"""The ``plan-many`` summary table (scheduler/many/summary.py): a row per authority and what-if
from the plan, its forecast and its check; totals of planned authorities only, shares
recomputed from the sums; the files in a fixed order with text kept as text."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import openpyxl
from builders import make_authority, make_child, make_plan, make_practitioner, make_unscheduled

from scheduler.forecast import MetricForecast
from scheduler.many.summary import (
    AS_IS,
    COLUMNS,
    CSV_NAME,
    TOTAL,
    WORKBOOK_NAME,
    SummaryRow,
    failed_row,
    planned_row,
    table,
    totals,
    write_summary,
)
from scheduler.plan import ReasonCode


def _row(authority: str, what_if: str, **figures: int) -> SummaryRow:
    counts = {
        "practitioners": 2,
        "children_due": 10,
        "scheduled": 8,
        "funded_two_due": 4,
        "funded_two_scheduled": 3,
        "turning_30_months": 5,
        "reviewed_by_30_months": 4,
        "funded_two_turning_30_months": 2,
        "funded_two_reviewed_by_30_months": 2,
        "capacity_shortfall": 1,
        "unscheduled": 2,
    }
    counts.update(figures)
    return SummaryRow(authority, what_if, "planned", seconds=1.0, **counts)


def test_totals_add_planned_authorities_only() -> None:
    """A what-if's total adds its planned rows, says how many of how many, and recomputes the
    shares from the sums (not an average of percentages)."""
    rows = [
        _row("a", "as is"),
        _row("b", "as is", turning_30_months=15, reviewed_by_30_months=6),
        failed_row("c", "", "input_error", 0.1, 3),
        _row("a", "practitioners+10%", reviewed_by_30_months=5),
    ]
    as_is, more = totals(rows)
    assert (as_is.authority, as_is.what_if, as_is.outcome) == (TOTAL, "as is", "2 of 3 planned")
    assert (as_is.turning_30_months, as_is.reviewed_by_30_months) == (20, 10)
    assert as_is.forecast_pct == 50.0
    assert as_is.problems == 3
    assert (more.outcome, more.forecast_pct) == ("1 of 1 planned", 100.0)


def test_summary_files_keep_text_as_text(tmp_path: Path) -> None:
    """An authority named like a formula stays text in both files; nothing else is left
    behind by the atomic writes."""
    name = '=HYPERLINK("http://example.com","x")'
    write_summary(tmp_path, [_row(name, "as is")])
    assert sorted(p.name for p in tmp_path.iterdir()) == [CSV_NAME, WORKBOOK_NAME]
    rows = list(csv.DictReader(io.StringIO((tmp_path / CSV_NAME).read_text())))
    assert rows[0]["authority"] == "'" + name
    assert rows[1]["authority"] == TOTAL
    sheet = openpyxl.load_workbook(tmp_path / WORKBOOK_NAME).active
    assert sheet is not None
    assert sheet.cell(2, 1).value == name and sheet.cell(2, 1).data_type == "s"


def test_a_planned_row_reads_the_plan_and_the_forecast() -> None:
    """Counts from the plan's summary, the forecast's figures and shares, the capacity
    shortfall counting CAPACITY children only, the gap as a percentage."""
    data = make_authority(
        practitioners=[make_practitioner("P001"), make_practitioner("P002")],
        children=[make_child(f"C{i}") for i in range(1, 5)],
    )
    unscheduled = [
        make_unscheduled("C1"),
        make_unscheduled("C2"),
        make_unscheduled("C3", reason_code=ReasonCode.NO_COMMON_DAY),
    ]
    plan = make_plan(data, [], unscheduled)
    plan = replace(plan, summary=replace(plan.summary, gap=0.01234))
    plan = replace(plan, summary=replace(plan.summary, status="FEASIBLE"))
    forecast = MetricForecast(10, 7, 2, 4, 1)
    row = planned_row(
        "north", "", data, plan, forecast, check_ok=True, seconds=12.345, pieces_on_ray=True
    )
    assert (row.authority, row.what_if, row.outcome) == ("north", AS_IS, "planned")
    assert (row.practitioners, row.children_due, row.scheduled) == (2, 4, 0)
    assert (row.turning_30_months, row.reviewed_by_30_months, row.forecast_pct) == (10, 7, 70.0)
    assert row.funded_two_forecast_pct == 25.0
    assert (row.capacity_shortfall, row.unscheduled) == (2, 3)
    assert (row.status, row.gap_pct, row.seconds) == ("FEASIBLE", 1.23, 12.3)
    assert row.pieces_on_ray is True
    flagged = planned_row(
        "north",
        "practitioners-1",
        data,
        plan,
        forecast,
        check_ok=False,
        seconds=1.0,
        pieces_on_ray=False,
    )
    assert (flagged.what_if, flagged.outcome) == ("practitioners-1", "check_failed")


def test_a_failed_row_has_no_figures() -> None:
    """An authority that could not be planned: its outcome and problems, every figure empty
    (not 0, which would read as a result)."""
    row = failed_row("east", "", "input_error", 0.26, 4)
    assert (row.what_if, row.outcome, row.problems, row.seconds) == (AS_IS, "input_error", 4, 0.3)
    assert row.children_due is None and row.forecast_pct is None and row.plan_folder == ""


def test_a_what_if_with_nothing_planned_has_no_share() -> None:
    """No authority planned: the total counts 0 of N and its shares are empty, not 0 %."""
    (total,) = totals(
        [failed_row("a", "", "failed", 1.0, 0), failed_row("b", "", "input_error", 2.0, 2)]
    )
    assert total.outcome == "0 of 2 planned" and total.turning_30_months == 0
    assert total.forecast_pct is None and total.funded_two_forecast_pct is None
    assert (total.seconds, total.problems) == (3.0, 2)


def test_the_table_orders_authorities_within_each_what_if_then_the_totals() -> None:
    """What-ifs in the order first met, authorities by name within each, then one total per
    what-if in the same order."""
    rows = [
        _row("south", "practitioners+10%"),
        _row("south", AS_IS),
        _row("north", "practitioners+10%"),
        _row("north", AS_IS),
    ]
    shown = [(r.authority, r.what_if) for r in table(rows)]
    assert shown == [
        ("north", "practitioners+10%"),
        ("south", "practitioners+10%"),
        ("north", AS_IS),
        ("south", AS_IS),
        (TOTAL, "practitioners+10%"),
        (TOTAL, AS_IS),
    ]


def test_the_files_hold_every_column_with_empty_cells_for_no_figure(tmp_path: Path) -> None:
    """summary.csv has the columns in order, true/false for yes-no, an empty cell where there
    is no figure; the workbook keeps numbers as numbers and shows the totals in bold."""
    rows = [
        replace(_row("north", AS_IS, children_due=3), pieces_on_ray=False),
        failed_row("south", "", "input_error", 0.1, 2),
    ]
    write_summary(tmp_path, rows)
    text = (tmp_path / CSV_NAME).read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    read = list(csv.DictReader(io.StringIO(text)))
    assert [r["authority"] for r in read] == ["north", "south", TOTAL]
    assert (read[0]["pieces_on_ray"], read[0]["children_due"], read[1]["children_due"]) == (
        "false",
        "3",
        "",
    )
    sheet = openpyxl.load_workbook(tmp_path / WORKBOOK_NAME).active
    assert sheet is not None
    due = COLUMNS.index("children_due") + 1
    assert sheet.cell(2, due).value == 3 and sheet.cell(2, due).data_type == "n"
    assert sheet.cell(3, due).value is None
    assert sheet.cell(4, 1).value == TOTAL and sheet.cell(4, 1).font.b
    assert not sheet.cell(2, 1).font.b
