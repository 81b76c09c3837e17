"""Pins: links and appointments a coordinator fixed by hand, kept by every re-plan.

``pins.csv`` columns: ``kind`` (``link`` or ``appointment``), ``setting_id``,
``practitioner_id`` (links), ``child_id``, ``date`` and optional ``start`` (appointments).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from scheduler.errors import InputError, Problem
from scheduler.plan import Pin

PIN_COLUMNS = ("kind", "setting_id", "practitioner_id", "child_id", "date", "start")


def _time(text: str) -> int:
    hours, minutes = text.split(":")
    value = int(hours) * 60 + int(minutes)
    if len(minutes) != 2 or not 0 <= value <= 24 * 60:
        raise ValueError(text)
    return value


def _first_line(last: int, row: dict[str | None, str | list[str] | None]) -> int:
    """The physical line a row starts on: its last line less the line breaks quoted in it."""
    breaks = 0
    for value in row.values():
        for text in value if isinstance(value, list) else [value or ""]:
            breaks += text.count("\n")
    return last - breaks


def parse_pins(text: str, name: str = "pins.csv") -> list[Pin]:
    """Pins from CSV text; every problem is reported with its line."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    problems: list[Problem] = []
    missing = [c for c in ("kind",) if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError([Problem(name, 1, "kind", "missing column", "")])
    pins = []
    for row in reader:
        line = _first_line(reader.line_num, row)
        cell = {k: (row.get(k) or "").strip() for k in PIN_COLUMNS}
        kind = cell["kind"].lower()
        if kind == "link":
            for col in ("setting_id", "practitioner_id"):
                if not cell[col]:
                    problems.append(Problem(name, line, col, "required for a link pin", ""))
            pins.append(
                Pin(
                    "link",
                    setting_id=cell["setting_id"],
                    practitioner_id=cell["practitioner_id"],
                    source=name,
                    line=line,
                )
            )
        elif kind == "appointment":
            day: date | None = None
            start: int | None = None
            if not cell["child_id"]:
                problems.append(
                    Problem(name, line, "child_id", "required for an appointment pin", "")
                )
            try:
                day = date.fromisoformat(cell["date"])
            except ValueError:
                problems.append(Problem(name, line, "date", "not a date YYYY-MM-DD", cell["date"]))
            if cell["start"]:
                try:
                    start = _time(cell["start"])
                except ValueError:
                    problems.append(Problem(name, line, "start", "not a time HH:MM", cell["start"]))
            pins.append(
                Pin(
                    "appointment",
                    child_id=cell["child_id"],
                    date=day,
                    start=start,
                    setting_id=cell["setting_id"] or None,
                    source=name,
                    line=line,
                )
            )
        else:
            problems.append(
                Problem(name, line, "kind", "must be link or appointment", cell["kind"])
            )
    if problems:
        raise InputError(problems)
    return pins


def read_pins(path: Path) -> list[Pin]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(path.name, 0, "-", "cannot read file", str(exc))]) from None
    return parse_pins(text, path.name)


def pins_csv(pins: list[Pin]) -> str:
    """Pins as CSV text (what the dashboard saves)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PIN_COLUMNS)
    for p in pins:
        start = f"{p.start // 60:02d}:{p.start % 60:02d}" if p.start is not None else ""
        writer.writerow(
            [
                p.kind,
                p.setting_id or "",
                p.practitioner_id or "",
                p.child_id or "",
                p.date.isoformat() if p.date else "",
                start,
            ]
        )
    return out.getvalue()
