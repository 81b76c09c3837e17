"""iCalendar content lines written straight to text, byte for byte as icalendar 7 writes them.

Why not build icalendar objects: icalendar makes a tree of property objects for every event and
folds each line one character at a time in Python. A large authority's plan folder holds about
25,000 events in 9,000 calendars, and that alone took most of the time of writing it (see
``bench/PROFILE.md``). Our calendars use a small fixed set of value types (text, local and UTC
date-times, dates, integers, a position, calendar addresses), so they are written here directly.

The rules are icalendar's, not new ones: TEXT escaping in icalendar's order, RFC 6868 parameter
escaping and its quoting of parameter values, and its line folding (at most 74 octets before
a fold, never between the bytes of a character or right after a backslash or caret).
``tests/test_icaltext.py`` compares every function here with icalendar's own output on random
text, and ``tests/test_export_golden.py`` whole plan folders with the bytes the icalendar-based
writer produced. icalendar still writes the time zone (once) and parses our files in the tests.
"""

from __future__ import annotations

import re
from datetime import date, datetime

CRLF = "\r\n"
FOLD = "\r\n "
LIMIT = 74
"""Octets of a line before a fold (icalendar folds when the next character would reach 75)."""

_QUOTABLE = re.compile("[,;:’]")  # icalendar quotes a right single quote too
_RFC6868 = re.compile(r'\^|\r\n|\r|\n|"')
_RFC6868_CODES = {"^": "^^", "\n": "^n", "\r": "^n", "\r\n": "^n", '"': "^'"}


def escape_text(value: str) -> str:
    """A TEXT value escaped as RFC 5545 says (backslash, semicolon, comma, line breaks)."""
    return (
        value.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def param_value(value: str, *, quote_if: str = "") -> str:
    """A parameter value: RFC 6868 escapes, then double quotes when it holds ``,;:’`` or any
    character of ``quote_if`` (icalendar quotes a ``CN`` with a space or an apostrophe)."""
    escaped = _RFC6868.sub(lambda m: _RFC6868_CODES[m.group(0)], value)
    if _QUOTABLE.search(escaped) or any(c in value for c in quote_if):
        return f'"{escaped}"'
    return escaped


def fold(line: str) -> str:
    """The line folded: pieces of at most 74 octets joined by CRLF and a space.

    A piece never ends inside a multi-byte character, nor (when it holds more than one
    character) with ``\\`` or ``^``, which would split an escape across lines; that character
    moves to the next piece.
    """
    if len(line) <= LIMIT and (line.isascii() or len(line.encode()) <= LIMIT):
        return line
    data = line.encode()
    size = len(data)
    pieces: list[bytes] = []
    start = 0
    while size - start > LIMIT:
        end = start + LIMIT
        while data[end] & 0xC0 == 0x80:  # not the first byte of a character: step back
            end -= 1
        if end - 1 > start and data[end - 1] in b"\\^":
            end -= 1
        pieces.append(data[start:end])
        start = end
    pieces.append(data[start:])
    return b"\r\n ".join(pieces).decode()


def line(name: str, value: str, params: str = "") -> str:
    """One content line, folded, with its CRLF; ``params`` already encoded (``TZID=...``)."""
    text = f"{name};{params}:{value}" if params else f"{name}:{value}"
    return fold(text) + CRLF


def text_line(name: str, value: str) -> str:
    """A TEXT property's line."""
    return line(name, escape_text(value))


def local_time(value: datetime) -> str:
    """A date-time in its own zone's local time, for ``;TZID=``."""
    return (
        f"{value.year:04d}{value.month:02d}{value.day:02d}"
        f"T{value.hour:02d}{value.minute:02d}{value.second:02d}"
    )


def utc_time(value: datetime) -> str:
    """A UTC date-time (``DTSTAMP``); ``value`` must already be in UTC."""
    return local_time(value) + "Z"


def date_value(value: date) -> str:
    """A ``VALUE=DATE`` date."""
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def tzid(value: datetime) -> str:
    """The ``TZID`` of an aware local date-time (its IANA key, e.g. ``Europe/London``)."""
    key = getattr(value.tzinfo, "key", None)
    if not key:
        raise ValueError(f"{value!r} has no IANA time zone")
    return str(key)


def cal_address(email: str) -> str:
    """A CAL-ADDRESS value: ``mailto:`` in front unless it is there already."""
    return email if email.lower().startswith("mailto:") else f"mailto:{email}"
