"""The commissioner's workbook of the service report (``report.xlsx``): a summary in plain
words, then one filterable table per breakdown (setting type, team, setting) and the weekly
trend.

Counts only: no child is named or identified (commissioners pay on figures, not on children).
Text from the data (setting names, teams, roles) is written as text cells, never as a formula
or a link, whatever it begins with (:mod:`scheduler.io.cells`).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from scheduler.domain import Authority
from scheduler.io.cells import TextCells, new_workbook
from scheduler.report import UNKNOWN, Figures, ServiceReport

FIGURE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("children_turning_30_months", "Turned 30 months"),
    ("reviewed_by_30_months", "Reviewed by 30 months"),
    ("reviewed_by_30_months_pct", "Reviewed by 30 months (%)"),
    ("funded_two_turning_30_months", "Funded: turned 30 months"),
    ("funded_two_reviewed_by_30_months", "Funded: reviewed by 30 months"),
    ("funded_two_reviewed_by_30_months_pct", "Funded: reviewed by 30 months (%)"),
    ("not_yet_30_months", "Not reviewed yet, 30 months still to come"),
    ("attended", "Reviews held"),
    ("attended_without_outcome", "Reviews held, no outcome recorded"),
    ("asq3_completed", "ASQ-3 completed"),
    ("asq3_not_recorded", "ASQ-3 not recorded"),
    ("asq3_completed_pct", "ASQ-3 completed (% of reviews held)"),
    ("was_not_brought", "Not brought"),
    ("was_not_brought_pct", "Not brought (% of reviews expected at)"),
    ("cancelled_by_parent", "Cancelled by parent"),
    ("cancelled_by_service", "Cancelled by service"),
    ("declined", "Declined"),
)
"""``report.json`` key and column heading of each figure in the breakdown tables."""


def report_workbook(authority: Authority, report: ServiceReport) -> bytes:
    """The workbook as ``.xlsx`` bytes."""
    buffer = io.BytesIO()
    book = new_workbook(buffer, in_memory=True)
    cells = TextCells(book)
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    title = book.add_format({"bold": True, "font_size": 14})

    summary = book.add_worksheet("Summary")
    summary.set_column(0, 0, 110, wrap)
    cells.write(summary, 0, 0, "Integrated Review at 2 to 2½: service report", title)
    for row, sentence in enumerate(summary_sentences(report), start=2):
        cells.write(summary, row, 0, sentence)

    venues = list(report.totals.venue)
    roles = list(report.totals.practitioner_role)
    header = [label for _, label in FIGURE_COLUMNS]
    header += [f"Venue: {_words(v)}" for v in venues]
    header += [f"Role: {_words(r)}" for r in roles]

    def figure_cells(f: Figures) -> list[Any]:
        values = f.as_json()
        cells: list[Any] = [values[key] for key, _ in FIGURE_COLUMNS]
        cells += [f.venue[v] for v in venues]
        cells += [f.practitioner_role[r] for r in roles]
        return cells

    _table(
        book.add_worksheet("All children"),
        ["Group", *header],
        [["All children", *figure_cells(report.totals)]],
        bold,
        cells,
    )
    _table(
        book.add_worksheet("By setting type"),
        ["Setting type", *header],
        [[_words(k), *figure_cells(f)] for k, f in report.by_setting_type.items()],
        bold,
        cells,
    )
    _table(
        book.add_worksheet("By team"),
        ["Team", *header],
        [[_words(k) if k == UNKNOWN else k, *figure_cells(f)] for k, f in report.by_team.items()],
        bold,
        cells,
    )
    at_risk: Mapping[str | None, int] = (
        report.forecast.at_risk_by_setting() if report.forecast else {}
    )
    extra = ["Will pass 30 months unreviewed"] if report.forecast else []
    _table(
        book.add_worksheet("By setting"),
        ["Setting ID", "Setting", "Setting type", *header, *extra],
        [
            [
                sid,
                authority.settings[sid].name,
                _words(authority.settings[sid].type),
                *figure_cells(f),
                *([at_risk.get(sid, 0)] if report.forecast else []),
            ]
            for sid, f in report.by_setting.items()
        ],
        bold,
        cells,
    )
    _table(
        book.add_worksheet("Weekly trend"),
        [
            "Week ending",
            "Turned 30 months so far",
            "Reviewed by 30 months",
            "Reviewed by 30 months (%)",
            "Funded: turned 30 months so far",
            "Funded: reviewed by 30 months",
            "Funded: reviewed by 30 months (%)",
        ],
        [
            [
                p.week_ending,
                p.turned_30_months,
                p.reviewed_by_30_months,
                p.reviewed_by_30_months_pct,
                p.funded_two_turned_30_months,
                p.funded_two_reviewed_by_30_months,
                p.funded_two_reviewed_by_30_months_pct,
            ]
            for p in report.weekly
        ],
        bold,
        cells,
    )
    book.close()
    return buffer.getvalue()


def summary_sentences(report: ServiceReport) -> list[str]:
    """The report in plain words (the workbook's first sheet; the dashboard reuses them)."""
    t = report.totals
    lo, hi = report.window_months
    period = f"{_day(report.period.start)} to {_day(report.period.end)}"
    lines = [
        f"Period: {period}. A review counts when it took place between {lo} and {hi} months "
        f"of age (the {hi}-month date included).",
        f"Children who turned {hi} months in the period: {t.children_turning_30_months}. "
        f"Reviewed by {hi} months: {t.reviewed_by_30_months}"
        f"{_share(t.reviewed_by_30_months_pct)}."
        + (
            f" {t.not_yet_30_months} of those not reviewed yet turn {hi} months after today "
            "and may still be seen in time."
            if t.not_yet_30_months
            else ""
        ),
        f"Funded two-year-olds who turned {hi} months: {t.funded_two_turning_30_months}. "
        f"Reviewed by {hi} months: {t.funded_two_reviewed_by_30_months}"
        f"{_share(t.funded_two_reviewed_by_30_months_pct)}.",
        f"Reviews held in the period: {t.attended}"
        + (
            f" ({t.attended_without_outcome} known only from a review date, without an outcome)"
            if t.attended_without_outcome
            else ""
        )
        + f". ASQ-3 completed at {t.asq3_completed}{_share(t.asq3_completed_pct)}"
        + (f"; not recorded for {t.asq3_not_recorded}" if t.asq3_not_recorded else "")
        + ".",
        f"Booked reviews a child was not brought to: {t.was_not_brought}"
        + (
            f" ({t.was_not_brought_pct}% of the reviews children were expected at)"
            if t.was_not_brought_pct is not None
            else ""
        )
        + f". Cancelled by parents: {t.cancelled_by_parent}; by the service: "
        f"{t.cancelled_by_service}. Declined: {t.declined}.",
        "Where reviews were held: " + _counts(t.venue) + ".",
        "Who held them: " + _counts(t.practitioner_role) + ".",
    ]
    f = report.forecast
    if f is not None:
        passed = sum(1 for r in f.at_risk if r.passed)
        lines.append(
            f"If every booked review happens: {f.forecast_reviewed_by_30_months} of "
            f"{f.children_turning_30_months} reviewed by {hi} months"
            f"{_share(f.forecast_reviewed_by_30_months_pct)}; funded two-year-olds "
            f"{f.funded_two_forecast_reviewed_by_30_months} of "
            f"{f.funded_two_turning_30_months}{_share(f.funded_two_forecast_reviewed_by_30_months_pct)}."
        )
        lines.append(
            f"{len(f.at_risk) - passed} children will pass {hi} months unreviewed unless "
            "something changes"
            + (f", and {passed} already have" if passed else "")
            + " (the 'By setting' sheet counts them per setting)."
        )
    lines.append(
        "A percentage is left blank when nobody is in its denominator (it is neither 0% nor 100%)."
    )
    return lines


def _share(pct: float | None) -> str:
    return f" ({pct}%)" if pct is not None else ""


def _counts(counts: Mapping[str, int]) -> str:
    shown = [f"{_words(k)} {n}" for k, n in counts.items() if n]
    return ", ".join(shown) if shown else "none"


def _words(key: str) -> str:
    """``health_visitor`` as ``health visitor``; ``unknown`` as ``not recorded``."""
    return "not recorded" if key == UNKNOWN else key.replace("_", " ")


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _table(
    sheet: Any,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    bold: Any,
    cells: TextCells,
) -> None:
    """A header row with filters, frozen, and the rows below it (every string a string)."""
    cells.write_row(sheet, 0, 0, header, bold)
    for r, row in enumerate(rows, start=1):
        cells.write_row(sheet, r, 0, row)
    sheet.autofilter(0, 0, max(1, len(rows)), len(header) - 1)
    sheet.freeze_panes(1, 1)
    for c, name in enumerate(header):
        width = max([len(name)] + [len(str(row[c])) for row in rows[:200]])
        sheet.set_column(c, c, min(40, max(10, width + 2)))
