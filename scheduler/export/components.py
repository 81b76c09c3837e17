"""iCalendar components as the project writes them: the time zone, people, events and to-dos.

Kept apart from :mod:`scheduler.export.ics` (which decides *which* entries exist and their
sequence numbers) so the choices clients depend on are in one short place: an Outlook-readable
``VTIMEZONE``, parameter values Outlook and vobject read back unchanged, a reminder the day
before, and calendar headers for subscribed feeds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Literal

from icalendar import (
    Alarm,
    Calendar,
    Component,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    Todo,
    vCalAddress,
)

from scheduler.config import Organiser
from scheduler.export.entries import Attendee, Entry
from scheduler.export.letters import clean

PRODID = "-//Integrated Review Scheduler//scheduler//EN"
TZID = "Europe/London"
FEED_REFRESH = timedelta(hours=12)
"""How often subscribed clients should fetch a feed again (a hint; Outlook and Google decide)."""

Method = Literal["REQUEST", "CANCEL", "PUBLISH"]


def london_vtimezone() -> Timezone:
    """Europe/London as Outlook, Google and Apple all read it: GMT/BST with yearly rules.

    Since 1996 the UK changes at 01:00 UTC on the last Sunday of March and of October; each
    rule's ``DTSTART`` is that moment in the local time in force before the change.
    """
    daylight = TimezoneDaylight()
    daylight.add("tzname", "BST")
    daylight.add("tzoffsetfrom", timedelta(0))
    daylight.add("tzoffsetto", timedelta(hours=1))
    daylight.add("dtstart", datetime(1996, 3, 31, 1, 0))
    daylight.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    standard = TimezoneStandard()
    standard.add("tzname", "GMT")
    standard.add("tzoffsetfrom", timedelta(hours=1))
    standard.add("tzoffsetto", timedelta(0))
    standard.add("dtstart", datetime(1996, 10, 27, 2, 0))
    standard.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    zone = Timezone()
    zone.add("tzid", TZID)
    zone.add("x-lic-location", TZID)
    zone.add_component(daylight)
    zone.add_component(standard)
    return zone


@lru_cache(maxsize=1)
def _shared_vtimezone() -> Timezone:
    """One VTIMEZONE for every calendar built here (serialising never changes it)."""
    return london_vtimezone()


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
    calendar.add_component(_shared_vtimezone())
    for component in components:
        calendar.add_component(component)
    data: bytes = calendar.to_ical()
    return data
