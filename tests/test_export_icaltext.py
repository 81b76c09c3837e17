"""The direct iCalendar writer gives icalendar's bytes exactly, on any text (issue 21).

Each test builds the same thing twice, once with icalendar (``ics_reference``: the writer as it
was) and once with :mod:`scheduler.export.components`, from random values chosen to hit the
awkward cases: folds next to a backslash or caret, multi-byte characters across the 75-octet
boundary, separators, quotes and line breaks in names and letters.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import ics_fixtures as fx
import ics_reference as ref
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Event, Parameters
from icalendar.parser import Contentline

from scheduler.config import Organiser
from scheduler.export.components import (
    CN_QUOTED,
    calendar_bytes,
    event_text,
    todo_text,
)
from scheduler.export.entries import LONDON, Attendee, Entry, plan_entries
from scheduler.export.icaltext import fold, param_value, text_line
from scheduler.export.uids import EventKind

AWKWARD = "\\^;,:\"' é€😀\n\r\tNa"
"""Characters that escape, quote, fold or take several bytes, mixed with plain ones."""

texts = st.text(st.sampled_from(AWKWARD) | st.characters(exclude_categories=("Cs",)), max_size=260)
lines = st.text(
    st.sampled_from(AWKWARD.replace("\n", "")) | st.characters(exclude_categories=("Cs", "Cc")),
    min_size=1,
    max_size=200,
)
emails = st.emails() | st.emails().map(lambda e: f"MAILTO:{e}")
stamps = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))
local_times = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(LONDON)
).map(lambda d: d.replace(second=0, microsecond=0))
geos = st.none() | st.tuples(
    st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False)
)
attendees = st.lists(
    st.builds(Attendee, lines, emails, st.sampled_from(["REQ-PARTICIPANT", "OPT;PART,ICIPANT"])),
    max_size=3,
)


def _entries() -> dict[EventKind, Entry]:
    data = fx.authority()
    return {e.kind: e for e in plan_entries(data, fx.plan(data)).values()}


ENTRIES = _entries()


@given(value=texts)
def test_text_lines_match_icalendar(value: str) -> None:
    """Escaping and folding of a TEXT property."""
    event = Event()
    event.add("summary", value)
    assert (
        f"BEGIN:VEVENT\r\n{text_line('SUMMARY', value)}END:VEVENT\r\n".encode() == event.to_ical()
    )


@given(
    value=st.text(
        st.sampled_from("\\^é€😀ab") | st.characters(exclude_categories=("Cs",)),
        min_size=70,
        max_size=160,
    ).map(lambda v: v.replace("\n", " "))
)
def test_folding_matches_icalendar_next_to_escapes_and_wide_characters(value: str) -> None:
    """Folds never split a character or an escape, exactly where icalendar puts them."""
    assert fold(value).encode() == Contentline(value).to_ical()


@given(value=lines)
def test_parameter_values_match_icalendar(value: str) -> None:
    """A CN is quoted when icalendar quotes it; other parameters by the RFC's rule."""
    expected = Parameters({"CN": value, "ROLE": value}).to_ical().decode()
    assert expected == f"CN={param_value(value, quote_if=CN_QUOTED)};ROLE={param_value(value)}"


def _organisers() -> Any:
    return st.builds(lambda n, e: Organiser(name=n, email=e), lines, st.emails())


@settings(max_examples=100, deadline=None)
@given(
    kind=st.sampled_from([k for k in ENTRIES if k is not EventKind.SUMMARY_TODO]),
    summary=lines,
    description=texts,
    location=st.none() | texts,
    geo=geos,
    start=local_times,
    minutes=st.integers(5, 180),
    people=attendees,
    sequence=st.integers(0, 10_000),
    stamp=stamps,
    organiser=_organisers(),
    cancelled=st.booleans(),
    alarm=st.booleans(),
    private=st.booleans(),
    own_text=st.none() | texts,
)
def test_events_match_the_icalendar_writer(
    kind: EventKind,
    summary: str,
    description: str,
    location: str | None,
    geo: tuple[float, float] | None,
    start: datetime,
    minutes: int,
    people: list[Attendee],
    sequence: int,
    stamp: datetime,
    organiser: Organiser,
    cancelled: bool,
    alarm: bool,
    private: bool,
    own_text: str | None,
) -> None:
    """Any event (feed entry, invitation, family copy, cancellation) as icalendar wrote it."""
    entry = replace(
        ENTRIES[kind],
        summary=summary,
        description=description,
        location=location,
        geo=geo,
        start=start,
        end=start + timedelta(minutes=minutes),
    )
    options: dict[str, Any] = {
        "sequence": sequence,
        "stamp": stamp,
        "organiser": organiser,
        "cancelled": cancelled,
        "attendees": people,
        "description": own_text,
        "alarm": alarm,
        "private": private,
    }
    expected = ref.event_component(entry, **options).to_ical().decode()
    assert event_text(entry, **options) == expected


@settings(max_examples=100, deadline=None)
@given(
    summary=lines,
    description=texts,
    due=st.none() | st.dates(),
    sequence=st.integers(0, 99),
    stamp=stamps,
    organiser=_organisers(),
    cancelled=st.booleans(),
)
def test_tasks_match_the_icalendar_writer(
    summary: str,
    description: str,
    due: Any,
    sequence: int,
    stamp: datetime,
    organiser: Organiser,
    cancelled: bool,
) -> None:
    """The key person's VTODO, with and without a due day."""
    entry = replace(
        ENTRIES[EventKind.SUMMARY_TODO], summary=summary, description=description, due=due
    )
    options: dict[str, Any] = {
        "sequence": sequence,
        "stamp": stamp,
        "organiser": organiser,
        "cancelled": cancelled,
    }
    expected = ref.todo_component(entry, **options).to_ical().decode()
    assert todo_text(entry, **options) == expected


@settings(max_examples=100, deadline=None)
@given(
    method=st.sampled_from(["PUBLISH", "REQUEST", "CANCEL"]),
    name=st.none() | lines,
    uid=lines,
    count=st.integers(0, 3),
)
def test_calendars_match_the_icalendar_writer(
    method: Any, name: str | None, uid: str, count: int
) -> None:
    """Headers (a feed's name, refresh hints), the time zone and the events, in order."""
    entries = [replace(e, description=e.description or "A letter.") for e in ENTRIES.values()]
    entries = entries[:count]
    stamp = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
    organiser = Organiser()
    old = [
        ref.todo_component(e, sequence=1, stamp=stamp, organiser=organiser, cancelled=False)
        if e.kind is EventKind.SUMMARY_TODO
        else ref.event_component(e, sequence=1, stamp=stamp, organiser=organiser)
        for e in entries
    ]
    new = [
        todo_text(e, sequence=1, stamp=stamp, organiser=organiser, cancelled=False)
        if e.kind is EventKind.SUMMARY_TODO
        else event_text(e, sequence=1, stamp=stamp, organiser=organiser)
        for e in entries
    ]
    expected = ref.calendar_bytes(method, name=name, uid=uid, components=old)
    assert calendar_bytes(method, name=name, uid=uid, components=new) == expected


def test_a_calendar_name_on_two_lines_is_refused() -> None:
    """icalendar writes a name unescaped, so a line break in it could only be refused."""
    with pytest.raises(ValueError, match="one line"):
        calendar_bytes("PUBLISH", name="a\nb", uid="u", components=[])
