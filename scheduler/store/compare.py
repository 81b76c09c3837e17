"""Two plans side by side: how the key figures moved, which children's reviews changed, and
who hears about it.

The Versions page, publishing, a what-if's before and after and a re-plan from today all read
it; which children moved is :mod:`scheduler.diff`'s one definition, the one calendar sequence
numbers follow too. Pure (no database): the dashboard compares two stored versions
(:func:`scheduler.store.repository.compare_versions`) or a fresh plan with the published one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scheduler.diff import (
    AppointmentChange,
    Audience,
    ChangeKind,
    LinkChange,
    audience_of,
    diff_appointments,
    diff_links,
)
from scheduler.domain import Authority
from scheduler.plan import Plan
from scheduler.store.records import KPI_KEYS


@dataclass(frozen=True, slots=True)
class KpiDelta:
    """One summary figure before and after; ``delta`` is ``None`` for text (e.g. status)."""

    key: str
    before: Any
    after: Any
    delta: float | None


@dataclass(frozen=True, slots=True)
class PlanComparison:
    kpis: list[KpiDelta]
    appointments: list[AppointmentChange]
    links: list[LinkChange]
    unchanged_appointments: int

    @property
    def changed_kpis(self) -> list[KpiDelta]:
        return [k for k in self.kpis if k.before != k.after]

    def count(self, kind: ChangeKind) -> int:
        """How many children's reviews were ``added``, ``moved`` or ``removed``."""
        return sum(1 for change in self.appointments if change.kind == kind)

    @property
    def unchanged(self) -> bool:
        """Nothing a family, setting or practitioner would notice changed."""
        return not self.appointments and not self.links


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def kpi_keys(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The contract's KPIs first, then any other top-level figure either summary has."""
    extra = sorted(
        key
        for key in set(before) | set(after)
        if key not in KPI_KEYS
        and (_number(before.get(key)) is not None or _number(after.get(key)) is not None)
    )
    present = [key for key in KPI_KEYS if key in before or key in after]
    return present + extra


def compare_kpis(before: dict[str, Any], after: dict[str, Any]) -> list[KpiDelta]:
    deltas = []
    for key in kpi_keys(before, after):
        old, new = before.get(key), after.get(key)
        a, b = _number(old), _number(new)
        deltas.append(KpiDelta(key, old, new, None if a is None or b is None else b - a))
    return deltas


def audience(comparison: PlanComparison) -> Audience:
    """Who the change from one plan to the other reaches (see :class:`scheduler.diff.Audience`)."""
    return audience_of(comparison.appointments, comparison.links)


def compare_plans(
    before: Plan,
    after: Plan,
    *,
    data_before: Authority | None = None,
    data_after: Authority | None = None,
) -> PlanComparison:
    """What changed from ``before`` to ``after`` (:mod:`scheduler.diff`'s one definition).

    With the data each plan was made from, a home visit to a family that moved is a move, as
    the calendars see it."""
    changes, unchanged = diff_appointments(
        before.appointments, after.appointments, data_before=data_before, data_after=data_after
    )
    return PlanComparison(
        kpis=compare_kpis(before.summary.as_document(), after.summary.as_document()),
        appointments=changes,
        links=diff_links(before.links, after.links),
        unchanged_appointments=unchanged,
    )
