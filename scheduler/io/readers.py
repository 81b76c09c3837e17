"""Turning bytes into tables of text: CSV files, workbook sheets and uploaded zip archives,
and deciding which of a folder's files (the CSVs, or one workbook) hold the tables.

Only structure is checked here (encoding, quoting, ragged rows, missing sheets); what the
cells mean is :mod:`scheduler.io.load`'s business. Every cell stays a string so that each bad
value can later be reported with its line, and nothing is guessed by type inference.
"""

from __future__ import annotations

import csv
import io
import posixpath
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import fastexcel
import polars as pl

from scheduler.errors import Problem
from scheduler.io.schemas import TABLES, TABLES_BY_NAME, Table

MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
"""Refuse archives that would unpack to more than this (a zip bomb, or the wrong archive)."""

DATA_SUFFIXES = (".csv", ".xlsx", ".toml")
"""The files a data folder is made of; anything else in an archive is ignored."""

_EXCEL_TIME = r"^1899-12-3[01] (\d{2}:\d{2}):00$"
"""A time-of-day cell: Excel stores it as a fraction of a day, read as a datetime in 1899."""
_EXCEL_DATE = r"^(\d{4}-\d{2}-\d{2}) 00:00:00$"
"""A date cell: a datetime at midnight."""


@dataclass(frozen=True)
class RawTable:
    """One table as text, exactly as written, with where each row came from.

    ``frame`` has positional columns ``c0, c1, …`` (strings or null) lined up with ``header``;
    ``lines[i]`` is the location of ``frame`` row ``i`` (a CSV line or ``sheet!row``).
    """

    file: str
    header: list[str]
    header_line: int | str
    frame: pl.DataFrame
    lines: list[int | str]


@dataclass
class ReadResult:
    """A table, or the reasons it could not be read."""

    table: RawTable | None
    problems: list[Problem] = field(default_factory=list)


def _positional(n: int) -> list[str]:
    return [f"c{i}" for i in range(n)]


def read_csv(name: str, data: bytes) -> ReadResult:
    """Read a CSV file's bytes: UTF-8 (a BOM is fine), header row, comma-separated.

    Line numbers count physical lines, so a quoted value spanning two lines shifts the
    following rows' numbers exactly as a text editor shows them.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        begin = data.rfind(b"\n", 0, exc.start) + 1
        end = data.find(b"\n", exc.start)
        shown = data[begin : end if end >= 0 else len(data)].decode("utf-8", errors="replace")
        message = "not UTF-8 text: save it as 'CSV UTF-8'"
        return ReadResult(None, [Problem(name, line, "-", message, _excerpt(shown.strip()))])
    if not text.strip():
        return ReadResult(None, [Problem(name, 0, "-", "file is empty", "")])
    problems: list[Problem] = []
    header: list[str] | None = None
    header_line = 1
    rows: list[list[str]] = []
    lines: list[int | str] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    previous_end = 0
    try:
        for record in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not record or all(not cell.strip() for cell in record):
                continue  # blank line
            if header is None:
                header, header_line = record, start
                continue
            width = len(header)
            if len(record) > width and not any(cell.strip() for cell in record[width:]):
                record = record[:width]  # trailing empty fields, as spreadsheets often add
            if len(record) != width:
                problems.append(
                    Problem(
                        name,
                        start,
                        "-",
                        f"row has {len(record)} fields but the header has {width}",
                        _excerpt(",".join(record)),
                    )
                )
                continue
            rows.append(record)
            lines.append(start)
    except csv.Error as exc:
        problems.append(Problem(name, reader.line_num, "-", f"cannot read CSV: {exc}", ""))
    if header is None:
        return ReadResult(None, [*problems, Problem(name, 0, "-", "file is empty", "")])
    columns = _positional(len(header))
    frame = pl.DataFrame(rows, schema={c: pl.String for c in columns}, orient="row")
    return ReadResult(RawTable(name, header, header_line, frame, lines), problems)


def open_workbook(name: str, data: bytes) -> tuple[fastexcel.ExcelReader | None, list[Problem]]:
    """Open an ``.xlsx`` workbook from bytes, or say why it cannot be opened."""
    if not data:
        return None, [Problem(name, 0, "-", "file is empty", "")]
    if not data.startswith(b"PK"):
        return None, [Problem(name, 0, "-", "not an .xlsx workbook (not a zip archive)", "")]
    try:
        return fastexcel.read_excel(data), []
    except Exception as exc:  # calamine reports every malformation as its own error type
        return None, [Problem(name, 0, "-", "cannot open the workbook", _first_line(exc))]


def read_sheet(workbook: fastexcel.ExcelReader, name: str, sheet: str) -> ReadResult:
    """Read one sheet as text, header in its first row.

    Real Excel cells are turned into the contract's text: date cells into ``YYYY-MM-DD``, time
    cells into ``HH:MM``, booleans into ``true/false`` and whole numbers into ``3`` (not
    ``3.0``). Row numbers assume the header is in row 1, as Excel numbers rows.
    """
    try:
        raw = workbook.load_sheet(sheet, header_row=None, dtypes="string").to_polars()
    except Exception as exc:
        return ReadResult(None, [Problem(name, f"{sheet}!0", "-", "cannot read sheet", str(exc))])
    if raw.height == 0 or raw.width == 0:
        return ReadResult(None, [Problem(name, f"{sheet}!0", "-", "sheet is empty", "")])
    columns = _positional(raw.width)
    raw = raw.rename(dict(zip(raw.columns, columns, strict=True))).with_columns(
        pl.col(c).cast(pl.String).str.replace(_EXCEL_TIME, "${1}").str.replace(_EXCEL_DATE, "${1}")
        for c in columns
    )
    header = ["" if v is None else str(v) for v in raw.row(0)]
    frame = raw.slice(1)
    lines: list[int | str] = [f"{sheet}!{i + 2}" for i in range(frame.height)]
    return ReadResult(RawTable(name, header, f"{sheet}!1", frame, lines))


def unzip(name: str, data: bytes) -> tuple[dict[str, bytes], list[Problem]]:
    """The files of an uploaded zip archive by base name, never touching the disk.

    Members with absolute paths or ``..`` are refused, as are archives that would unpack to
    more than :data:`MAX_UNCOMPRESSED_BYTES`. The data files may sit in one folder inside the
    archive; folders added by macOS (``__MACOSX``, ``._*``) are ignored.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError) as exc:
        return {}, [Problem(name, 0, "-", "not a readable zip archive", str(exc))]
    problems: list[Problem] = []
    members: list[zipfile.ZipInfo] = []
    with archive:
        for info in archive.infolist():
            path = info.filename.replace("\\", "/")
            parts = path.split("/")
            if path.startswith("/") or ".." in parts or (parts[0].endswith(":")):
                problems.append(Problem(name, 0, "-", "unsafe path in archive refused", path))
                continue
            base = posixpath.basename(path)
            if info.is_dir() or not base or "__MACOSX" in parts or base.startswith("."):
                continue
            members.append(info)
        if problems:
            return {}, problems
        if sum(info.file_size for info in members) > MAX_UNCOMPRESSED_BYTES:
            return {}, [_too_big(name)]
        out: dict[str, bytes] = {}
        folders: set[str] = set()
        budget = MAX_UNCOMPRESSED_BYTES
        for info in members:
            path = info.filename.replace("\\", "/")
            base = posixpath.basename(path)
            try:
                with archive.open(info) as handle:
                    content = handle.read(budget + 1)  # the header's size may lie
            except (zipfile.BadZipFile, RuntimeError, OSError, EOFError) as exc:
                problems.append(Problem(name, 0, "-", "cannot unpack member", f"{path}: {exc}"))
                continue
            budget -= len(content)
            if budget < 0:
                return {}, [_too_big(name)]
            if not base.lower().endswith(DATA_SUFFIXES):
                out.setdefault(base, content)
                continue
            if base in out:
                problems.append(Problem(name, 0, "-", "file appears twice in archive", path))
                continue
            out[base] = content
            folders.add(posixpath.dirname(path))
    if len(folders) > 1:
        problems.append(
            Problem(
                name,
                0,
                "-",
                "data files are spread over several folders; put them in one",
                ", ".join(sorted(f or "(top level)" for f in folders)),
            )
        )
    return out, problems


def find_tables(
    files: dict[str, bytes], problems: list[Problem], warnings: list[Problem]
) -> tuple[dict[str, RawTable | None], Callable[[Table], Problem | None]]:
    """Decide between CSV files and one workbook, and read the tables they hold.

    Also returns how to report a required table that is not there (nothing, when the
    workbook itself could not be read: that one problem says it all). A table that is there
    but unreadable maps to ``None``."""
    names = {t.name for t in TABLES}
    csvs = {n: b for n, b in files.items() if n.lower().endswith(".csv")}
    books = sorted(n for n, _ in files.items() if n.lower().endswith(".xlsx") and "~$" not in n)
    known_csvs = {n: b for n, b in csvs.items() if n[: -len(".csv")].strip().lower() in names}
    for name in sorted(set(csvs) - set(known_csvs)):
        warnings.append(Problem(name, 0, "-", "not one of the data files; ignored", ""))
    for name in sorted(n for n in files if not n.lower().endswith((".csv", ".xlsx"))):
        warnings.append(Problem(name, 0, "-", "not a data file; ignored", ""))
    tables: dict[str, RawTable | None] = {}
    if known_csvs or not books:
        for name in books:
            warnings.append(Problem(name, 0, "-", "workbook ignored: the CSV files are used", ""))
        for name, content in known_csvs.items():
            key = name[: -len(".csv")].strip().lower()
            if not TABLES_BY_NAME[key].required and not content.strip(b"\xef\xbb\xbf \t\r\n"):
                continue  # an empty optional file just means "none"
            result = read_csv(name, content)
            problems += result.problems
            tables[key] = result.table
        return tables, lambda t: Problem(t.file_name, 0, "-", "required file is missing", "")
    if len(books) > 1:
        problems.append(
            Problem(", ".join(books), 0, "-", "several workbooks: keep one, or name it", "")
        )
        return tables, lambda t: None
    book = books[0]
    workbook, open_problems = open_workbook(book, files[book])
    problems += open_problems
    if workbook is None:
        return tables, lambda t: None
    for sheet in workbook.sheet_names:
        key = sheet.strip().lower()
        if key not in names:
            warnings.append(Problem(book, f"{sheet}!0", "-", "not one of the data sheets", ""))
        elif key in tables:
            problems.append(Problem(book, f"{sheet}!0", "-", "sheet appears twice", sheet))
        else:
            result = read_sheet(workbook, book, sheet)
            problems += result.problems
            tables[key] = result.table
    return tables, lambda t: Problem(book, f"{t.name}!0", "-", "required sheet is missing", "")


def _too_big(name: str) -> Problem:
    limit = MAX_UNCOMPRESSED_BYTES // (1024 * 1024)
    return Problem(name, 0, "-", f"archive unpacks to more than {limit} MB; refused", "")


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _excerpt(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def files_by_name(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """Uploaded files keyed by base name (browsers may send a relative path)."""
    return {posixpath.basename(k.replace("\\", "/")): v for k, v in files.items()}
