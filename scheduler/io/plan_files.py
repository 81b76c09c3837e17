"""The plan folder (``links.csv``, ``appointments.csv``, ``unscheduled.csv``, ``summary.json``,
``sequences.json``): written atomically, read back strictly.

The folder is the contract's output and the input of ``scheduler check``, replanning and the
dashboard, so reading it reports every malformed cell as a :class:`~scheduler.errors.Problem`
instead of guessing. Writing then reading gives the same :class:`~scheduler.plan.Plan` back,
provided its floats already have the precision the files keep (``distance_km`` two decimals,
``age_months`` one) and its appointments are in file order (see :func:`canonical_plan`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from scheduler.config import REVIEW_MODELS, ReviewModel
from scheduler.domain import format_time
from scheduler.errors import InputError, Problem
from scheduler.io.atomic import atomic_folder
from scheduler.io.folders import write_files
from scheduler.io.pins import pins_csv, read_pins
from scheduler.plan import (
    LOCATION_OF_MODEL,
    Appointment,
    Link,
    Location,
    Pin,
    Plan,
    ReasonCode,
    Unscheduled,
)
from scheduler.summary import CREATED_AT, PlanSummary, SummaryError

LINKS = "links.csv"
APPOINTMENTS = "appointments.csv"
UNSCHEDULED = "unscheduled.csv"
SUMMARY = "summary.json"
SEQUENCES = "sequences.json"
PINS = "pins.csv"
"""The pins the plan was made with (written only when there are any)."""

LINK_COLUMNS: tuple[str, ...] = (
    "setting_id",
    "practitioner_id",
    "children_due",
    "workload_minutes",
    "distance_km",
    "kept_existing_link",
    "explanation",
    "reason",
)
"""The contract's columns plus ``explanation`` and ``reason`` (additions; optional when
reading)."""

APPOINTMENT_COLUMNS: tuple[str, ...] = (
    "child_id",
    "setting_id",
    "practitioner_id",
    "key_person_id",
    "date",
    "pre_meeting_start",
    "start",
    "end",
    "location",
    "age_months",
    "in_window",
    "model",
)
"""The contract's columns, with v2's ``model`` (optional when reading a v1 plan)."""

UNSCHEDULED_COLUMNS: tuple[str, ...] = ("child_id", "setting_id", "reason_code", "reason")

_OPTIONAL_COLUMNS = frozenset({"explanation", "reason", "model"})
_LOCATIONS: tuple[Location, ...] = ("setting", "clinic", "home")
_TRUE = frozenset({"true", "yes", "1"})
_FALSE = frozenset({"false", "no", "0"})
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --------------------------------------------------------------------------- writing


def appointment_order(appointment: Appointment) -> tuple[date, int, str, str]:
    """The order of ``appointments.csv``: date, start, practitioner, child (a day reads down)."""
    return (appointment.date, appointment.start, appointment.practitioner_id, appointment.child_id)


def canonical_plan(plan: Plan) -> Plan:
    """The plan with its appointments in file order: what :func:`read_plan` gives back."""
    return replace(plan, appointments=sorted(plan.appointments, key=appointment_order))


def write_plan(plan: Plan, folder: Path) -> None:
    """Write the plan folder, replacing a previous plan there as a whole.

    Everything is built in a temporary sibling folder first and then swapped in, so a crash
    leaves the old plan or the new one, never half of each. Refuses (``ValueError``) to
    replace a file, or a non-empty folder without ``summary.json``: a mistyped ``--out`` must
    not wipe someone's data. Anything the caller adds later (``ics/``) goes in after this.
    """
    folder = Path(folder)
    _refuse_unless_replaceable(folder)
    files = plan_file_bytes(plan)  # render before touching the disk: a bad plan writes nothing
    with atomic_folder(folder) as staging:
        write_files(staging, files)


def plan_file_bytes(plan: Plan) -> dict[str, bytes]:
    """Every file of the plan folder's tables (:func:`render_plan`) as the bytes written."""
    return {name: text.encode("utf-8") for name, text in render_plan(plan).items()}


def _refuse_unless_replaceable(folder: Path) -> None:
    if not folder.exists() and not folder.is_symlink():
        return
    if not folder.is_dir() or folder.is_symlink():
        raise ValueError(f"{folder} exists and is not a plan folder; not replacing it")
    if any(folder.iterdir()) and not (folder / SUMMARY).is_file():
        raise ValueError(
            f"{folder} is not empty and has no {SUMMARY}, so it does not look like a plan "
            "folder; not replacing it (choose another --out, or empty it first)"
        )


def plan_digest(plan: Plan) -> str:
    """SHA-256 of the plan's decisions: links.csv, appointments.csv and unscheduled.csv as
    written (not the summary, whose timings differ run to run). Two plans with the same
    digest link, book and explain every child the same way."""
    files = render_plan(plan)
    digest = hashlib.sha256()
    for name in (LINKS, APPOINTMENTS, UNSCHEDULED):
        digest.update(name.encode())
        digest.update(files[name].encode("utf-8"))
    return digest.hexdigest()


def render_plan(plan: Plan) -> dict[str, str]:
    """Every file's text, keyed by file name."""
    return {
        LINKS: _csv_text(LINK_COLUMNS, (_link_row(link) for link in plan.links)),
        APPOINTMENTS: _csv_text(
            APPOINTMENT_COLUMNS,
            (_appointment_row(a) for a in sorted(plan.appointments, key=appointment_order)),
        ),
        UNSCHEDULED: _csv_text(
            UNSCHEDULED_COLUMNS,
            (
                [u.child_id, u.setting_id or "", str(u.reason_code), u.reason]
                for u in plan.unscheduled
            ),
        ),
        SUMMARY: _json_text(_summary_document(plan)),
        SEQUENCES: _json_text(dict(plan.sequences)),
    } | ({PINS: pins_csv(plan.pins)} if plan.pins else {})


def _csv_text(columns: Sequence[str], rows: Iterator[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    # With "\n" line ends the csv module would leave a lone "\r" unquoted, and readers take
    # it for a line break: quote every cell of such a (rare) row.
    quoting_all = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    for row in rows:
        (quoting_all if any("\r" in cell for cell in row) else writer).writerow(row)
    return buffer.getvalue()


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _link_row(link: Link) -> list[str]:
    return [
        link.setting_id,
        link.practitioner_id,
        str(link.children_due),
        str(link.workload_minutes),
        f"{link.distance_km:.2f}",
        _bool(link.kept_existing_link),
        link.explanation,
        link.reason,
    ]


def _appointment_row(a: Appointment) -> list[str]:
    return [
        a.child_id,
        a.setting_id or "",
        a.practitioner_id,
        a.key_person_id or "",
        a.date.isoformat(),
        "" if a.pre_meeting_start is None else format_time(a.pre_meeting_start),
        format_time(a.start),
        format_time(a.end),
        a.location,
        f"{a.age_months:.1f}",
        _bool(a.in_window),
        a.model,
    ]


def _summary_document(plan: Plan) -> dict[str, Any]:
    """``plan.summary`` with ``created_at`` taken from ``plan.created_at`` (UTC, ISO 8601)."""
    document = {key: _json_value(value) for key, value in plan.summary.as_document().items()}
    if plan.created_at is not None:
        if plan.created_at.tzinfo is None:
            raise ValueError("plan.created_at must be timezone-aware (use datetime.now(UTC))")
        document["created_at"] = plan.created_at.astimezone(UTC).isoformat()
    return document


def _json_value(value: Any) -> Any:
    """Strict JSON: a non-finite number becomes ``null``, a path or date its text."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    return value


def _json_text(document: dict[str, Any]) -> str:
    return (
        json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False, allow_nan=False) + "\n"
    )


def write_sequences(folder: Path, sequences: Mapping[str, int]) -> None:
    """Replace only ``sequences.json`` of an existing plan folder (after calendars were sent),
    atomically: a temporary file renamed over the old one."""
    handle, temporary = tempfile.mkstemp(prefix=f".{SEQUENCES}.", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(_json_text(dict(sequences)))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, folder / SEQUENCES)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --------------------------------------------------------------------------- reading

T = TypeVar("T")


@dataclass
class _Row:
    """One CSV record with where it came from, so each bad cell can be reported precisely."""

    file: str
    line: int
    cells: dict[str, str]
    problems: list[Problem]

    def text(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    def required(self, column: str) -> str | None:
        value = self.text(column)
        if not value:
            self.problems.append(Problem(self.file, self.line, column, "missing value", ""))
            return None
        return value

    def parsed(self, column: str, parse: Callable[[str], T], what: str) -> T | None:
        value = self.required(column)
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError:
            self.problems.append(Problem(self.file, self.line, column, f"not {what}", value))
            return None


def read_plan(folder: Path) -> Plan:
    """Read a plan folder; raises :class:`InputError` listing every malformed file, row and cell.

    Only the form is checked here (files, columns, dates, times, booleans, reason codes, one
    row per child); whether the plan obeys the rules is :mod:`scheduler.check`'s business.
    Extra columns are ignored (the contract allows additions); ``sequences.json`` is optional.
    """
    folder = Path(folder)
    problems: list[Problem] = []
    if not folder.is_dir():
        raise InputError([Problem(str(folder), 0, "-", "plan folder not found", str(folder))])
    links = _parsed(folder / LINKS, LINK_COLUMNS, _parse_link, problems)
    appointments = _parsed(folder / APPOINTMENTS, APPOINTMENT_COLUMNS, _parse_appointment, problems)
    unscheduled = _parsed(folder / UNSCHEDULED, UNSCHEDULED_COLUMNS, _parse_unscheduled, problems)
    problems.extend(_duplicate_children(folder, appointments, unscheduled))
    summary, created_at = _read_summary(folder / SUMMARY, problems)
    sequences = _read_sequences(folder / SEQUENCES, problems)
    pins: list[Pin] = []
    if (folder / PINS).is_file():
        try:
            pins = read_pins(folder / PINS)
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return Plan(
        links=[link for _, link in links],
        appointments=[appointment for _, appointment in appointments],
        unscheduled=[entry for _, entry in unscheduled],
        summary=summary,
        created_at=created_at,
        sequences=sequences,
        pins=pins,
    )


def _parsed(
    path: Path, columns: Sequence[str], parse: Callable[[_Row], T | None], problems: list[Problem]
) -> list[tuple[int, T]]:
    """Each well-formed record of a file, parsed, with its line number."""
    return [
        (row.line, record)
        for row in _rows(path, columns, problems)
        if (record := parse(row)) is not None
    ]


def _rows(path: Path, columns: Sequence[str], problems: list[Problem]) -> Iterator[_Row]:
    """The file's records as :class:`_Row`; file-level problems go to ``problems``."""
    name = str(path)
    try:
        # newline="" keeps line breaks inside quoted cells exactly as written
        with open(path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except FileNotFoundError:
        problems.append(Problem(name, 0, "-", "missing file", path.name))
        return
    except UnicodeDecodeError:
        problems.append(Problem(name, 0, "-", "not UTF-8 text", ""))
        return
    except OSError as exc:
        problems.append(Problem(name, 0, "-", "cannot read file", exc.strerror or ""))
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        problems.append(Problem(name, 0, "-", "file is empty (no header row)", ""))
        return
    except csv.Error as exc:
        problems.append(Problem(name, 1, "-", "not a CSV header", str(exc)))
        return
    missing = [c for c in columns if c not in header and c not in _OPTIONAL_COLUMNS]
    for column in missing:
        problems.append(Problem(name, 1, column, "missing column", ""))
    if missing:
        return
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(Problem(name, reader.line_num, "-", "malformed CSV", str(exc)))
            return
        if not any(cell.strip() for cell in record):
            continue  # blank line
        if len(record) > len(header):
            problems.append(
                Problem(name, reader.line_num, "-", "more cells than columns", str(len(record)))
            )
            continue
        cells = dict(zip(header, record, strict=False))
        yield _Row(name, reader.line_num, cells, problems)


def _parse_bool(value: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(value)


def _parse_date(value: str) -> date:
    if not _DATE.match(value):
        raise ValueError(value)
    return date.fromisoformat(value)


def _parse_time(value: str) -> int:
    match = _TIME.match(value)
    if not match:
        raise ValueError(value)
    hours, minutes = int(match.group(1)), int(match.group(2))
    if hours > 23 or minutes > 59:
        raise ValueError(value)
    return hours * 60 + minutes


def _parse_count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


def _parse_float(value: str) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(value)
    return number


def _parse_location(value: str) -> Location:
    for location in _LOCATIONS:
        if value == location:
            return location
    raise ValueError(value)


def _parse_model(value: str) -> ReviewModel:
    for model in REVIEW_MODELS:
        if value == model:
            return model
    raise ValueError(value)


def _parse_link(row: _Row) -> Link | None:
    before = len(row.problems)
    setting_id = row.required("setting_id")
    practitioner_id = row.required("practitioner_id")
    children_due = row.parsed("children_due", _parse_count, "a whole number ≥ 0")
    workload = row.parsed("workload_minutes", _parse_count, "a whole number of minutes ≥ 0")
    distance = row.parsed("distance_km", _parse_float, "a number of kilometres")
    kept = row.parsed("kept_existing_link", _parse_bool, "true or false")
    if len(row.problems) > before:
        return None
    assert setting_id and practitioner_id and children_due is not None and workload is not None
    assert distance is not None and kept is not None
    return Link(
        setting_id=setting_id,
        practitioner_id=practitioner_id,
        children_due=children_due,
        workload_minutes=workload,
        distance_km=distance,
        kept_existing_link=kept,
        explanation=row.cells.get("explanation", ""),
        reason=row.cells.get("reason", ""),
    )


def _parse_appointment(row: _Row) -> Appointment | None:
    before = len(row.problems)
    child_id = row.required("child_id")
    setting_id = row.text("setting_id") or None  # v2: empty for a child in no setting
    practitioner_id = row.required("practitioner_id")
    key_person_id = row.text("key_person_id") or None
    day = row.parsed("date", _parse_date, "a date (YYYY-MM-DD)")
    pre_meeting_start = (
        row.parsed("pre_meeting_start", _parse_time, "a time (HH:MM)")
        if row.text("pre_meeting_start")
        else None
    )
    start = row.parsed("start", _parse_time, "a time (HH:MM)")
    end = row.parsed("end", _parse_time, "a time (HH:MM)")
    location = row.parsed("location", _parse_location, "setting, clinic or home")
    age = row.parsed("age_months", _parse_float, "a number of months")
    in_window = row.parsed("in_window", _parse_bool, "true or false")
    model = (
        row.parsed("model", _parse_model, "joint, separate or home")
        if row.text("model")
        else _model_of_location(location)
    )
    if len(row.problems) > before:
        return None
    assert child_id and practitioner_id and day is not None and model is not None
    assert start is not None and end is not None and location is not None
    assert age is not None and in_window is not None
    return Appointment(
        child_id=child_id,
        setting_id=setting_id,
        practitioner_id=practitioner_id,
        key_person_id=key_person_id,
        date=day,
        pre_meeting_start=pre_meeting_start,
        start=start,
        end=end,
        location=location,
        age_months=age,
        in_window=in_window,
        model=model,
    )


def _model_of_location(location: Location | None) -> ReviewModel:
    """A v1 plan has no ``model`` column: its location says which model it was."""
    for model, place in LOCATION_OF_MODEL.items():
        if place == location:
            return model
    return "joint"


def _parse_unscheduled(row: _Row) -> Unscheduled | None:
    before = len(row.problems)
    child_id = row.required("child_id")
    setting_id = row.text("setting_id") or None  # v2: empty for a child in no setting
    codes = ", ".join(code.value for code in ReasonCode)
    reason_code = row.parsed("reason_code", ReasonCode, f"a reason code ({codes})")
    if len(row.problems) > before:
        return None
    assert child_id and reason_code is not None
    # An empty reason is the plan's fault, not the file's: scheduler.check reports it.
    return Unscheduled(child_id, setting_id, reason_code, row.cells.get("reason", ""))


def _duplicate_children(
    folder: Path,
    appointments: list[tuple[int, Appointment]],
    unscheduled: list[tuple[int, Unscheduled]],
) -> Iterator[Problem]:
    """A child on two rows (in one file or across both) makes the plan ambiguous."""
    seen: dict[str, str] = {}
    rows = [(APPOINTMENTS, line, a.child_id) for line, a in appointments]
    rows += [(UNSCHEDULED, line, u.child_id) for line, u in unscheduled]
    for file, line, child_id in rows:
        if child_id in seen:
            yield Problem(
                str(folder / file),
                line,
                "child_id",
                f"child already listed ({seen[child_id]})",
                child_id,
            )
        else:
            seen[child_id] = f"{file}:{line}"


def _read_json(path: Path, problems: list[Problem], *, required: bool) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        if required:
            problems.append(Problem(str(path), 0, "-", "missing file", path.name))
        return None
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(Problem(str(path), 0, "-", "cannot read file", str(exc)))
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(Problem(str(path), exc.lineno, "-", "not valid JSON", exc.msg))
        return None


def _read_summary(path: Path, problems: list[Problem]) -> tuple[PlanSummary, datetime | None]:
    document = _read_json(path, problems, required=True)
    if document is None:
        return PlanSummary(), None
    if not isinstance(document, dict):
        problems.append(Problem(str(path), 1, "-", "not a JSON object", type(document).__name__))
        return PlanSummary(), None
    try:
        summary = PlanSummary.from_document(document)
    except SummaryError as exc:
        problems.append(Problem(str(path), 0, exc.key, exc.problem, _shown(exc.value)))
        summary = PlanSummary()
    created_text = document.get(CREATED_AT)
    if created_text is None:
        return summary, None
    try:
        created_at = datetime.fromisoformat(str(created_text))
    except ValueError:
        created_at = None
    if created_at is None or created_at.tzinfo is None:
        problems.append(
            Problem(
                str(path),
                0,
                "created_at",
                "not an ISO 8601 time with a UTC offset",
                str(created_text),
            )
        )
        return summary, None
    return summary, created_at


def _shown(value: Any) -> str:
    """A malformed value as a problem line shows it: compact JSON, cut short."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _read_sequences(path: Path, problems: list[Problem]) -> dict[str, int]:
    document = _read_json(path, problems, required=False)
    if document is None:
        return {}
    if not isinstance(document, dict):
        problems.append(Problem(str(path), 1, "-", "not a JSON object", type(document).__name__))
        return {}
    sequences: dict[str, int] = {}
    for uid, value in document.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append(
                Problem(str(path), 0, uid, "SEQUENCE is not a whole number ≥ 0", str(value))
            )
        else:
            sequences[uid] = value
    return sequences


def child_lines(folder: Path) -> dict[tuple[str, str], int]:
    """``(file name, child_id) -> line`` for the rows of ``appointments.csv`` and
    ``unscheduled.csv``, so a problem found later (a child the data do not know) can name the
    line it is on. Files that cannot be read give no rows (:func:`read_plan` reports them)."""
    problems: list[Problem] = []
    return {
        (file, row.text("child_id")): row.line
        for file in (APPOINTMENTS, UNSCHEDULED)
        for row in _rows(Path(folder) / file, ("child_id",), problems)
    }
