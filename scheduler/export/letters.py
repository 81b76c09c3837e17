"""What people read about a review: the family's appointment letter, and how children are named.

One set of facts (:class:`LetterFacts`) feeds the invitation's description, the email body and
the printable HTML letter, so the three never disagree. The family's letter names their own
child; everything else names children as ``[privacy] calendar_names`` says. Nothing here
mentions date of birth, funded places, SEND, earlier worries or home language: a letter is
forwarded, printed and left on kitchen tables.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from scheduler.calendar import bank_holidays
from scheduler.config import Nation
from scheduler.domain import Authority, format_time
from scheduler.plan import Appointment, Plan

NameStyle = Literal["initials", "full", "id"]

_SPACE = re.compile(r"\s+")
_WORD_SPLIT = re.compile(r"[\s\-]+")

ROLE_NAMES: dict[str, str] = {
    "health_visitor": "health visitor",
    "community_nursery_nurse": "community nursery nurse",
    "nursery_nurse": "nursery nurse",
    "school_nurse": "school nurse",
}


def clean(text: str | None) -> str:
    """One line of text: newlines, tabs and runs of spaces become single spaces, and other
    control characters (not allowed in iCalendar text) are dropped.

    Names and addresses come from spreadsheets; a stray line break must not end up splitting
    a calendar property or an email header.
    """
    spaced = _SPACE.sub(" ", text or "")
    if any(unicodedata.category(ch) == "Cc" for ch in spaced):
        spaced = "".join(ch for ch in spaced if unicodedata.category(ch) != "Cc")
    return spaced.strip()


def initials(name: str) -> str:
    """``Amelia-Rose O'Brien`` → ``A.R.O.``: the first letter of each part of the name."""
    parts = [p for p in _WORD_SPLIT.split(clean(name)) if p]
    letters = []
    for part in parts:
        first = next((ch for ch in part if ch.isalnum()), "")
        if first:
            letters.append(first.upper() + ".")
    return "".join(letters) or "?"


def child_label(child_id: str, name: str | None, style: NameStyle) -> str:
    """How a child appears in setting and practitioner calendars, e.g. ``A.B. (C0123)``."""
    if style == "id" or not clean(name):
        return child_id
    shown = clean(name) if style == "full" else initials(name or "")
    return f"{shown} ({child_id})"


def first_name(name: str) -> str:
    """The first word of a name, for a letter's friendlier sentences."""
    words = clean(name).split(" ")
    return words[0] if words and words[0] else "your child"


def role_name(role: str | None) -> str:
    """``health_visitor`` → ``health visitor``; unknown roles read as the words they are."""
    if not role:
        return "health practitioner"
    return ROLE_NAMES.get(role, clean(role.replace("_", " ")))


def long_date(day: date) -> str:
    """``Tuesday 20 October 2026``: how a British letter writes a date."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    """``Tue 20 Oct``: for calendar descriptions."""
    return f"{day:%a} {day.day} {day:%b}"


def working_days_before(day: date, count: int, nation: Nation) -> date:
    """The date ``count`` working days (Mon–Fri, not bank holidays) before ``day``."""
    closed = bank_holidays(nation, (day.year - 1, day.year))
    current = day
    remaining = count
    while remaining > 0:
        current -= timedelta(days=1)
        if current.weekday() < 5 and current not in closed:
            remaining -= 1
    return current


SUMMARY_LEAD_WORKING_DAYS = 2
"""Separate model: the key person's progress summary is due this many working days before."""


@dataclass(frozen=True, slots=True)
class LetterFacts:
    """Everything a letter or invitation about one review says, resolved from the data.

    Missing records (a previous plan may name a child no longer in the data) fall back to ids,
    so a cancellation can always be written.
    """

    child_id: str
    child_name: str
    parent_name: str | None
    parent_email: str | None
    model: Literal["joint", "separate"]
    day: date
    pre_meeting_start: int | None
    start: int
    end: int
    place_name: str
    place_address: str | None
    geo: tuple[float, float] | None
    setting_id: str
    setting_name: str
    setting_address: str | None
    setting_email: str | None
    practitioner_id: str
    practitioner_name: str
    practitioner_role: str
    practitioner_email: str | None
    key_person_id: str
    key_person_name: str
    key_person_email: str | None
    organiser_name: str
    organiser_email: str
    summary_due: date | None
    """Separate model only: when the key person's EYFS progress summary must be ready."""

    childminder: bool = False
    """The setting is a childminder: the key person is the childminder themself."""

    @property
    def first_name(self) -> str:
        return first_name(self.child_name)

    @property
    def key_role(self) -> str:
        """``key person at Little Acorns``, or ``childminder`` when that is who they are."""
        return "childminder" if self.childminder else f"key person at {self.setting_name}"

    @property
    def place(self) -> str:
        """``Name, address`` on one line: a calendar's ``LOCATION``."""
        return ", ".join(p for p in (self.place_name, self.place_address) if p)

    @property
    def times(self) -> str:
        return f"{format_time(self.start)} to {format_time(self.end)}"


def letter_facts(authority: Authority, appointment: Appointment) -> LetterFacts:
    """Resolve an appointment's ids into the names, places and times a reader needs."""
    config = authority.config
    child = authority.children.get(appointment.child_id)
    setting = authority.settings.get(appointment.setting_id or "")
    practitioner = authority.practitioners.get(appointment.practitioner_id)
    key_person = authority.key_persons.get(appointment.key_person_id or "")
    setting_name = clean(setting.name) if setting else (appointment.setting_id or "")
    setting_address = (clean(setting.address) or None) if setting else None
    if appointment.location == "setting":
        place_name, place_address = setting_name, setting_address
        geo = (setting.lat, setting.lon) if setting else None
    elif appointment.location == "home":
        place_name, place_address = "your home", None
        geo = child.home if child else None
    else:
        base = clean(practitioner.base_name) if practitioner else ""
        place_name, place_address = base or "the health clinic", None
        geo = (practitioner.base_lat, practitioner.base_lon) if practitioner else None
    model: Literal["joint", "separate"] = (
        "joint" if appointment.location == "setting" else "separate"
    )
    due = (
        working_days_before(appointment.date, SUMMARY_LEAD_WORKING_DAYS, config.term.bank_holidays)
        if model == "separate"
        else None
    )
    return LetterFacts(
        child_id=appointment.child_id,
        child_name=(clean(child.name) if child else "") or appointment.child_id,
        parent_name=(clean(child.parent_name) or None) if child else None,
        parent_email=(clean(child.parent_email) or None) if child else None,
        model=model,
        day=appointment.date,
        pre_meeting_start=appointment.pre_meeting_start,
        start=appointment.start,
        end=appointment.end,
        place_name=place_name,
        place_address=place_address,
        geo=geo,
        setting_id=appointment.setting_id or "",
        setting_name=setting_name,
        setting_address=setting_address,
        setting_email=(clean(setting.email) or None) if setting else None,
        practitioner_id=appointment.practitioner_id,
        practitioner_name=clean(practitioner.name) if practitioner else appointment.practitioner_id,
        practitioner_role=role_name(practitioner.role if practitioner else None),
        practitioner_email=(clean(practitioner.email) or None) if practitioner else None,
        key_person_id=appointment.key_person_id or "",
        key_person_name=clean(key_person.name) if key_person else (appointment.key_person_id or ""),
        key_person_email=(clean(key_person.email) or None) if key_person else None,
        organiser_name=clean(config.organiser.name),
        organiser_email=clean(config.organiser.email),
        summary_due=due,
        childminder=setting is not None and setting.type == "childminder",
    )


# --------------------------------------------------------------------------- the letter

Block = tuple[Literal["h", "p", "dl", "ul"], object]
"""A piece of a letter: a heading, a paragraph, label/value pairs, or an introduced bullet list
(``(intro, items)``)."""


def _letter_blocks(facts: LetterFacts, *, update: bool) -> list[Block]:
    first = facts.first_name
    greeting = f"Dear {facts.parent_name}," if facts.parent_name else "Dear parent or carer,"
    blocks: list[Block] = [("p", greeting)]
    if update:
        blocks.append(
            (
                "p",
                "This replaces the invitation we sent before: the date, time, place or the "
                "people coming have changed. Please use the details below.",
            )
        )
    blocks.append(("h", f"Integrated review for {facts.child_name}"))
    if facts.model == "joint":
        intro = (
            f"It is time for {first}'s review at age two to two-and-a-half, which every child "
            f"in England is offered. You, {first}'s {facts.key_role} and a "
            f"health practitioner will meet together to talk about how {first} is growing, "
            "playing, talking and learning, and to agree what might help next."
        )
        who = (
            f"You and {first}; {facts.practitioner_name} ({facts.practitioner_role}); and "
            f"{facts.key_person_name}, {first}'s {facts.key_role}."
        )
    else:
        intro = (
            f"It is time for {first}'s review at age two to two-and-a-half, which every child "
            f"in England is offered. You and a health practitioner will talk about how {first} "
            "is growing, playing, talking and learning, and agree what might help next."
        )
        who = f"You and {first}; {facts.practitioner_name} ({facts.practitioner_role})."
    blocks.append(("p", intro))
    blocks.append(
        (
            "dl",
            [
                ("When", f"{long_date(facts.day)}, {facts.times}"),
                ("Where", facts.place),
                ("Who will be there", who),
            ],
        )
    )
    bring = [
        f"{first}'s red book (Personal Child Health Record).",
        "The ASQ-3 questionnaire, filled in, if one was sent to you before the review.",
    ]
    if facts.model == "separate":
        due = long_date(facts.summary_due) if facts.summary_due else "the day before"
        bring.append(
            f"{first}'s EYFS progress summary from {facts.key_person_name}, {first}'s "
            f"{facts.key_role}. They will give it to you before the review; if "
            f"you do not have it by {due}, please ask them for it."
        )
    blocks.append(("ul", ("Please bring:", bring)))
    minutes = facts.end - facts.start
    blocks.append(
        (
            "p",
            f"What will happen: the meeting takes about {minutes} minutes and {first} can play "
            f"while you talk. You will be asked how {first} is eating, sleeping, talking, "
            "moving and getting on with other people, and you can ask about anything you "
            "would like to. Together you will agree what happens next.",
        )
    )
    contact = facts.organiser_name
    if facts.organiser_email:
        contact += f" ({facts.organiser_email})"
    blocks.append(
        (
            "p",
            f"If this time does not suit you, please tell {contact} as soon as you can, "
            "or reply to this invitation, and we will offer you another time.",
        )
    )
    blocks.append(("p", f"With best wishes,\n{facts.organiser_name}"))
    return blocks


def _render_text(blocks: list[Block]) -> str:
    out: list[str] = []
    for kind, body in blocks:
        if kind == "dl":
            assert isinstance(body, list)
            out.append("\n".join(f"{label}: {value}" for label, value in body))
        elif kind == "ul":
            assert isinstance(body, tuple)
            intro, items = body
            out.append("\n".join([intro, *(f"- {item}" for item in items)]))
        else:
            out.append(str(body))
    return "\n\n".join(out) + "\n"


def family_letter_text(facts: LetterFacts, *, update: bool = False) -> str:
    """The plain-English appointment letter: the invitation's description and email body."""
    return _render_text(_letter_blocks(facts, update=update))


def cancellation_text(facts: LetterFacts) -> str:
    """The email body and description of a cancelled review."""
    greeting = f"Dear {facts.parent_name}," if facts.parent_name else "Dear parent or carer,"
    contact = facts.organiser_name
    if facts.organiser_email:
        contact += f" ({facts.organiser_email})"
    return (
        f"{greeting}\n\n"
        f"The integrated review for {facts.child_name} on {long_date(facts.day)} at "
        f"{format_time(facts.start)} ({facts.place}) is cancelled. Please remove it from "
        "your calendar.\n\n"
        f"If {facts.first_name} still needs the review, {contact} will be in touch to offer "
        "another time.\n\n"
        f"With best wishes,\n{facts.organiser_name}\n"
    )


def removed_attendee_text(facts: LetterFacts) -> str:
    """For someone taken off a review that still goes ahead (e.g. a new practitioner)."""
    return (
        f"You are no longer needed at the integrated review on {long_date(facts.day)} at "
        f"{format_time(facts.start)} ({facts.place}); the plan has changed. Please remove it "
        f"from your calendar.\n\n{facts.organiser_name}\n"
    )


_HTML_STYLE = """
body { font-family: Arial, Helvetica, sans-serif; font-size: 12pt; line-height: 1.5;
       max-width: 42em; margin: 2em auto; color: #0b0c0c; }
h1 { font-size: 16pt; }
dt { font-weight: bold; } dd { margin: 0 0 0.5em 0; }
@media print { body { margin: 0; } }
"""


def _render_html(blocks: list[Block], title: str) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        f"<style>{_HTML_STYLE}</style>",
        "</head>",
        "<body>",
    ]
    for kind, body in blocks:
        if kind == "h":
            parts.append(f"<h1>{html.escape(str(body))}</h1>")
        elif kind == "p":
            parts.append(f"<p>{html.escape(str(body)).replace(chr(10), '<br>')}</p>")
        elif kind == "dl":
            assert isinstance(body, list)
            rows = "".join(
                f"<dt>{html.escape(label)}</dt><dd>{html.escape(value)}</dd>"
                for label, value in body
            )
            parts.append(f"<dl>{rows}</dl>")
        else:
            assert isinstance(body, tuple)
            intro, items = body
            bullets = "".join(f"<li>{html.escape(item)}</li>" for item in items)
            parts.append(f"<p>{html.escape(intro)}</p><ul>{bullets}</ul>")
    parts += ["</body>", "</html>"]
    return "\n".join(parts) + "\n"


def letter_html(facts: LetterFacts) -> str:
    """The printable appointment letter (a complete HTML page) for one review."""
    return _render_html(
        _letter_blocks(facts, update=False), f"Integrated review for {facts.child_name}"
    )


def family_letter_html(authority: Authority, plan: Plan, child_id: str) -> str:
    """The printable letter a setting hands to a family; ``KeyError`` if the child has no slot."""
    for appointment in plan.appointments:
        if appointment.child_id == child_id:
            return letter_html(letter_facts(authority, appointment))
    raise KeyError(f"no appointment for child {child_id} in this plan")
