"""iCalendar components as the project writes them: the time zone, people, events and to-dos.

Kept apart from :mod:`scheduler.export.ics` (which decides *which* entries exist and their
sequence numbers) so the choices clients depend on are in one short place: an Outlook-readable
``VTIMEZONE``, parameter values Outlook and vobject read back unchanged, a reminder the day
before, and calendar headers for subscribed feeds.

Events and to-dos are written as text (:mod:`scheduler.export.icaltext`), each once, and
calendars are put together from those pieces: a feed holds the very text of its events, and
the time zone is written once for every calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Literal

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

from scheduler.config import Organiser
from scheduler.export.entries import Attendee, Entry
from scheduler.export.icaltext import (
    cal_address,
    date_value,
    line,
    local_time,
    param_value,
    text_line,
    tzid,
    utc_time,
)
from scheduler.export.letters import clean

PRODID = "-//Integrated Review Scheduler//scheduler//EN"
TZID = "Europe/London"
FEED_REFRESH = timedelta(hours=12)
"""How often subscribed clients should fetch a feed again (a hint; Outlook and Google decide)."""

Method = Literal["REQUEST", "CANCEL", "PUBLISH"]
CN_QUOTED = " '"
"""A ``CN`` holding any of these is quoted (as icalendar does; RFC 5545 does not need it)."""


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
def _vtimezone_text() -> str:
    """The VTIMEZONE as text, written once by icalendar for every calendar built here."""
    text: str = london_vtimezone().to_ical().decode()
    return text


def _cn(person: Attendee) -> str:
    # A parameter value cannot hold a double quote, and RFC 6868's ^-escapes are not read by
    # Outlook or vobject: quotes become apostrophes and carets are dropped instead.
    return clean(person.name.replace('"', "'").replace("^", "")) or person.email


@lru_cache(maxsize=64)
def _organiser_line(name: str, email: str) -> str:
    """The ``ORGANIZER`` line (the same in every event of an authority)."""
    cn = _cn(Attendee(name, email))
    return line("ORGANIZER", cal_address(email), f"CN={param_value(cn, quote_if=CN_QUOTED)}")


def _attendee_line(person: Attendee) -> str:
    params = (
        f"CN={param_value(_cn(person), quote_if=CN_QUOTED)};CUTYPE=INDIVIDUAL;"
        f"PARTSTAT=NEEDS-ACTION;ROLE={param_value(person.role)};RSVP=TRUE"
    )
    return line("ATTENDEE", cal_address(person.email), params)


def _when(name: str, value: datetime) -> str:
    return line(name, local_time(value), f"TZID={param_value(tzid(value))}")


def event_text(
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
) -> str:
    """A VEVENT for an entry; ``attendees`` only in invitations, ``alarm`` for families.

    Properties in icalendar's order (its canonical ones first, then by name), so the text is
    what ``icalendar.Event.new(...).to_ical()`` gave for the same event.
    """
    if entry.start is None or entry.end is None:
        raise ValueError(f"entry {entry.uid} has no start and end: not an event")
    parts = ["BEGIN:VEVENT\r\n", text_line("SUMMARY", entry.summary)]
    parts.append(_when("DTSTART", entry.start))
    parts.append(_when("DTEND", entry.end))
    parts.append(line("DTSTAMP", utc_time(stamp)))
    parts.append(text_line("UID", entry.uid))
    parts.append(line("SEQUENCE", str(sequence)))
    parts.extend(_attendee_line(person) for person in attendees)
    if private:
        parts.append("CLASS:PRIVATE\r\n")
    text = description if description is not None else entry.description
    if text is None:
        raise ValueError(f"entry {entry.uid}: an invitation's letter must be given")
    parts.append(text_line("DESCRIPTION", text))
    if entry.geo is not None:
        parts.append(line("GEO", f"{float(entry.geo[0])};{float(entry.geo[1])}"))
    if entry.location is not None:
        parts.append(text_line("LOCATION", entry.location))
    parts.append(_organiser_line(organiser.name, organiser.email))
    parts.append("STATUS:CANCELLED\r\n" if cancelled else "STATUS:CONFIRMED\r\n")
    parts.append("TRANSP:OPAQUE\r\n")
    if alarm and not cancelled:
        parts.append("BEGIN:VALARM\r\nACTION:DISPLAY\r\n")
        parts.append(text_line("DESCRIPTION", f"Tomorrow: {entry.summary}"))
        parts.append("TRIGGER:-P1D\r\nEND:VALARM\r\n")
    parts.append("END:VEVENT\r\n")
    return "".join(parts)


def todo_text(
    entry: Entry, *, sequence: int, stamp: datetime, organiser: Organiser, cancelled: bool
) -> str:
    """A VTODO for the key person's task; without ``due`` when no day fits (the description
    says so). Properties by name, as icalendar orders a VTODO's."""
    if entry.description is None:
        raise ValueError(f"entry {entry.uid} has no description")
    parts = ["BEGIN:VTODO\r\n", text_line("DESCRIPTION", entry.description)]
    parts.append(line("DTSTAMP", utc_time(stamp)))
    if entry.due is not None:
        parts.append(line("DUE", date_value(entry.due), "VALUE=DATE"))
    parts.append(_organiser_line(organiser.name, organiser.email))
    parts.append(line("SEQUENCE", str(sequence)))
    parts.append("STATUS:CANCELLED\r\n" if cancelled else "STATUS:NEEDS-ACTION\r\n")
    parts.append(text_line("SUMMARY", entry.summary))
    parts.append(text_line("UID", entry.uid))
    parts.append("END:VTODO\r\n")
    return "".join(parts)


def calendar_bytes(
    method: Method, *, name: str | None, uid: str, components: Iterable[str]
) -> bytes:
    """A whole calendar with the time zone first; feeds (PUBLISH with a name) also say how
    often to refresh and which zone to show. ``components`` are :func:`event_text` and
    :func:`todo_text` results, each written once however many calendars hold it."""
    parts = [f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{_PRODID_LINE}CALSCALE:GREGORIAN\r\n"]
    parts.append(text_line("METHOD", method))
    feed = method == "PUBLISH" and name is not None
    if name is not None:
        # icalendar keeps a calendar's name as an UNKNOWN value: written as it is, unescaped
        if "\n" in name:
            raise ValueError("a calendar name is one line")
        parts.append(line("NAME", name))
        parts.append(line("X-WR-CALNAME", name))
    if feed:
        parts.append(_REFRESH_LINE)
    parts.append(text_line("UID", uid))
    if feed:
        parts.append(f"X-PUBLISHED-TTL:PT12H\r\nX-WR-TIMEZONE:{TZID}\r\n")
    parts.append(_vtimezone_text())
    parts.extend(components)
    parts.append("END:VCALENDAR\r\n")
    return "".join(parts).encode()


_PRODID_LINE = text_line("PRODID", PRODID)
_REFRESH_LINE = line("REFRESH-INTERVAL", "PT12H", "VALUE=DURATION")
