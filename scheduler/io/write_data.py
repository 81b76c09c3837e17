"""Write an authority back out as a data folder (CSV + ``config.toml``) or one workbook.

The output follows the data contract exactly, so anything written here loads again unchanged:
times ``HH:MM``, day lists ``Mon,Tue``, booleans ``true``/``false``, dates ``YYYY-MM-DD``, an
empty cell for a missing value. Folders are written atomically: into a temporary sibling,
then renamed into place, so a crash never leaves a half-written data folder behind.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import xlsxwriter

from scheduler.config import Config
from scheduler.domain import Authority, format_days, format_time

TableRows = tuple[dict[str, type[pl.DataType]], list[tuple[Any, ...]]]
"""A table as a polars schema (column order = the contract's) and its rows."""

TABLE_NAMES: tuple[str, ...] = (
    "practitioners",
    "settings",
    "key_persons",
    "children",
    "absences",
    "closures",
)


def write_authority(authority: Authority, folder: Path) -> None:
    """Write the authority as a data folder, replacing ``folder`` (and anything in it) whole."""
    with atomic_folder(folder) as tmp:
        for name, frame in authority_frames(authority).items():
            frame.write_csv(tmp / f"{name}.csv")
        (tmp / "config.toml").write_text(config_toml(authority.config), encoding="utf-8")


def write_workbook(authority: Authority, path: Path) -> None:
    """Write the tables as one ``.xlsx`` (a sheet per table) with ``config.toml`` beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)

    def workbook(tmp: Path) -> None:
        book = xlsxwriter.Workbook(str(tmp))
        try:
            for name, frame in authority_frames(authority).items():
                frame.write_excel(workbook=book, worksheet=name, float_precision=5, autofit=True)
        finally:
            book.close()

    atomic_file(path, workbook)
    text = config_toml(authority.config)
    atomic_file(path.parent / "config.toml", lambda tmp: tmp.write_text(text, encoding="utf-8"))


@contextmanager
def atomic_folder(folder: Path) -> Iterator[Path]:
    """Yield an empty temporary sibling of ``folder``; on success it replaces ``folder``.

    On an exception the temporary folder is removed and ``folder`` is left as it was.
    """
    folder = folder.absolute()
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = _sibling(folder, "tmp")
    os.mkdir(tmp)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if not folder.exists():
        os.rename(tmp, folder)
        return
    old = _sibling(folder, "old")
    os.rename(folder, old)
    try:
        os.rename(tmp, folder)
    except BaseException:
        os.rename(old, folder)
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _sibling(path: Path, tag: str) -> Path:
    return path.with_name(f".{path.name}.{tag}-{secrets.token_hex(4)}")


def atomic_file(path: Path, fill: Callable[[Path], object]) -> None:
    """Write a file through a temporary sibling and rename it into place."""
    tmp = _sibling(path.absolute(), "tmp")
    try:
        fill(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def authority_frames(authority: Authority) -> dict[str, pl.DataFrame]:
    """Every table as the contract spells it: text cells, except numbers (lat/lon, counts)."""
    tables = {
        "practitioners": _practitioners(authority),
        "settings": _settings(authority),
        "key_persons": _key_persons(authority),
        "children": _children(authority),
        "absences": _absences(authority),
        "closures": _closures(authority),
    }
    return {
        name: pl.DataFrame(rows, schema=schema, orient="row")
        for name, (schema, rows) in tables.items()
    }


def _practitioners(authority: Authority) -> TableRows:
    schema = _text("practitioner_id", "name", "email", "role", "team", "base_name") | {
        "base_lat": pl.Float64,
        "base_lon": pl.Float64,
    }
    schema |= _text("working_days", "day_start", "day_end")
    schema |= {"max_reviews_per_day": pl.Int64} | _text("languages")
    rows = [
        (
            p.practitioner_id,
            p.name,
            p.email,
            p.role,
            p.team,
            p.base_name,
            p.base_lat,
            p.base_lon,
            format_days(p.working_days),
            format_time(p.day_start),
            format_time(p.day_end),
            p.max_reviews_per_day,
            ";".join(sorted(p.languages)) or None,
        )
        for p in authority.practitioners.values()
    ]
    return schema, rows


def _settings(authority: Authority) -> TableRows:
    schema = _text("setting_id", "name", "type", "address")
    schema |= {"lat": pl.Float64, "lon": pl.Float64}
    schema |= _text("email", "open_days", "open_time", "close_time")
    schema |= {"rooms": pl.Int64} | _text("link_practitioner_id")
    rows = [
        (
            s.setting_id,
            s.name,
            s.type,
            s.address,
            s.lat,
            s.lon,
            s.email,
            format_days(s.open_days),
            format_time(s.open_time),
            format_time(s.close_time),
            s.rooms,
            s.link_practitioner_id,
        )
        for s in authority.settings.values()
    ]
    return schema, rows


def _key_persons(authority: Authority) -> TableRows:
    schema = _text("key_person_id", "setting_id", "name", "email", "working_days")
    rows = [
        (k.key_person_id, k.setting_id, k.name, k.email, format_days(k.working_days))
        for k in authority.key_persons.values()
    ]
    return schema, rows


def _children(authority: Authority) -> TableRows:
    schema = _text(
        "child_id",
        "name",
        "date_of_birth",
        "setting_id",
        "key_person_id",
        "funded_two",
        "send",
        "prior_concerns",
        "home_language",
        "parent_name",
        "parent_email",
        "parent_unavailable_days",
        "reviewed_on",
        "starts_on",
    )
    rows = [
        (
            c.child_id,
            c.name,
            _date(c.date_of_birth),
            c.setting_id,
            c.key_person_id,
            _bool(c.funded_two),
            _bool(c.send),
            _bool(c.prior_concerns),
            c.home_language,
            c.parent_name,
            c.parent_email,
            format_days(c.parent_unavailable_days) or None,
            _date(c.reviewed_on),
            _date(c.starts_on),
        )
        for c in authority.children.values()
    ]
    return schema, rows


def _absences(authority: Authority) -> TableRows:
    schema = _text("person_id", "start_date", "end_date", "reason")
    rows = [
        (a.person_id, _date(a.start_date), _date(a.end_date), a.reason) for a in authority.absences
    ]
    return schema, rows


def _closures(authority: Authority) -> TableRows:
    schema = _text("setting_id", "date")
    return schema, [(c.setting_id, _date(c.date)) for c in authority.closures]


def _text(*names: str) -> dict[str, type[pl.DataType]]:
    return dict.fromkeys(names, pl.String)


def _date(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _bool(value: bool) -> str:
    return "true" if value else "false"


def config_toml(config: Config) -> str:
    """Every section and key of the config, written explicitly (nothing left to defaults)."""
    lines: list[str] = []
    for section_name in type(config).model_fields:
        section = getattr(config, section_name)
        if lines:
            lines.append("")
        lines.append(f"[{section_name}]")
        for key in type(section).model_fields:
            lines.append(f"{key} = {_toml_value(getattr(section, key))}")
    return "\n".join(lines) + "\n"


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a valid TOML basic string
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Sequence):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")
