"""The calendar entries a plan implies, as plain data (no iCalendar yet).

One appointment becomes: the invitation (family, practitioner, and the key person at a joint
review), an entry in the setting's feed (for a child in a setting) and one in the practitioner's
feed, for a joint review the pre-meeting in both feeds, and the key person's task (a ``VTODO``):
preparing for a joint review, or the EYFS progress summary the family takes to a clinic or home
review, due on a day :mod:`scheduler.deadlines` allows. Which entries changed since the previous
plan is not decided here: :mod:`scheduler.export.ics` asks :mod:`scheduler.diff` which reviews
moved (and compares a task's due day).

Who reads what: the setting's events name the practitioner and how to reach them; the
practitioner's name the setting and key person with their e-mail, and the interpreter's
language when the family's home language is not English. A home visit's position is only in
the practitioner's own event (``GEO`` and a map link); the setting's feed, the family's copy
and the letter (both in the setting's download) say "home" and nothing more.

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

from scheduler.deadlines import SummaryDeadlines
from scheduler.domain import Authority, format_time
from scheduler.export.letters import (
    LetterFacts,
    NameStyle,
    child_label,
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
    description: str | None
    """``None`` for the invitation (``INVITE``): its text is the family's letter, rendered by
    :func:`scheduler.export.ics.build_calendars` only when the invitation is written (comparing
    plans, which needs every entry of two plans, renders no letter)."""
    location: str | None
    geo: tuple[float, float] | None
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
            elif (
                appointment.location == "home"
                and (child := authority.children.get(appointment.child_id)) is not None
                and (home := child.home) is not None
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


def map_link(point: tuple[float, float]) -> str:
    """An OpenStreetMap link to a point (the address of a home is not in the data)."""
    lat, lon = (round(v, 5) for v in point)
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


def _contact(name: str, email: str | None) -> str:
    return f"{name} ({email})" if email else name


def _setting_text(facts: LetterFacts, appointment: Appointment, pre_line: str) -> str:
    """The setting's event: what happens, when the room is needed, and whom to ask."""
    practitioner = (
        f"{_contact(facts.practitioner_name, facts.practitioner_email)}, {facts.practitioner_role}"
    )
    if facts.model == "joint":
        lines = [
            f"Joint review with {facts.practitioner_name} ({facts.practitioner_role}) and key "
            f"person {facts.key_person_name}; the parent or carer and child come at "
            f"{format_time(facts.start)}.",
            pre_line,
            f"A quiet room is needed from {format_time(appointment.block_start)} to "
            f"{format_time(facts.end)}.",
        ]
    else:
        venue = "at the family's home" if facts.model == "home" else f"at {facts.place}"
        lines = [
            f"Health review {venue} with {facts.practitioner_name} "
            f"({facts.practitioner_role}); the key person is not there.",
            f"Key person {facts.key_person_name}: the EYFS progress summary is due by "
            f"{long_date(facts.summary_due)}, for the family to take to the review."
            if facts.summary_due
            else f"Key person {facts.key_person_name}: the EYFS progress summary is needed "
            "before the review, but no day you work fits in term before it; please agree "
            "with the family how it reaches them.",
        ]
    lines.append(f"Health practitioner: {practitioner}.")
    return "\n".join(line for line in lines if line)


def _practitioner_text(facts: LetterFacts, pre_line: str, travel_note: str | None) -> str:
    """The practitioner's own event: where, who to reach, the interpreter and the journey."""
    lines: list[str] = []
    if facts.model == "joint":
        lines.append(f"At {facts.place} with key person {facts.key_person_name}.")
        lines.append(pre_line)
    elif facts.model == "home":
        lines.append("Home visit.")
        if facts.home_point is not None:
            lines.append(f"Map: {map_link(facts.home_point)}")
    else:
        lines.append(f"At {facts.place}.")
    if facts.in_setting:
        lines.append(
            f"Setting: {_contact(facts.setting_name, facts.setting_email)}. "
            f"Key person: {_contact(facts.key_person_name, facts.key_person_email)}."
        )
        if facts.model != "joint":
            due = long_date(facts.summary_due) if facts.summary_due else "no day fits: ask"
            lines.append(f"EYFS progress summary from the key person, due {due}.")
    else:
        lines.append("The child attends no early years setting.")
    if facts.interpreter_language:
        lines.append(f"Interpreter: {facts.interpreter_language}.")
    if travel_note:
        lines.append(travel_note)
    return "\n".join(line for line in lines if line)


def _task_entry(facts: LetterFacts, appointment: Appointment, label: str, term: str) -> Entry:
    """The key person's task in the setting's feed (VTODO): prepare for a joint review, or the
    EYFS progress summary the family takes to a clinic or home review."""
    when = f"{short_date(facts.day)} at {format_time(facts.start)}"
    due: date | None
    if facts.model == "joint":
        due = facts.summary_due or facts.day  # at worst the meeting itself
        summary = f"Prepare for the review — {label}"
        description = (
            f"For key person {facts.key_person_name}, before the joint review of {label} on "
            f"{when}: the EYFS progress check summary, and the parent's ASQ-3 questionnaire "
            "if one was sent (ask the family to bring it or hand it in)."
        )
    else:
        due = facts.summary_due
        where = "at home" if facts.model == "home" else f"at {facts.place}"
        summary = f"Prepare the EYFS progress summary — {label}"
        description = (
            f"For key person {facts.key_person_name}: prepare the EYFS progress summary for "
            f"{label} and give it to the family before their review on {when} ({where})."
        )
        if due is None:
            description += (
                " No day you work fits in term before the review: please agree with the "
                "family how it reaches them."
            )
    description += (
        f"\nHealth practitioner: {_contact(facts.practitioner_name, facts.practitioner_email)}."
    )
    return Entry(
        uid=event_uid(term, appointment.child_id, EventKind.SUMMARY_TODO),
        kind=EventKind.SUMMARY_TODO,
        feed=(SETTINGS, facts.setting_id),
        facts=facts,
        summary=summary,
        description=description,
        location=None,
        geo=None,
        due=due,
    )


def _review_entries(
    authority: Authority,
    appointment: Appointment,
    travel_note: str | None,
    deadlines: SummaryDeadlines,
) -> list[Entry]:
    config = authority.config
    term = config.term.name
    style: NameStyle = config.privacy.calendar_names
    facts = letter_facts(authority, appointment, deadlines)
    child = authority.children.get(appointment.child_id)
    label = child_label(appointment.child_id, child.name if child else None, style)
    start = local_time(appointment.date, appointment.start)
    end = local_time(appointment.date, appointment.end)
    entries = [
        Entry(
            uid=event_uid(term, appointment.child_id, EventKind.INVITE),
            kind=EventKind.INVITE,
            feed=(INVITES, appointment.child_id),
            facts=facts,
            summary=invite_summary(facts),
            description=None,
            location=facts.place,
            geo=facts.geo,
            start=start,
            end=end,
            attendees=invite_attendees(facts),
        )
    ]
    joint = facts.model == "joint"
    pre = facts.pre_meeting_start
    has_pre = joint and pre is not None and pre < facts.start
    pre_line = (
        f"Pre-meeting {format_time(pre)}–{format_time(facts.start)}: "
        f"{facts.practitioner_name} and {facts.key_person_name}."
        if has_pre and pre is not None
        else ""
    )
    setting_id = facts.setting_id
    if setting_id:
        entries.append(
            Entry(
                uid=event_uid(term, appointment.child_id, EventKind.SETTING),
                kind=EventKind.SETTING,
                feed=(SETTINGS, setting_id),
                facts=facts,
                summary=f"Integrated review — {label}",
                description=_setting_text(facts, appointment, pre_line),
                location=facts.place if facts.model != "home" else None,
                geo=facts.geo if facts.model != "home" else None,
                start=start,
                end=end,
            )
        )
    where = {"joint": facts.setting_name, "home": "home visit"}.get(facts.model, facts.place_name)
    entries.append(
        Entry(
            uid=event_uid(term, appointment.child_id, EventKind.PRACTITIONER),
            kind=EventKind.PRACTITIONER,
            feed=(PRACTITIONERS, appointment.practitioner_id),
            facts=facts,
            summary=f"Integrated review — {label} — {where}",
            description=_practitioner_text(facts, pre_line, travel_note),
            location="Home visit (see the map link)" if facts.model == "home" else facts.place,
            geo=facts.home_point if facts.model == "home" else facts.geo,
            start=start,
            end=end,
        )
    )
    if has_pre and pre is not None and setting_id:
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
                    start=pre_start,
                    end=start,
                )
            )
    if setting_id and facts.key_person_id:
        entries.append(_task_entry(facts, appointment, label, term))
    return entries


def plan_entries(authority: Authority, plan: Plan) -> dict[str, Entry]:
    """Every entry of a plan by UID, in appointment order (date, start, child)."""
    appointments = sorted(plan.appointments, key=lambda a: (a.date, a.start, a.child_id))
    notes = _travel_notes(authority, appointments)
    deadlines = SummaryDeadlines(authority)
    out: dict[str, Entry] = {}
    for appointment in appointments:
        for entry in _review_entries(
            authority, appointment, notes.get(appointment.child_id), deadlines
        ):
            out[entry.uid] = entry
    return out
