"""KPI cards: what a plan achieved, against the hand-made rota or the plan it replaced.

:func:`plan_kpis` is pure (tested without Streamlit); :func:`show_kpis` draws the cards. Every
figure is written the one way :mod:`scheduler.wording` writes it, and a change always carries
its sign and unit, so colour never carries the meaning alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import streamlit as st

from scheduler.summary import Baseline, PlanSummary
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
    summary: PlanSummary,
    reference: PlanSummary | Baseline | None = None,
    *,
    against: str = "vs hand-made rota",
) -> list[Kpi]:
    """The headline figures of a plan; ``reference`` (baseline or previous summary) adds deltas.

    A baseline only has some figures (booked, funded, overdue); the others get no delta rather
    than a made-up one. A summary without the headline figures (a setting's share of a plan)
    has no cards rather than cards of zeros.
    """
    h = summary.headline()
    if h is None:
        return []
    before = reference.headline() if isinstance(reference, PlanSummary) else None
    due, scheduled, funded_due, funded = (
        h.children_due,
        h.scheduled,
        h.funded_two_due,
        h.funded_two_scheduled,
    )
    overdue_due, overdue, in_window, travel = (
        h.overdue_due,
        h.overdue_scheduled,
        h.in_window,
        h.travel_km,
    )

    def change(then: float | None, now: float) -> str | int | None:
        return _signed(now - float(then)) if then is not None else None

    cards = [
        Kpi(
            "Children booked",
            f"{count(scheduled)} of {count(due)} ({share(scheduled, due)})",
            change(reference.scheduled if reference else None, scheduled),
            f"{count(scheduled)} of the {count(due)} children due this term have a review "
            "booked in this plan.",
        ),
        Kpi(
            "Funded two-year-olds booked",
            f"{count(funded)} of {count(funded_due)} ({share(funded, funded_due)})",
            change(reference.funded_two_scheduled if reference else None, funded),
            f"{count(funded)} of the {count(funded_due)} children with a funded two-year-old "
            "place have a review booked.",
        ),
        Kpi(
            "Past 30 months, booked",
            f"{count(overdue)} of {count(overdue_due)} ({share(overdue, overdue_due)})",
            change(reference.overdue_scheduled if reference else None, overdue),
            "Children already past 30 months when the term starts who still get a review "
            "before 36 months.",
        ),
        Kpi(
            "Inside the 24–30 month window",
            f"{count(in_window)} ({share(in_window, scheduled)})",
            change(before.in_window if before else None, in_window),
            "Booked reviews that fall inside the 24–30 month target window.",
        ),
        Kpi(
            "Travel",
            km(travel),
            _signed(travel - float(before.travel_km), " km") if before else None,
            "Practitioners' driving over the term (base → settings → base, each day); "
            "less is better.",
            "inverse",
        ),
    ]
    more = summary.more_children()
    if more is not None and summary.children_bound_any_links is not None:
        cards.append(
            Kpi(
                "Could more be booked?",
                "no" if more <= 0 else f"at most {count(more)} more",
                None,
                "The most children any plan could book, with any choice of link practitioners, "
                f"is {count(summary.children_bound_any_links)}: a proven limit, not an "
                "estimate.",
                "off",
            )
        )
    return [replace(card, against=against) if card.delta is not None else card for card in cards]


def show_kpis(kpis: Sequence[Kpi], per_row: int = 2) -> None:
    """Draw the cards, ``per_row`` to a row (two by default: a value such as "1,269 of 1,500
    (85%)" is cut short in a third of the page at 1280 px, measured in Chromium)."""
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
