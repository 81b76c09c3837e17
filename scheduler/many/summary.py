"""The summary table of a ``plan-many`` run: one row per authority and what-if, then one total
row per what-if, as ``summary.csv`` and ``summary.xlsx``.

Columns a commissioner reads (docs/many.md defines each): the national metric forecast
(:mod:`scheduler.forecast`), funded two-year-olds seen, and the capacity shortfall — due
children left unscheduled because practitioner time ran out (reason ``CAPACITY``), i.e. the
reviews more capacity would buy. Totals add up planned authorities only and say how many of
how many those are, so a failed authority never hides inside a national figure.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, fields
from pathlib import Path

import xlsxwriter

from scheduler.domain import Authority
from scheduler.forecast import MetricForecast
from scheduler.io.atomic import atomic_file
from scheduler.plan import Plan, ReasonCode

AS_IS = "as is"
"""How the table names the plan of the data as they are (no what-if)."""

TOTAL = "(total)"

CSV_NAME = "summary.csv"
WORKBOOK_NAME = "summary.xlsx"

OUTCOMES = ("planned", "check_failed", "input_error", "failed")
"""planned: written and checked; check_failed: written, but the checker objected (a bug to
report); input_error: bad data or an impossible what-if, nothing written; failed: the job
itself failed (a worker lost more often than retried, or an internal error)."""


@dataclass(frozen=True)
class SummaryRow:
    """One authority under one what-if (or a total); figures are empty unless planned."""

    authority: str
    what_if: str
    outcome: str
    practitioners: int | None = None
    children_due: int | None = None
    scheduled: int | None = None
    funded_two_due: int | None = None
    funded_two_scheduled: int | None = None
    turning_30_months: int | None = None
    reviewed_by_30_months: int | None = None
    forecast_pct: float | None = None
    funded_two_turning_30_months: int | None = None
    funded_two_reviewed_by_30_months: int | None = None
    funded_two_forecast_pct: float | None = None
    capacity_shortfall: int | None = None
    unscheduled: int | None = None
    status: str = ""
    gap_pct: float | None = None
    seconds: float | None = None
    pieces_on_ray: bool | None = None
    """Whether stage 2's pieces ran as separate tasks across the cluster (a large authority)."""
    problems: int = 0
    plan_folder: str = ""


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(SummaryRow))

_COUNTS = (
    "practitioners",
    "children_due",
    "scheduled",
    "funded_two_due",
    "funded_two_scheduled",
    "turning_30_months",
    "reviewed_by_30_months",
    "funded_two_turning_30_months",
    "funded_two_reviewed_by_30_months",
    "capacity_shortfall",
    "unscheduled",
)


def planned_row(
    authority_name: str,
    what_if: str,
    authority: Authority,
    plan: Plan,
    forecast: MetricForecast,
    *,
    check_ok: bool,
    seconds: float,
    pieces_on_ray: bool,
) -> SummaryRow:
    """The row of a plan that was made (and written, checked or not)."""
    s = plan.summary
    h = s.headline()
    if h is None or s.status is None:
        raise ValueError("a planned authority's summary lacks the contract's figures")
    return SummaryRow(
        authority=authority_name,
        what_if=what_if or AS_IS,
        outcome="planned" if check_ok else "check_failed",
        practitioners=len(authority.practitioners),
        children_due=h.children_due,
        scheduled=h.scheduled,
        funded_two_due=h.funded_two_due,
        funded_two_scheduled=h.funded_two_scheduled,
        turning_30_months=forecast.turning_30_months,
        reviewed_by_30_months=forecast.reviewed_by_30_months,
        forecast_pct=forecast.reviewed_by_30_months_pct,
        funded_two_turning_30_months=forecast.funded_two_turning_30_months,
        funded_two_reviewed_by_30_months=forecast.funded_two_reviewed_by_30_months,
        funded_two_forecast_pct=forecast.funded_two_reviewed_by_30_months_pct,
        capacity_shortfall=sum(1 for u in plan.unscheduled if u.reason_code == ReasonCode.CAPACITY),
        unscheduled=len(plan.unscheduled),
        status=s.status,
        gap_pct=round(100 * float(s.gap), 2) if s.gap is not None else None,
        seconds=round(seconds, 1),
        pieces_on_ray=pieces_on_ray,
    )


def failed_row(
    authority_name: str, what_if: str, outcome: str, seconds: float, problems: int
) -> SummaryRow:
    """The row of an authority that could not be planned."""
    return SummaryRow(
        authority=authority_name,
        what_if=what_if or AS_IS,
        outcome=outcome,
        seconds=round(seconds, 1),
        problems=problems,
    )


def totals(rows: Sequence[SummaryRow]) -> list[SummaryRow]:
    """One row per what-if (in first-seen order) adding up its planned authorities."""
    out = []
    for what_if in dict.fromkeys(r.what_if for r in rows):
        mine = [r for r in rows if r.what_if == what_if]
        planned = [r for r in mine if r.outcome == "planned"]
        sums = {name: sum(getattr(r, name) for r in planned) for name in _COUNTS}
        out.append(
            SummaryRow(
                authority=TOTAL,
                what_if=what_if,
                outcome=f"{len(planned)} of {len(mine)} planned",
                forecast_pct=_pct(sums["reviewed_by_30_months"], sums["turning_30_months"]),
                funded_two_forecast_pct=_pct(
                    sums["funded_two_reviewed_by_30_months"], sums["funded_two_turning_30_months"]
                ),
                seconds=round(sum(r.seconds or 0.0 for r in mine), 1),
                problems=sum(r.problems for r in mine),
                **sums,
            )
        )
    return out


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def table(rows: Sequence[SummaryRow]) -> list[SummaryRow]:
    """The rows as the files show them: authorities by name and what-if, then the totals."""
    order = {w: i for i, w in enumerate(dict.fromkeys(r.what_if for r in rows))}
    ordered = sorted(rows, key=lambda r: (order[r.what_if], r.authority))
    return ordered + totals(ordered)


def write_summary(folder: Path, rows: Sequence[SummaryRow]) -> None:
    """``summary.csv`` and ``summary.xlsx`` in ``folder``, each replaced whole."""
    shown = table(rows)
    text = _csv_text(shown)
    atomic_file(folder / CSV_NAME, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    data = _workbook(shown)
    atomic_file(folder / WORKBOOK_NAME, lambda tmp: tmp.write_bytes(data))


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: object) -> str:
    """A cell as text; text that a spreadsheet would run as a formula is quoted with ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "'" + value if value.startswith(_FORMULA_START) else value
    return str(value)


def _csv_text(rows: Sequence[SummaryRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_csv_cell(getattr(row, name)) for name in COLUMNS])
    return buffer.getvalue()


def _workbook(rows: Sequence[SummaryRow]) -> bytes:
    buffer = io.BytesIO()
    # Text is always text: no formulas, links or numbers made out of what the data say.
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("Summary")
    sheet.write_row(0, 0, COLUMNS, bold)
    for r, row in enumerate(rows, start=1):
        for c, name in enumerate(COLUMNS):
            value = getattr(row, name)
            style = bold if row.authority == TOTAL else None
            if isinstance(value, bool):
                sheet.write_boolean(r, c, value, style)
            elif isinstance(value, str):
                sheet.write_string(r, c, value, style)
            elif value is not None:
                sheet.write_number(r, c, value, style)
    sheet.freeze_panes(1, 1)
    sheet.autofit()
    book.close()
    return buffer.getvalue()
