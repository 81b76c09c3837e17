"""pins.csv (scheduler/io/pins.py): what the dashboard writes reads back the same, and every bad
row is reported with its line — the first line of a row, even across a quoted line break."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from builders import hm

from scheduler.errors import InputError
from scheduler.io.pins import PIN_COLUMNS, parse_pins, pins_csv, read_pins
from scheduler.plan import Pin


def test_pins_csv_round_trip_and_errors() -> None:
    """pins.csv reads back what was written; bad rows are reported with their line."""
    pins = [
        Pin("link", setting_id="S001", practitioner_id="P002"),
        Pin("appointment", child_id="C10", date=date(2026, 9, 24), start=hm("09:30")),
    ]
    assert parse_pins(pins_csv(pins)) == pins
    with pytest.raises(InputError) as info:
        parse_pins("kind,child_id,date\nappointment,C1,2026-13-01\nvisit,,\n")
    lines = [str(p) for p in info.value.problems]
    assert lines == [
        "pins.csv:2: date: not a date YYYY-MM-DD (2026-13-01)",
        "pins.csv:3: kind: must be link or appointment (visit)",
    ]


def test_the_header_bom_case_and_spaces_are_forgiven() -> None:
    """A spreadsheet's byte-order mark, ``LINK`` in capitals and padded cells read fine."""
    text = "\ufeffkind,setting_id,practitioner_id\n LINK , S001 , P002 \n"
    assert parse_pins(text) == [Pin("link", setting_id="S001", practitioner_id="P002")]


def test_every_problem_is_reported_with_its_first_line() -> None:
    """A link pin without its practitioner, a bad start time, and a row that begins on line 3
    and spans two lines (a quoted line break), each with its line."""
    text = (
        "kind,setting_id,practitioner_id,child_id,date,start\n"
        "link,S001,,,,\n"
        'appointment,,,"C0\n01",2026-09-08,ten\n'
        "appointment,,,,2026-09-08,\n"
    )
    with pytest.raises(InputError) as info:
        parse_pins(text, "term-pins.csv")
    assert [str(p) for p in info.value.problems] == [
        "term-pins.csv:2: practitioner_id: required for a link pin ()",
        "term-pins.csv:3: start: not a time HH:MM (ten)",
        "term-pins.csv:5: child_id: required for an appointment pin ()",
    ]


def test_a_file_without_a_kind_column_is_one_problem() -> None:
    """No ``kind`` column: nothing else can be read."""
    with pytest.raises(InputError) as info:
        parse_pins("child_id,date\nC001,2026-09-08\n")
    assert [str(p) for p in info.value.problems] == ["pins.csv:1: kind: missing column ()"]


def test_read_pins_names_the_file(tmp_path: Path) -> None:
    """Pins read from a file carry its name; an unreadable file is an input error."""
    path = tmp_path / "autumn-pins.csv"
    path.write_text(pins_csv([Pin("appointment", child_id="C001", date=date(2026, 9, 8))]))
    (pin,) = read_pins(path)
    assert pin.source == "autumn-pins.csv" and pin.line == 2
    with pytest.raises(InputError, match="cannot read file"):
        read_pins(tmp_path / "missing.csv")


def test_the_written_header_is_the_contracts() -> None:
    """kind, setting_id, practitioner_id, child_id, date, start; times as HH:MM."""
    text = pins_csv([Pin("appointment", child_id="C001", date=date(2026, 9, 8), start=hm("09:05"))])
    assert text.splitlines() == [",".join(PIN_COLUMNS), "appointment,,,C001,2026-09-08,09:05"]
