"""KPI cards: what a plan achieved, against the hand-made rota or the plan it replaced.

:func:`plan_kpis` is pure (tested without Streamlit); :func:`show_kpis` draws the cards. Every
figure is written the one way :mod:`scheduler.wording` writes it, and a change always carries
its sign and unit, so colour never carries the meaning alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import streamlit as st

from scheduler.kpis import more_children
from scheduler.wording import count, km, percent, share


@dataclass(frozen=True, slots=True)
class Kpi:
    """One card: a label, its value, an optional signed change and what it means.

    ``delta`` is signed text with its unit (``+3``, ``-2 pts``, ``+12 km``), or ``0`` when
    nothing changed (drawn grey, without an arrow); ``against`` names the comparison.
    """

    label: str
    value: str
    delta: str | int | None
    help: str
    delta_color: Literal["normal", "inverse", "off"] = "normal"
    against: str | None = None


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def _signed(change: float, unit: str = "") -> str | int:
    rounded = round(change)
    if rounded == 0:
        return 0
    return f"{rounded:+,}{unit}"


def plan_kpis(
    summary: Mapping[str, Any],
    reference: Mapping[str, Any] | None = None,
    *,
    against: str = "vs hand-made rota",
) -> list[Kpi]:
    """The headline figures of a plan; ``reference`` (baseline or previous summary) adds deltas.

    A baseline only has some figures (booked, funded, overdue); the others get no delta rather
    than a made-up one.
    """
    ref = reference or {}
    due = int(summary.get("children_due", 0))
    scheduled = int(summary.get("scheduled", 0))
    funded_due = int(summary.get("funded_two_due", 0))
    funded = int(summary.get("funded_two_scheduled", 0))
    overdue_due = int(summary.get("overdue_due", 0))
    overdue = int(summary.get("overdue_scheduled", 0))
    in_window = int(summary.get("in_window", 0))
    travel = float(summary.get("travel_km", 0.0))

    def change(key: str, now: float) -> str | int | None:
        return _signed(now - float(ref[key])) if key in ref else None

    cards = [
        Kpi(
            f"Children booked, of {count(due)} due",
            f"{count(scheduled)} ({share(scheduled, due)})",
            change("scheduled", scheduled),
            f"{count(scheduled)} of the {count(due)} children due this term have a review "
            "booked in this plan.",
        ),
        Kpi(
            f"Funded two-year-olds booked, of {count(funded_due)}",
            f"{count(funded)} ({share(funded, funded_due)})",
            change("funded_two_scheduled", funded),
            f"{count(funded)} of the {count(funded_due)} children with a funded two-year-old "
            "place have a review booked.",
        ),
        Kpi(
            f"Past 30 months, booked, of {count(overdue_due)}",
            f"{count(overdue)} ({share(overdue, overdue_due)})",
            change("overdue_scheduled", overdue),
            "Children already past 30 months when the term starts who still get a review "
            "before 36 months.",
        ),
        Kpi(
            "Inside the 24–30 month window",
            f"{count(in_window)} ({share(in_window, scheduled)})",
            change("in_window", in_window),
            "Booked reviews that fall inside the 24–30 month target window.",
        ),
        Kpi(
            "Travel",
            km(travel),
            _signed(travel - float(ref["travel_km"]), " km") if "travel_km" in ref else None,
            "Practitioners' driving over the term (base → settings → base, each day); "
            "less is better.",
            "inverse",
        ),
    ]
    if "children_bound_any_links" in summary:
        more = more_children(summary)
        cards.append(
            Kpi(
                "Could more be booked?",
                "no" if more <= 0 else f"at most {count(more)} more",
                None,
                "The most children any plan could book, with any choice of link practitioners, "
                f"is {count(int(summary['children_bound_any_links']))}: a proven limit, not an "
                "estimate.",
                "off",
            )
        )
    return [replace(card, against=against) if card.delta is not None else card for card in cards]


def show_kpis(kpis: Sequence[Kpi], per_row: int = 3) -> None:
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


def venue_mix(kinds: Sequence[tuple[str, int]]) -> str:
    """``Joint review at the setting 1,122 (88%) · Clinic appointment 119 (9%) …``."""
    total = sum(n for _, n in kinds)
    return " · ".join(f"{name}: {count(n)} ({percent(_share(n, total))})" for name, n in kinds)
