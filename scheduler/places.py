"""Where a review happens: the one place a location (setting, clinic, home) becomes a point.

A joint review meets at the child's setting, a separate one at the practitioner's base (the
clinic), a home visit at the family's home. Planning, travel, kilometres, calendars and
letters all ask this module, so they agree on where everyone has to be.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from scheduler.config import ReviewModel
from scheduler.domain import Authority, Child, Practitioner
from scheduler.plan import Appointment


@dataclass(frozen=True, slots=True)
class Place:
    """A review's venue: a key shared by reviews at the same spot, and its coordinates."""

    key: str
    """``setting:<id>``, ``clinic:<practitioner id>`` or ``home:<child id>``."""
    lat: float
    lon: float


def base_place(practitioner: Practitioner) -> Place:
    """The practitioner's base: where the working day starts and ends, and the clinic."""
    return Place(
        f"clinic:{practitioner.practitioner_id}", practitioner.base_lat, practitioner.base_lon
    )


def review_place(
    authority: Authority, child: Child, model: ReviewModel, practitioner_id: str
) -> Place | None:
    """Where ``child``'s review of ``model`` run by ``practitioner_id`` meets; ``None`` when the
    data do not say (a joint review of a child in no setting, a home visit without a home)."""
    if model == "joint":
        if child.setting_id is None:
            return None
        s = authority.settings[child.setting_id]
        return Place(f"setting:{s.setting_id}", s.lat, s.lon)
    if model == "separate":
        return base_place(authority.practitioners[practitioner_id])
    home = child.home
    if home is None:
        return None
    return Place(f"home:{child.child_id}", *home)


def place_key(appointment: Appointment) -> str:
    """The :attr:`Place.key` of where a booked review meets, read from the appointment alone:
    its setting, the practitioner's clinic, or the family's home."""
    if appointment.location == "setting":
        return f"setting:{appointment.setting_id}"
    if appointment.location == "clinic":
        return f"clinic:{appointment.practitioner_id}"
    return f"home:{appointment.child_id}"


def visits(appointments: Iterable[Appointment]) -> set[tuple[str, str, date]]:
    """The visits a plan makes: a practitioner at one place on one day (``visit[p,s,d]`` in
    docs/model.md), however many reviews they hold there."""
    return {(a.practitioner_id, place_key(a), a.date) for a in appointments}
