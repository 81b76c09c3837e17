"""Book this: a recommended slot (or an accepted counter-proposal) made part of the plan.

A booking between termly plans changes one child's row (and, when someone had to move, that
child's row too) and nothing else: every other appointment stays exactly as it was. The slot
is pinned (``pins.csv`` semantics: an appointment pin on the child, date and start), so every
later re-plan keeps it; the plan's counts are brought up to date; and the new plan is checked
by the independent checker against the old one as its previous plan (so the notice period and
history rules apply exactly as to a re-plan). The calendar update follows from the two plans
(:func:`scheduler.export.ics.build_calendars` with ``previous``): only the moved invitations
change, each with a higher ``SEQUENCE``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from scheduler.availability import Availability
from scheduler.check import CheckReport, check_plan
from scheduler.domain import Authority
from scheduler.kpis import plan_counts, practitioner_use
from scheduler.plan import Appointment, Pin, Plan
from scheduler.priority import child_priority
from scheduler.summary import BookingNote


@dataclass(frozen=True)
class Booking:
    """The plan with the slot booked, the pins it now keeps, and its independent check."""

    plan: Plan
    pins: tuple[Pin, ...]
    """The new appointment pins (the child's, and anyone moved)."""
    check: CheckReport
    booked: tuple[Appointment, ...]
    """The new or changed appointments."""


def appointment_pin(appointment: Appointment) -> Pin:
    """The pin that keeps this appointment in every re-plan (``pins.csv``: child, date, start)."""
    return Pin(
        "appointment",
        setting_id=appointment.setting_id,
        child_id=appointment.child_id,
        date=appointment.date,
        start=appointment.start,
    )


def book(
    authority: Authority,
    plan: Plan,
    appointments: list[Appointment],
    *,
    availability: Availability | None = None,
    created_at: datetime | None = None,
    note: str = "",
) -> Booking:
    """The plan with ``appointments`` (one child's new slot, plus any child moved for it) in
    place of those children's rows, pinned, counted and checked.

    Pins the plan already had for those children are replaced by the new ones (a second pin
    for a child would not be kept); every other pin stays.
    """
    availability = availability or Availability(authority)
    changed = {a.child_id for a in appointments}
    kept = [a for a in plan.appointments if a.child_id not in changed]
    new_appointments = sorted(
        [*kept, *appointments], key=lambda a: (a.date, a.start, a.practitioner_id, a.child_id)
    )
    unscheduled = [u for u in plan.unscheduled if u.child_id not in changed]
    new_pins = tuple(appointment_pin(a) for a in appointments)
    pins = [p for p in plan.pins if not (p.kind == "appointment" and p.child_id in changed)] + list(
        new_pins
    )
    config = authority.config
    priority = {
        c.child_id: child_priority(
            c, availability.windows[c.child_id], config.term, config.priorities
        )
        for c in availability.due
    }
    summary = plan_counts(
        authority, availability, new_appointments, unscheduled, priority, into=plan.summary
    )
    if summary.practitioners is not None:
        capacity = {pid: u.capacity_minutes for pid, u in summary.practitioners.items()}
        load = {pid: u.link_load_minutes for pid, u in summary.practitioners.items()}
        summary = replace(
            summary, practitioners=practitioner_use(authority, new_appointments, capacity, load)
        )
    summary = replace(
        summary,
        bookings=(
            *(summary.bookings or ()),
            *(BookingNote(a.child_id, a.date.isoformat(), note[:200]) for a in appointments),
        ),
        pins_unhonoured=tuple(
            p
            for p in summary.pins_unhonoured or ()
            if not (p.kind == "appointment" and p.child_id in changed)
        ),
    )
    new_plan = replace(
        plan,
        appointments=new_appointments,
        unscheduled=unscheduled,
        summary=summary,
        created_at=created_at or datetime.now(UTC).replace(microsecond=0),
        sequences=dict(plan.sequences),
        pins=pins,
    )
    report = check_plan(authority, new_plan, previous=plan, pins=pins)
    new_plan = replace(new_plan, summary=replace(summary, check_violations=len(report.violations)))
    return Booking(new_plan, new_pins, report, tuple(appointments))
