"""KPI cards: what a plan achieved, against the hand-made rota or the plan it replaced.

:func:`plan_kpis` is pure (tested without Streamlit); :func:`show_kpis` draws the cards. A
delta is always written with its sign and unit, so colour never carries the meaning alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import polars as pl
import streamlit as st


@dataclass(frozen=True, slots=True)
class Kpi:
    """One card: a label, its value, an optional signed change and what it means.

    ``delta`` is signed text with its unit (``+3``, ``-1.5 pts``, ``+12 km``), or ``0`` when
    nothing changed (drawn grey, without an arrow); ``against`` names the comparison.
    """

    label: str
    value: str
    delta: str | int | None
    help: str
    delta_color: Literal["normal", "inverse", "off"] = "normal"
    against: str | None = None


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 1.0


def _signed(change: float, unit: str = "", digits: int = 0) -> str | int:
    if round(change, digits) == 0:
        return 0
    return f"{change:+,.{digits}f}{unit}"


def plan_kpis(
    summary: Mapping[str, Any],
    reference: Mapping[str, Any] | None = None,
    *,
    against: str = "vs hand-made rota",
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
    travel = float(summary.get("travel_km", 0.0))
    gap = float(summary.get("gap", 0.0))

    def count(key: str, now: float) -> str | int | None:
        return _signed(now - float(ref[key])) if key in ref else None

    def points(now: float, key: str, whole: float) -> str | int | None:
        if key not in ref:
            return None
        return _signed(100 * (now - _share(float(ref[key]), whole)), " pts", 1)

    window_share = _share(in_window, scheduled)
    window_delta = (
        _signed(100 * (window_share - _share(ref["in_window"], ref.get("scheduled", 0))), " pts", 1)
        if "in_window" in ref
        else None
    )
    cards = [
        Kpi(
            "Children due",
            f"{due:,}",
            count("children_due", due),
            "Children who need the review this term (not yet reviewed, old enough by term end).",
            "off",
        ),
        Kpi(
            "Scheduled",
            f"{scheduled:,} ({100 * _share(scheduled, due):.0f}%)",
            count("scheduled", scheduled),
            f"{scheduled:,} of the {due:,} due children have an appointment in this plan.",
        ),
        Kpi(
            "Funded two-year-olds",
            f"{funded:,} ({100 * _share(funded, funded_due):.0f}%)",
            points(_share(funded, funded_due), "funded_two_scheduled", funded_due),
            f"{funded:,} of the {funded_due:,} children with a funded two-year-old place have "
            "an appointment (change in percentage points).",
        ),
        Kpi(
            "In the window",
            f"{in_window:,} ({100 * window_share:.0f}%)",
            window_delta,
            "Appointments inside the 24–30 month target window; the rest see overdue children "
            "(change in percentage points).",
        ),
        Kpi(
            "Overdue seen",
            f"{overdue:,} of {overdue_due:,}",
            count("overdue_scheduled", overdue),
            "Children already past 30 months who still get a review before 36 months.",
        ),
        Kpi(
            "Travel",
            f"{travel:,.0f} km",
            _signed(travel - float(ref["travel_km"]), " km") if "travel_km" in ref else None,
            "Practitioners' driving over the term (base → settings → base, each day); "
            "less is better.",
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
    return [replace(card, against=against) if card.delta is not None else card for card in cards]


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
                delta_description=kpi.against,
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
