"""KPI cards: what a plan achieved, against the hand-made rota or the plan it replaced.

:func:`plan_kpis` is pure (tested without Streamlit); :func:`show_kpis` draws the cards. A
delta is always written with its sign and unit, so colour never carries the meaning alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import polars as pl
import streamlit as st


@dataclass(frozen=True, slots=True)
class Kpi:
    """One card: a label, its value, an optional signed comparison and what it means."""

    label: str
    value: str
    delta: str | None
    help: str
    delta_color: Literal["normal", "inverse", "off"] = "normal"


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 1.0


def _count_delta(now: float, then: float | None, against: str) -> str | None:
    if then is None:
        return None
    return f"{now - then:+,.0f} vs {against}"


def _points_delta(now: float, then: float | None, against: str) -> str | None:
    if then is None:
        return None
    return f"{100 * (now - then):+.1f} points vs {against}"


def plan_kpis(
    summary: Mapping[str, Any],
    reference: Mapping[str, Any] | None = None,
    *,
    against: str = "hand-made rota",
) -> list[Kpi]:
    """The headline figures of a plan; ``reference`` (baseline or previous summary) adds deltas.

    A baseline only has some figures (scheduled, funded, overdue, priority coverage); the
    others get no delta rather than a made-up one.
    """
    ref = reference or {}
    due = summary.get("children_due", 0)
    scheduled = summary.get("scheduled", 0)
    funded_due = summary.get("funded_two_due", 0)
    funded = summary.get("funded_two_scheduled", 0)
    overdue_due = summary.get("overdue_due", 0)
    overdue = summary.get("overdue_scheduled", 0)
    in_window = summary.get("in_window", 0)
    gap = float(summary.get("gap", 0.0))

    def ref_share(key: str, whole: float) -> float | None:
        return _share(ref[key], whole) if key in ref else None

    return [
        Kpi(
            "Children due",
            f"{due:,}",
            _count_delta(due, ref.get("children_due"), against) if "children_due" in ref else None,
            "Children who need the review this term (not yet reviewed, old enough by term end).",
            "off",
        ),
        Kpi(
            "Scheduled",
            f"{scheduled:,} ({100 * _share(scheduled, due):.0f}%)",
            _count_delta(scheduled, ref.get("scheduled"), against),
            "Due children with an appointment in this plan.",
        ),
        Kpi(
            "Funded two-year-olds seen",
            f"{100 * _share(funded, funded_due):.0f}% ({funded:,} of {funded_due:,})",
            _points_delta(
                _share(funded, funded_due), ref_share("funded_two_scheduled", funded_due), against
            ),
            "Children with a funded two-year-old place who have an appointment.",
        ),
        Kpi(
            "In the 24–30 month window",
            f"{100 * _share(in_window, scheduled):.0f}% ({in_window:,})",
            _points_delta(
                _share(in_window, scheduled),
                _share(ref["in_window"], ref.get("scheduled", 0)) if "in_window" in ref else None,
                against,
            ),
            "Share of appointments inside the target window; the rest see overdue children.",
        ),
        Kpi(
            "Overdue children seen",
            f"{overdue:,} of {overdue_due:,}",
            _count_delta(overdue, ref.get("overdue_scheduled"), against),
            "Children already past 30 months who still get a review before 36 months.",
        ),
        Kpi(
            "Travel",
            f"{float(summary.get('travel_km', 0.0)):,.0f} km",
            f"{float(summary['travel_km']) - float(ref['travel_km']):+,.0f} km vs {against}"
            if "travel_km" in ref and "travel_km" in summary
            else None,
            "Practitioners' driving over the term (base → settings → base, each day).",
            "inverse",
        ),
        Kpi(
            "Gap to bound",
            f"{100 * gap:.1f}%",
            None,
            "How far the plan's score could at most improve with more solving time "
            f"(solver status {summary.get('status', '?')}). 0% means proven best.",
            "off",
        ),
    ]


def show_kpis(kpis: Sequence[Kpi], per_row: int = 4) -> None:
    """Draw the cards, ``per_row`` to a row."""
    for start in range(0, len(kpis), per_row):
        columns = st.columns(per_row)
        for column, kpi in zip(columns, kpis[start : start + per_row], strict=False):
            column.metric(
                kpi.label,
                kpi.value,
                delta=kpi.delta,
                delta_color=kpi.delta_color,
                help=kpi.help,
                border=True,
            )


COMPARED = (
    ("children_due", "Children due"),
    ("scheduled", "Scheduled"),
    ("funded_two_scheduled", "Funded two-year-olds scheduled"),
    ("overdue_scheduled", "Overdue children scheduled"),
    ("in_window", "Appointments in the window"),
    ("send_scheduled", "Children with SEND scheduled"),
    ("travel_km", "Travel (km)"),
    ("visits", "Setting visits"),
    ("priority_coverage", "Priority coverage"),
)


def comparison_frame(before: Mapping[str, Any], after: Mapping[str, Any]) -> pl.DataFrame:
    """Before and after a re-plan, side by side, with the change written out."""
    rows = []
    for key, label in COMPARED:
        if key not in before and key not in after:
            continue
        old = float(before.get(key, 0) or 0)
        new = float(after.get(key, 0) or 0)
        digits = 3 if key == "priority_coverage" else 1 if key == "travel_km" else 0
        rows.append(
            {
                "measure": label,
                "before": round(old, digits),
                "after": round(new, digits),
                "change": f"{new - old:+,.{digits}f}",
            }
        )
    schema = {"measure": pl.String, "before": pl.Float64, "after": pl.Float64, "change": pl.String}
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
