"""The calendar entries a plan implies, as plain data (no iCalendar yet).

One appointment becomes: the invitation (families, practitioner, key person), an entry in the
setting's feed and one in the practitioner's feed, in the joint model the pre-meeting in both
feeds, and in the separate model the key person's task to prepare the EYFS progress summary.
Building the same entries for the previous plan and comparing them is how
:mod:`scheduler.export.ics` decides what changed.

Pre-meetings are entries of their own rather than part of one long block: the parent comes at
``start``, not at ``pre_meeting_start``, and a block starting 15 minutes early would tell the
setting's staff (and anyone reading the invitation) the wrong arrival time, while the pre-meeting
still needs the room and both practitioners.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from scheduler.domain import Authority, format_time
from scheduler.export.letters import (
    LetterFacts,
    NameStyle,
    child_label,
    family_letter_text,
    letter_facts,
    long_date,
    short_date,
)
from scheduler.export.uids import EventKind, event_uid
from scheduler.plan import Appointment, Plan
from scheduler.travel import haversine_km, travel_minutes

LONDON = ZoneInfo("Europe/London")

SETTINGS = "settings"
PRACTITIONERS = "practitioners"
INVITES = "invites"


@dataclass(frozen=True, slots=True)
class Attendee:
    """Someone invited to a review; only people with an email address can be invited."""

    name: str
    email: str
    role: str = "REQ-PARTICIPANT"


@dataclass(frozen=True, slots=True)
class Entry:
    """One calendar entry: an event (``start``/``end``) or, with ``due``, a to-do."""

    uid: str
    kind: EventKind
    feed: tuple[str, str]
    """Published in: (``settings``, id), (``practitioners``, id) or (``invites``, child id)."""
    facts: LetterFacts
    summary: str
    description: str
    location: str | None
    geo: tuple[float, float] | None
    fingerprint: tuple[object, ...]
    """Date, times, place and people of the review: a change here bumps ``SEQUENCE``."""
    start: datetime | None = None
    end: datetime | None = None
    due: date | None = None
    attendees: tuple[Attendee, ...] = ()

    @property
    def child_id(self) -> str:
        return self.facts.child_id


def local_time(day: date, minutes: int) -> datetime:
    """A plan's local time (minutes since midnight on ``day``) as an aware Europe/London time."""
    return datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=LONDON)


def fingerprint(appointment: Appointment) -> tuple[object, ...]:
    """What clients must be told about when it changes: date, time, place, people."""
    return (
        appointment.date,
        appointment.pre_meeting_start,
        appointment.start,
        appointment.end,
        appointment.location,
        appointment.setting_id,
        appointment.practitioner_id,
        appointment.key_person_id,
    )


def invite_attendees(facts: LetterFacts) -> tuple[Attendee, ...]:
    """Practitioner, key person (joint model only: in the separate model they are not there)
    and parent, each only when an email address is known."""
    people: list[Attendee] = []
    if facts.practitioner_email:
        people.append(Attendee(facts.practitioner_name, facts.practitioner_email))
    if facts.model == "joint" and facts.key_person_email:
        people.append(Attendee(facts.key_person_name, facts.key_person_email))
    if facts.parent_email:
        name = facts.parent_name or f"Parent or carer of {facts.first_name}"
        people.append(Attendee(name, facts.parent_email))
    seen: set[str] = set()
    unique = []
    for person in people:  # one person may hold two roles (a childminder's own email, say)
        key = person.email.lower()
        if key not in seen:
            seen.add(key)
            unique.append(person)
    return tuple(unique)


def invite_summary(facts: LetterFacts) -> str:
    """The family's title for the event: it names their own child."""
    return f"Integrated review for {facts.child_name}"


def _travel_notes(authority: Authority, appointments: Iterable[Appointment]) -> dict[str, str]:
    """Per child: how far the practitioner comes from, in the order of their day."""
    travel = authority.config.travel
    by_day: dict[tuple[str, date], list[Appointment]] = defaultdict(list)
    for appointment in appointments:
        by_day[(appointment.practitioner_id, appointment.date)].append(appointment)
    notes: dict[str, str] = {}
    for (practitioner_id, _day), day_appointments in by_day.items():
        practitioner = authority.practitioners.get(practitioner_id)
        if practitioner is None:
            continue
        here = (practitioner.base_lat, practitioner.base_lon)
        here_name = practitioner.base_name or "your base"
        for appointment in sorted(day_appointments, key=lambda a: (a.block_start, a.child_id)):
            setting = authority.settings.get(appointment.setting_id or "")
            if appointment.location == "setting" and setting is not None:
                there, there_name = (setting.lat, setting.lon), setting.name
            elif appointment.location == "home" and (
                home := authority.children[appointment.child_id].home
            ):
                there, there_name = home, "the family's home"
            else:
                there = (practitioner.base_lat, practitioner.base_lon)
                there_name = practitioner.base_name or "your base"
            km = haversine_km(*here, *there)
            minutes = travel_minutes(km, travel.speed_kmh, travel.detour_factor)
            if minutes == 0:
                notes[appointment.child_id] = f"No travel: already at {there_name}."
            else:
                leave = format_time(max(0, appointment.block_start - minutes))
                notes[appointment.child_id] = (
                    f"Travel: about {minutes} min ({km:.1f} km) from {here_name}; leave by {leave}."
                )
            here, here_name = there, there_name
    return notes


def _review_entries(
    authority: Authority, appointment: Appointment, travel_note: str | None
) -> list[Entry]:
    config = authority.config
    term = config.term.name
    style: NameStyle = config.privacy.calendar_names
    facts = letter_facts(authority, appointment)
    child = authority.children.get(appointment.child_id)
    label = child_label(appointment.child_id, child.name if child else None, style)
    print_ = fingerprint(appointment)
    start = local_time(appointment.date, appointment.start)
    end = local_time(appointment.date, appointment.end)
    uid = event_uid(term, appointment.child_id, EventKind.INVITE)
    entries = [
        Entry(
            uid=uid,
            kind=EventKind.INVITE,
            feed=(INVITES, appointment.child_id),
            facts=facts,
            summary=invite_summary(facts),
            description=family_letter_text(facts),
            location=facts.place,
            geo=facts.geo,
            fingerprint=print_,
            start=start,
            end=end,
            attendees=invite_attendees(facts),
        )
    ]
    joint = facts.model == "joint"
    pre = facts.pre_meeting_start
    pre_line = (
        f"Pre-meeting {format_time(pre)}–{format_time(facts.start)}: "
        f"{facts.practitioner_name} and {facts.key_person_name}.\n"
        if joint and pre is not None and pre < facts.start
        else ""
    )
    if joint:
        setting_text = (
            f"Joint review with {facts.practitioner_name} ({facts.practitioner_role}) and "
            f"key person {facts.key_person_name}; the parent or carer and child come at "
            f"{format_time(facts.start)}.\n{pre_line}"
            f"A quiet room is needed from {format_time(appointment.block_start)} to "
            f"{format_time(facts.end)}."
        )
    else:
        due = long_date(facts.summary_due) if facts.summary_due else "before the review"
        setting_text = (
            f"Health review at {facts.place} with {facts.practitioner_name} "
            f"({facts.practitioner_role}); the parent or carer takes the child.\n"
            f"Key person {facts.key_person_name}: the EYFS progress summary is due by {due}, "
            "for the family to take to the review."
        )
    setting_id = appointment.setting_id
    if setting_id is not None:
        entries.append(
            Entry(
                uid=event_uid(term, appointment.child_id, EventKind.SETTING),
                kind=EventKind.SETTING,
                feed=(SETTINGS, setting_id),
                facts=facts,
                summary=f"Integrated review — {label}",
                description=setting_text,
                location=facts.place if appointment.location != "home" else None,
                geo=facts.geo if appointment.location != "home" else None,
                fingerprint=print_,
                start=start,
                end=end,
            )
        )
    practitioner_text = (
        f"At {facts.place}"
        + (f" with key person {facts.key_person_name}" if joint else "")
        + (f" (setting email {facts.setting_email})" if joint and facts.setting_email else "")
        + f".\n{pre_line}"
        + (travel_note or "")
    ).strip()
    where = facts.setting_name if joint else facts.place_name
    entries.append(
        Entry(
            uid=event_uid(term, appointment.child_id, EventKind.PRACTITIONER),
            kind=EventKind.PRACTITIONER,
            feed=(PRACTITIONERS, appointment.practitioner_id),
            facts=facts,
            summary=f"Integrated review — {label} — {where}",
            description=practitioner_text,
            location=facts.place,
            geo=facts.geo,
            fingerprint=print_,
            start=start,
            end=end,
        )
    )
    if joint and pre is not None and pre < facts.start and setting_id is not None:
        pre_start = local_time(appointment.date, pre)
        pre_text = (
            f"{facts.practitioner_name} and key person {facts.key_person_name} plan the "
            f"review of {label} at {format_time(facts.start)}."
        )
        for kind, feed, summary in (
            (EventKind.SETTING_PRE, (SETTINGS, setting_id), f"Pre-meeting — {label}"),
            (
                EventKind.PRACTITIONER_PRE,
                (PRACTITIONERS, appointment.practitioner_id),
                f"Pre-meeting — {label} — {facts.setting_name}",
            ),
        ):
            entries.append(
                Entry(
                    uid=event_uid(term, appointment.child_id, kind),
                    kind=kind,
                    feed=feed,
                    facts=facts,
                    summary=summary,
                    description=pre_text,
                    location=facts.place,
                    geo=facts.geo,
                    fingerprint=print_,
                    start=pre_start,
                    end=start,
                )
            )
    if not joint and facts.summary_due is not None and setting_id is not None:
        entries.append(
            Entry(
                uid=event_uid(term, appointment.child_id, EventKind.SUMMARY_TODO),
                kind=EventKind.SUMMARY_TODO,
                feed=(SETTINGS, setting_id),
                facts=facts,
                summary=f"Prepare the EYFS progress summary — {label}",
                description=(
                    f"For key person {facts.key_person_name}: prepare the EYFS progress "
                    f"summary for {label} and give it to the family before their review on "
                    f"{short_date(facts.day)} at {format_time(facts.start)} ({facts.place})."
                ),
                location=None,
                geo=None,
                fingerprint=print_,
                due=facts.summary_due,
            )
        )
    return entries


def plan_entries(authority: Authority, plan: Plan) -> dict[str, Entry]:
    """Every entry of a plan by UID, in appointment order (date, start, child)."""
    appointments = sorted(plan.appointments, key=lambda a: (a.date, a.start, a.child_id))
    notes = _travel_notes(authority, appointments)
    out: dict[str, Entry] = {}
    for appointment in appointments:
        for entry in _review_entries(authority, appointment, notes.get(appointment.child_id)):
            out[entry.uid] = entry
    return out
