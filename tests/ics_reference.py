"""The icalendar-based component writers as they were before the speed work (issue 21), kept as
the reference the direct writer (:mod:`scheduler.export.components`) is compared with.

Copied unchanged from ``scheduler/export/components.py`` at main a9c5a1c, except that the time
zone comes from the module under test (it is still written by icalendar there).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Literal

from icalendar import Alarm, Calendar, Component, Event, Todo, vCalAddress

from scheduler.config import Organiser
from scheduler.export.components import PRODID, TZID, london_vtimezone
from scheduler.export.entries import Attendee, Entry
from scheduler.export.letters import clean

FEED_REFRESH = timedelta(hours=12)
Method = Literal["REQUEST", "CANCEL", "PUBLISH"]


def _address(person: Attendee, *, attendee: bool) -> vCalAddress:
    # A parameter value cannot hold a double quote, and RFC 6868's ^-escapes are not read by
    # Outlook or vobject: quotes become apostrophes and carets are dropped instead.
    name = clean(person.name.replace('"', "'").replace("^", "")) or person.email
    if attendee:
        return vCalAddress.new(
            person.email,
            cn=name,
            cutype="INDIVIDUAL",
            role=person.role,
            partstat="NEEDS-ACTION",
            rsvp=True,
        )
    return vCalAddress.new(person.email, cn=name)


def _organiser(organiser: Organiser) -> vCalAddress:
    return _address(Attendee(organiser.name, organiser.email), attendee=False)


def event_component(
    entry: Entry,
    *,
    sequence: int,
    stamp: datetime,
    organiser: Organiser,
    cancelled: bool = False,
    attendees: Iterable[Attendee] = (),
    description: str | None = None,
    alarm: bool = False,
    private: bool = False,
) -> Event:
    """A VEVENT for an entry; ``attendees`` only in invitations, ``alarm`` for families."""
    event = Event.new(
        uid=entry.uid,
        stamp=stamp,
        sequence=sequence,
        start=entry.start,
        end=entry.end,
        summary=entry.summary,
        description=description if description is not None else entry.description,
        location=entry.location,
        organizer=_organiser(organiser),
        attendees=[_address(a, attendee=True) for a in attendees] or None,
    )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    if private:
        event.add("class", "PRIVATE")
    if entry.geo is not None:
        event.add("geo", entry.geo)
    if alarm and not cancelled:
        reminder = Alarm()
        reminder.add("action", "DISPLAY")
        reminder.add("description", f"Tomorrow: {entry.summary}")
        reminder.add("trigger", timedelta(days=-1))
        event.add_component(reminder)
    return event


def todo_component(
    entry: Entry, *, sequence: int, stamp: datetime, organiser: Organiser, cancelled: bool
) -> Todo:
    """A VTODO for the key person's task; without ``due`` when no day fits (the description
    says so)."""
    todo = Todo.new(
        uid=entry.uid,
        stamp=stamp,
        sequence=sequence,
        summary=entry.summary,
        description=entry.description,
        organizer=_organiser(organiser),
    )
    if entry.due is not None:
        todo.add("due", entry.due)
    todo.add("status", "CANCELLED" if cancelled else "NEEDS-ACTION")
    return todo


def calendar_bytes(
    method: Method, *, name: str | None, uid: str, components: Iterable[Component]
) -> bytes:
    """A whole calendar with the time zone first; feeds (PUBLISH with a name) also say how
    often to refresh and which zone to show."""
    calendar = Calendar.new(prodid=PRODID, method=method, uid=uid, calscale="GREGORIAN", name=name)
    if method == "PUBLISH" and name is not None:
        calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT12H")
        calendar.add("x-wr-timezone", TZID)
    calendar.add_component(london_vtimezone())
    for component in components:
        calendar.add_component(component)
    data: bytes = calendar.to_ical()
    return data
