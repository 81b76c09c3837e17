"""Two plans side by side: how the key figures moved, which children's reviews changed, and
who hears about it.

The one "what changed" of the product: the Versions page, publishing, a what-if's before and
after and a re-plan from today all read it. Pure (no database): the dashboard compares two
stored versions (:func:`scheduler.store.repository.compare_versions`) or a fresh plan with the
published one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from scheduler.plan import Appointment, Plan
from scheduler.store.records import KPI_KEYS

ChangeKind = Literal["added", "removed", "moved"]


@dataclass(frozen=True, slots=True)
class KpiDelta:
    """One summary figure before and after; ``delta`` is ``None`` for text (e.g. status)."""

    key: str
    before: Any
    after: Any
    delta: float | None


@dataclass(frozen=True, slots=True)
class AppointmentChange:
    """A child whose review was added, removed (now unscheduled or gone) or moved."""

    child_id: str
    setting_id: str | None
    kind: ChangeKind
    before: Appointment | None
    after: Appointment | None
    fields: tuple[str, ...] = ()
    """For a move: which of date, start, practitioner, location … changed."""


@dataclass(frozen=True, slots=True)
class LinkChange:
    setting_id: str
    before: str | None
    after: str | None


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


_MOVE_FIELDS: tuple[str, ...] = (
    "date",
    "start",
    "end",
    "pre_meeting_start",
    "practitioner_id",
    "key_person_id",
    "setting_id",
    "location",
)


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


def compare_appointments(
    before: Iterable[Appointment], after: Iterable[Appointment]
) -> tuple[list[AppointmentChange], int]:
    """Changes per child (by the newer slot's date, then child id) and the unchanged count."""
    old = {a.child_id: a for a in before}
    new = {a.child_id: a for a in after}
    changes: list[AppointmentChange] = []
    unchanged = 0
    for child_id, a in new.items():
        previous = old.get(child_id)
        if previous is None:
            changes.append(AppointmentChange(child_id, a.setting_id, "added", None, a))
            continue
        moved = tuple(f for f in _MOVE_FIELDS if getattr(previous, f) != getattr(a, f))
        if moved:
            changes.append(AppointmentChange(child_id, a.setting_id, "moved", previous, a, moved))
        else:
            unchanged += 1
    for child_id, a in old.items():
        if child_id not in new:
            changes.append(AppointmentChange(child_id, a.setting_id, "removed", a, None))

    def order(change: AppointmentChange) -> tuple[Any, ...]:
        slot = change.after or change.before
        assert slot is not None
        return (slot.date, slot.start, change.child_id)

    return sorted(changes, key=order), unchanged


@dataclass(frozen=True, slots=True)
class Audience:
    """Who hears about a change of plan when it is published: families whose review is new,
    moved or cancelled (child ids), the settings whose calendars change (a review of one of
    their children changed, or their link practitioner did) and the practitioners whose
    calendars change."""

    new: tuple[str, ...]
    moved: tuple[str, ...]
    cancelled: tuple[str, ...]
    settings: tuple[str, ...]
    practitioners: tuple[str, ...]

    @property
    def families(self) -> int:
        return len(self.new) + len(self.moved) + len(self.cancelled)

    @property
    def nobody(self) -> bool:
        return not (self.families or self.settings or self.practitioners)


def audience(comparison: PlanComparison) -> Audience:
    """Who the change from one plan to the other reaches (see :class:`Audience`)."""
    kinds: dict[ChangeKind, list[str]] = {"added": [], "moved": [], "removed": []}
    settings: set[str] = set()
    practitioners: set[str] = set()
    for change in comparison.appointments:
        kinds[change.kind].append(change.child_id)
        for slot in (change.before, change.after):
            if slot is None:
                continue
            practitioners.add(slot.practitioner_id)
            if slot.setting_id:
                settings.add(slot.setting_id)
    for link in comparison.links:
        settings.add(link.setting_id)
        practitioners.update(p for p in (link.before, link.after) if p)
    return Audience(
        new=tuple(sorted(kinds["added"])),
        moved=tuple(sorted(kinds["moved"])),
        cancelled=tuple(sorted(kinds["removed"])),
        settings=tuple(sorted(settings)),
        practitioners=tuple(sorted(practitioners)),
    )


def compare_plans(before: Plan, after: Plan) -> PlanComparison:
    """What changed from ``before`` to ``after``."""
    changes, unchanged = compare_appointments(before.appointments, after.appointments)
    old_links = {link.setting_id: link.practitioner_id for link in before.links}
    new_links = {link.setting_id: link.practitioner_id for link in after.links}
    links = [
        LinkChange(sid, old_links.get(sid), new_links.get(sid))
        for sid in sorted(set(old_links) | set(new_links))
        if old_links.get(sid) != new_links.get(sid)
    ]
    return PlanComparison(
        kpis=compare_kpis(before.summary.as_document(), after.summary.as_document()),
        appointments=changes,
        links=links,
        unchanged_appointments=unchanged,
    )
