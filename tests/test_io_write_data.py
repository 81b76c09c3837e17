"""Writing an authority as the contract's files (scheduler/io/write_data.py): every table with
its columns in order and the same values, config.toml, the workbook, and the folder replaced
whole or not at all."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from scheduler.config import load_config
from scheduler.domain import Authority
from scheduler.generate.authority import SIZES, generate_authority
from scheduler.io import write_data
from scheduler.io.schemas import TABLES
from scheduler.io.write_data import write_authority, write_workbook

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
COLUMNS = {table.name: list(table.names) for table in TABLES if table.name != "outcomes"}
"""The contract's tables and columns, in order (outcomes are written only when there are any)."""


@pytest.fixture(scope="module")
def small() -> Authority:
    return generate_authority(SIZES["small"], 7)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _cell(value: object) -> str | None:
    """A value as the contract writes it, computed independently of the writer."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, frozenset):
        if value and all(isinstance(v, int) for v in value):
            return ",".join(WEEKDAYS[d] for d in sorted(value))
        return ";".join(sorted(str(v) for v in value)) or None
    return str(value)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _expected(a: Authority, table: str) -> list[dict[str, str | None]]:
    time_columns = {"day_start", "day_end", "open_time", "close_time"}
    tables: dict[str, list[object]] = {
        "practitioners": list(a.practitioners.values()),
        "settings": list(a.settings.values()),
        "key_persons": list(a.key_persons.values()),
        "children": list(a.children.values()),
        "absences": list(a.absences),
        "closures": list(a.closures),
    }
    records = tables[table]
    rows = []
    for record in records:
        row: dict[str, str | None] = {}
        for column in COLUMNS[table]:
            value = getattr(record, column)
            if column in time_columns:
                row[column] = _hhmm(value)
            elif column == "parent_unavailable_days" and not value:
                row[column] = None
            else:
                row[column] = _cell(value)
        rows.append(row)
    return rows


def test_written_csvs_read_back_as_the_same_rows(small: Authority, tmp_path: Path) -> None:
    """Every table is written with the contract's columns, in order, and the same values."""
    write_authority(small, tmp_path / "data")
    names = sorted(p.name for p in (tmp_path / "data").iterdir())
    assert names == sorted([f"{t}.csv" for t in COLUMNS] + ["config.toml"])
    for table, columns in COLUMNS.items():
        frame = pl.read_csv(tmp_path / "data" / f"{table}.csv", infer_schema=False)
        assert frame.columns == columns
        got = frame.to_dicts()
        expected = _expected(small, table)
        for row in expected:  # numbers are compared as numbers, not as their spelling
            for column in ("base_lat", "base_lon", "lat", "lon"):
                if column in row:
                    row[column] = str(float(row[column] or "nan"))
        for row in got:
            for column in ("base_lat", "base_lon", "lat", "lon"):
                if column in row:
                    row[column] = str(float(row[column] or "nan"))
        assert got == expected, table


def test_config_toml_writes_every_section_and_reads_back(small: Authority, tmp_path: Path) -> None:
    """config.toml spells out every section, uses TOML dates and loads to the same config."""
    write_authority(small, tmp_path / "data")
    path = tmp_path / "data" / "config.toml"
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    assert set(raw) >= {"term", "review", "travel", "priorities", "organiser", "privacy"}
    assert raw["term"]["start"] == date(2027, 1, 5)
    assert raw["priorities"]["funded_two"] == 3.0
    assert load_config(path) == small.config


def test_workbook_holds_the_same_tables(small: Authority, tmp_path: Path) -> None:
    """The .xlsx has one sheet per table, the same cells as the CSVs, config.toml beside it."""
    write_authority(small, tmp_path / "csv")
    write_workbook(small, tmp_path / "xlsx" / "authority.xlsx")
    assert (tmp_path / "xlsx" / "config.toml").read_bytes() == (
        tmp_path / "csv" / "config.toml"
    ).read_bytes()
    sheets = pl.read_excel(tmp_path / "xlsx" / "authority.xlsx", sheet_id=0)
    assert list(sheets) == list(COLUMNS)
    for table, frame in sheets.items():
        csv = pl.read_csv(tmp_path / "csv" / f"{table}.csv", infer_schema=False)
        assert frame.columns == csv.columns
        as_text = frame.select(pl.all().cast(pl.String))
        if table in ("practitioners", "settings"):  # numbers may differ only in spelling
            numeric = [c for c in frame.columns if frame[c].dtype.is_numeric()]
            assert numeric
            for c in numeric:
                assert frame[c].to_list() == csv[c].cast(frame[c].dtype).to_list()
            as_text, csv = as_text.drop(numeric), csv.drop(numeric)
        assert as_text.to_dicts() == csv.to_dicts(), table


def test_writing_replaces_a_folder_whole(small: Authority, tmp_path: Path) -> None:
    """An existing folder is replaced, not merged into; no temporary folder is left."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "stale.csv").write_text("x\n")
    write_authority(small, folder)
    assert not (folder / "stale.csv").exists()
    assert (folder / "children.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["data"]


def test_failed_write_leaves_the_old_folder(
    small: Authority, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash half way leaves the previous folder untouched and no half-written sibling."""
    folder = tmp_path / "data"
    write_authority(small, folder)
    before = _files(folder)

    def boom(_: object) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr(write_data, "config_toml", boom)
    with pytest.raises(RuntimeError):
        write_authority(generate_authority(60, 1), folder)
    assert _files(folder) == before
    assert [p.name for p in tmp_path.iterdir()] == ["data"]
