"""What changed between two plans, child by child: the one definition of "moved".

A child's review is **new** (booked now, not before), **cancelled** (booked before, not now) or
**moved**: a field a family, setting or practitioner relies on differs (:data:`CHANGE_FIELDS`:
day, times, people, setting, venue, and a home visit's home when the data are given). Age and
the in-window flag are figures, not arrangements: they never make a move. A setting's **link
changed** when its link practitioner differs (or it gained or lost one).

Everything that asks "who moved?" reads this module: the comparison of two plans and who hears
about a publication (:mod:`scheduler.store.compare`), and calendar ``SEQUENCE`` numbers
(:mod:`scheduler.export.ics`: an event's sequence goes up exactly when its review moved here,
or, for the key person's task alone, when its due day moved). So the Versions page, the
publish message and the invitations that go out cannot disagree about who moved.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from scheduler.domain import Authority
from scheduler.plan import Appointment, Link

ChangeKind = Literal["added", "removed", "moved"]

CHANGE_FIELDS: Mapping[str, str] = {
    "date": "day",
    "start": "time",
    "end": "time",
    "pre_meeting_start": "time",
    "practitioner_id": "practitioner",
    "key_person_id": "key person",
    "setting_id": "setting",
    "location": "place",
    "home": "home",
}
"""What a review is made of for the people in it, each with its plain word (for tables).
``home`` is the family's home of a home visit: data, not plan, so compared only when the data
of both plans are given."""

_APPOINTMENT_FIELDS = tuple(f for f in CHANGE_FIELDS if f != "home")

Point = tuple[float, float]


@dataclass(frozen=True, slots=True)
class AppointmentChange:
    """A child whose review was added, removed (now unscheduled or gone) or moved."""

    child_id: str
    setting_id: str | None
    kind: ChangeKind
    before: Appointment | None
    after: Appointment | None
    fields: tuple[str, ...] = ()
    """For a move: which of :data:`CHANGE_FIELDS` changed, in that order."""


@dataclass(frozen=True, slots=True)
class LinkChange:
    """A setting whose link practitioner changed (``None``: it had, or has, no link)."""

    setting_id: str
    before: str | None
    after: str | None


def home_of(appointment: Appointment, data: Authority | None) -> Point | None:
    """The family's home a home visit goes to, as the data say; ``None`` for any other review
    or without data."""
    if data is None or appointment.location != "home":
        return None
    child = data.children.get(appointment.child_id)
    return child.home if child is not None else None


def changed_fields(
    before: Appointment,
    after: Appointment,
    *,
    data_before: Authority | None = None,
    data_after: Authority | None = None,
) -> tuple[str, ...]:
    """The fields of :data:`CHANGE_FIELDS` that differ; empty when the review did not move.

    ``data_before``/``data_after`` are the data each plan was made from (either defaults to the
    other); without any, a home visit's home is not compared.
    """
    moved = [f for f in _APPOINTMENT_FIELDS if getattr(before, f) != getattr(after, f)]
    old_data = data_before if data_before is not None else data_after
    new_data = data_after if data_after is not None else data_before
    if home_of(before, old_data) != home_of(after, new_data):
        moved.append("home")
    return tuple(moved)


def diff_appointments(
    before: Iterable[Appointment],
    after: Iterable[Appointment],
    *,
    data_before: Authority | None = None,
    data_after: Authority | None = None,
) -> tuple[list[AppointmentChange], int]:
    """Changes per child (by the newer slot's date and start, then child id) and how many
    children kept their review exactly."""
    old = {a.child_id: a for a in before}
    new = {a.child_id: a for a in after}
    changes: list[AppointmentChange] = []
    unchanged = 0
    for child_id, a in new.items():
        previous = old.get(child_id)
        if previous is None:
            changes.append(AppointmentChange(child_id, a.setting_id, "added", None, a))
            continue
        moved = changed_fields(previous, a, data_before=data_before, data_after=data_after)
        if moved:
            changes.append(AppointmentChange(child_id, a.setting_id, "moved", previous, a, moved))
        else:
            unchanged += 1
    for child_id, a in old.items():
        if child_id not in new:
            changes.append(AppointmentChange(child_id, a.setting_id, "removed", a, None))

    def order(change: AppointmentChange) -> tuple[date, int, str]:
        slot = change.after or change.before
        assert slot is not None
        return (slot.date, slot.start, change.child_id)

    return sorted(changes, key=order), unchanged


def moved_children(changes: Iterable[AppointmentChange]) -> frozenset[str]:
    """The children whose review moved (kept, but changed): their events are updates."""
    return frozenset(c.child_id for c in changes if c.kind == "moved")


def diff_links(before: Iterable[Link], after: Iterable[Link]) -> list[LinkChange]:
    """Settings whose link practitioner changed, gained or lost, by setting id."""
    old = {link.setting_id: link.practitioner_id for link in before}
    new = {link.setting_id: link.practitioner_id for link in after}
    return [
        LinkChange(sid, old.get(sid), new.get(sid))
        for sid in sorted(set(old) | set(new))
        if old.get(sid) != new.get(sid)
    ]


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


def audience_of(appointments: Iterable[AppointmentChange], links: Iterable[LinkChange]) -> Audience:
    """Who the changes reach (see :class:`Audience`): both sides of every changed review,
    both practitioners of every changed link."""
    kinds: dict[ChangeKind, list[str]] = {"added": [], "moved": [], "removed": []}
    settings: set[str] = set()
    practitioners: set[str] = set()
    for change in appointments:
        kinds[change.kind].append(change.child_id)
        for slot in (change.before, change.after):
            if slot is None:
                continue
            practitioners.add(slot.practitioner_id)
            if slot.setting_id:
                settings.add(slot.setting_id)
    for link in links:
        settings.add(link.setting_id)
        practitioners.update(p for p in (link.before, link.after) if p)
    return Audience(
        new=tuple(sorted(kinds["added"])),
        moved=tuple(sorted(kinds["moved"])),
        cancelled=tuple(sorted(kinds["removed"])),
        settings=tuple(sorted(settings)),
        practitioners=tuple(sorted(practitioners)),
    )
