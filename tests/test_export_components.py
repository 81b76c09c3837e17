"""iCalendar components as the project writes them (scheduler/export/components.py): the
London time zone clients read, events and tasks with their status, and feed headers."""

from __future__ import annotations

from datetime import UTC, date, datetime

from builders import REVIEW_DAY, appointment_for, make_authority, make_key_person, make_plan
from icalendar import Calendar, Component

from scheduler.config import Organiser
from scheduler.export.components import (
    PRODID,
    TZID,
    calendar_bytes,
    event_text,
    london_vtimezone,
    todo_text,
)
from scheduler.export.entries import Entry, plan_entries
from scheduler.export.uids import EventKind

STAMP = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


def parsed(text: str) -> Component:
    """One component's text read back by icalendar, as a client would."""
    return Component.from_ical(text)


def entries() -> dict[EventKind, Entry]:
    """C001's joint review's entries by kind."""
    authority = make_authority(key_persons=[make_key_person(email="k@example.org")])
    plan = make_plan(authority, [appointment_for(authority, "C001", REVIEW_DAY)])
    return {e.kind: e for e in plan_entries(authority, plan).values()}


def test_london_changes_clocks_on_the_last_sundays_of_march_and_october() -> None:
    """BST from 01:00 UTC on the last Sunday of March, GMT from the last Sunday of October."""
    zone = london_vtimezone()
    assert str(zone["TZID"]) == TZID
    daylight, standard = zone.subcomponents
    assert daylight.name == "DAYLIGHT" and standard.name == "STANDARD"
    assert b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in daylight.to_ical()
    assert b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in standard.to_ical()
    assert b"TZOFFSETTO:+0100" in daylight.to_ical() and b"TZOFFSETTO:+0000" in standard.to_ical()


def test_an_event_says_its_status_and_carries_a_reminder_only_for_families() -> None:
    """Confirmed or cancelled; a day-before reminder when asked (never on a cancellation);
    private when asked; attendees only in invitations."""
    invite = entries()[EventKind.INVITE]
    organiser = Organiser()
    event = parsed(
        event_text(
            invite,
            sequence=2,
            stamp=STAMP,
            organiser=organiser,
            description="The letter.",
            alarm=True,
            private=True,
        )
    )
    assert str(event["STATUS"]) == "CONFIRMED" and int(event["SEQUENCE"]) == 2
    assert str(event["CLASS"]) == "PRIVATE"
    assert [c.name for c in event.subcomponents] == ["VALARM"]
    cancelled = parsed(
        event_text(
            invite,
            sequence=3,
            stamp=STAMP,
            organiser=organiser,
            description="The letter.",
            cancelled=True,
            alarm=True,
        )
    )
    assert str(cancelled["STATUS"]) == "CANCELLED" and cancelled.subcomponents == []
    assert "ATTENDEE" not in event
    assert str(event["DESCRIPTION"]) == "The letter."


def test_a_task_is_due_on_its_day_or_open_without_one() -> None:
    """The key person's to-do: NEEDS-ACTION with its due date, or CANCELLED."""
    task = entries()[EventKind.SUMMARY_TODO]
    todo = parsed(todo_text(task, sequence=0, stamp=STAMP, organiser=Organiser(), cancelled=False))
    assert str(todo["STATUS"]) == "NEEDS-ACTION"
    assert isinstance(todo.decoded("DUE"), date) and todo.decoded("DUE") < REVIEW_DAY
    done = parsed(todo_text(task, sequence=1, stamp=STAMP, organiser=Organiser(), cancelled=True))
    assert str(done["STATUS"]) == "CANCELLED"


def test_a_feed_says_how_often_to_refresh_and_an_invitation_does_not() -> None:
    """PUBLISH with a name: refresh interval and time zone hints; the zone comes first."""
    feed = Calendar.from_ical(calendar_bytes("PUBLISH", name="S001", uid="u", components=[]))
    assert str(feed["PRODID"]) == PRODID and str(feed["METHOD"]) == "PUBLISH"
    assert "REFRESH-INTERVAL" in feed and str(feed["X-WR-TIMEZONE"]) == TZID
    assert feed.subcomponents[0].name == "VTIMEZONE"
    invitation = Calendar.from_ical(calendar_bytes("REQUEST", name=None, uid="u", components=[]))
    assert "REFRESH-INTERVAL" not in invitation and str(invitation["METHOD"]) == "REQUEST"
