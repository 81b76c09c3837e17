"""A tiny, valid data folder as text, and helpers that break it one cell at a time.

The folder (two practitioners, two settings, three key persons, four children, one absence,
two closures) is valid on :data:`TODAY`. Tests start from :data:`VALID` and change exactly
what they are about, so each failing fixture differs from a passing one in one place.

Line numbers below are CSV lines (header = 1): ``children.csv`` line 2 is C001.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import date, datetime, time
from pathlib import Path

import xlsxwriter

TODAY = date(2026, 8, 1)

VALID: dict[str, str] = {
    "practitioners.csv": (
        "practitioner_id,name,email,role,team,base_name,base_lat,base_lon,"
        "working_days,day_start,day_end,max_reviews_per_day,languages\n"
        "P001,Asha Patel,asha@nhs.example,health_visitor,North,Elm Clinic,51.55,-0.11,"
        '"Mon,Tue,Wed,Thu,Fri",08:30,17:00,6,Gujarati; HINDI\n'
        "P002,Ben Ode,ben@nhs.example,community_nursery_nurse,South,,51.45,-0.10,"
        '"mon,wed",09:00,15:30,4,\n'
    ),
    "settings.csv": (
        "setting_id,name,type,address,lat,lon,email,open_days,open_time,close_time,rooms,"
        "link_practitioner_id\n"
        'S001,Little Acorns,pvi,1 High St,51.56,-0.12,acorns@example.org,"Mon,Tue,Wed,Thu,Fri",'
        "08:00,18:00,2,P001\n"
        'S002,Mrs Khan,childminder,,51.44,-0.09,khan@example.org,"Tue,Thu",09:00,15:00,,\n'
    ),
    "key_persons.csv": (
        "key_person_id,setting_id,name,email,working_days\n"
        'K001,S001,Cara Jones,cara@example.org,"Mon,Tue,Wed"\n'
        "K002,S001,Dev Shah,,\n"
        "K003,S002,Mrs Khan,khan@example.org,\n"
    ),
    "children.csv": (
        "child_id,name,date_of_birth,setting_id,key_person_id,funded_two,send,prior_concerns,"
        "home_language,parent_name,parent_email,parent_unavailable_days,reviewed_on,starts_on\n"
        "C001,Amy A,2024-06-15,S001,K001,true,no,0,English,Ann A,ann@example.org,Fri,,\n"
        "C002,Bo B,2024-09-30,S001,K002,no,yes,1,Polish,,,,,2026-09-07\n"
        "C003,Cy C,2023-11-02,S002,K003,YES,,,,,,,2025-12-01,\n"
        'C004,Di D,2024-02-29,S002,K003,False,,,,,,"Mon,Wed",,\n'
    ),
    "absences.csv": ("person_id,start_date,end_date,reason\nP001,2026-10-05,2026-10-09,leave\n"),
    "closures.csv": ("setting_id,date\nS001,2026-11-02\n*,2026-12-18\n"),
}

CONFIG = (
    '[term]\nname = "Spring 2027"\nstart = 2027-01-04\nend = 2027-03-26\n'
    'exclude = [["2027-02-15", "2027-02-19"]]\n\n[review]\nmodel = "separate"\n'
)


def write_folder(folder: Path, files: Mapping[str, str | bytes | None] = VALID) -> Path:
    """Write files (text is UTF-8; ``None`` leaves a file out) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        if content is None:
            continue
        data = content.encode("utf-8") if isinstance(content, str) else content
        (folder / name).write_bytes(data)
    return folder


def with_files(**changes: str | bytes | None) -> dict[str, str | bytes | None]:
    """:data:`VALID` with whole files replaced (``children_csv="..."``; ``None`` removes)."""
    files: dict[str, str | bytes | None] = dict(VALID)
    for key, content in changes.items():
        name = key.replace("_csv", ".csv").replace("_toml", ".toml")
        files[name] = content
    return files


def _parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _unparse(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def set_cell(text: str, line: int, column: str, value: str) -> str:
    """A CSV text with one cell changed (``line`` counts the header as 1)."""
    rows = _parse(text)
    rows[line - 1][rows[0].index(column)] = value
    return _unparse(rows)


def drop_column(text: str, column: str) -> str:
    """A CSV text without one column."""
    rows = _parse(text)
    index = rows[0].index(column)
    return _unparse([row[:index] + row[index + 1 :] for row in rows])


def add_column(text: str, column: str, value: str) -> str:
    """A CSV text with one more column, every row holding ``value``."""
    rows = _parse(text)
    return _unparse([[*rows[0], column]] + [[*row, value] for row in rows[1:]])


def changed(name: str, line: int, column: str, value: str) -> dict[str, str | bytes | None]:
    """:data:`VALID` with one cell of one file changed."""
    files: dict[str, str | bytes | None] = dict(VALID)
    files[name] = set_cell(VALID[name], line, column, value)
    return files


def workbook_bytes(
    tables: Mapping[str, str | bytes | None] = VALID,
    path: Path | None = None,
    cells: Mapping[tuple[str, int, str], object] | None = None,
) -> bytes:
    """The CSV tables as one ``.xlsx`` (one sheet of text cells per file; blank lines stay
    blank rows), written to ``path`` if given.

    ``cells`` puts real Excel values in place of text: ``{("children", 2, "date_of_birth"):
    date(2024, 6, 15)}`` writes a date cell (times and dates get a number format, as Excel
    would); ``line`` counts the header as 1, like the CSV.
    """
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    formats = {
        time: book.add_format({"num_format": "hh:mm"}),
        date: book.add_format({"num_format": "dd/mm/yyyy"}),
        datetime: book.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
    }
    for name, text in tables.items():
        if not name.endswith(".csv") or not isinstance(text, str):
            continue
        sheet_name = name.removesuffix(".csv")
        sheet = book.add_worksheet(sheet_name)
        rows = _parse(text)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value != "":
                    sheet.write_string(r, c, value)
        for (target, line, column), cell in (cells or {}).items():
            if target.strip().lower() != sheet_name.strip().lower():
                continue
            c = [h.strip().lower() for h in rows[0]].index(column)
            if isinstance(cell, date | time):
                sheet.write_datetime(line - 1, c, cell, formats[type(cell)])
            elif isinstance(cell, bool):
                sheet.write_boolean(line - 1, c, cell)
            elif isinstance(cell, int | float):
                sheet.write_number(line - 1, c, cell)
            else:
                sheet.write(line - 1, c, cell)
    book.close()
    data = out.getvalue()
    if path is not None:
        path.write_bytes(data)
    return data
