"""Loading an authority's data folder (CSV files or one workbook) into a validated Authority.

Every cell is read as text, then converted column by column with the rules in
:mod:`scheduler.io.schemas`, so each bad value is reported with its file, line and column.
Nothing stops at the first problem: a coordinator fixing a spreadsheet wants the whole list
at once. Only a data set with no problems at all becomes an :class:`Authority`.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, cast

import polars as pl

from scheduler.config import Config, ConfigError, ReviewModel, parse_config
from scheduler.domain import (
    ALL_SETTINGS,
    WEEKDAY_NAMES,
    Absence,
    Authority,
    Child,
    Closure,
    Days,
    KeyPerson,
    Outcome,
    OutcomeKind,
    Practitioner,
    Setting,
    SettingType,
    Venue,
    format_time,
)
from scheduler.errors import InputError, Problem
from scheduler.io import readers
from scheduler.io.readers import RawTable
from scheduler.io.schemas import (
    ABSENCES,
    CHILDREN,
    CLOSURES,
    KEY_PERSONS,
    OUTCOMES,
    PRACTITIONERS,
    SETTINGS,
    TABLES,
    Column,
    Kind,
    Table,
)
from scheduler.phones import UK_MOBILE_PATTERN, UK_MOBILE_SEPARATORS

CONFIG_NAME = "config.toml"

_DAY_NUMBERS: dict[str, int] = {name.lower(): i for i, name in enumerate(WEEKDAY_NAMES)}
_BOOLEANS: dict[str, bool] = {
    "true": True,
    "false": False,
    "yes": True,
    "no": False,
    "1": True,
    "0": False,
}
_TIME = r"^([01]?\d|2[0-3]):([0-5]\d)$"
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_TYPE_MESSAGES: dict[Kind, str] = {
    Kind.NUMBER: "not a number",
    Kind.INTEGER: "not a whole number",
    Kind.DATE: "not a date (use YYYY-MM-DD)",
    Kind.TIME: "not a 24-hour time (use HH:MM)",
    Kind.BOOL: "not a yes/no value (use true/false, yes/no or 1/0)",
    Kind.UK_MOBILE: "not a UK mobile number (07… or +447…, 11 digits from the 0)",
}


@dataclass(frozen=True)
class LoadResult:
    """A validated authority, and what was odd but harmless (unknown columns, ignored files)."""

    authority: Authority
    warnings: list[Problem] = field(default_factory=list)


def load_authority(
    path: Path,
    config_path: Path | None = None,
    *,
    today: date | None = None,
    planning_date: date | None = None,
) -> LoadResult:
    """Load a data folder of CSVs, a folder holding one ``.xlsx``, an ``.xlsx`` or a ``.zip``.

    ``config.toml`` is read from ``config_path`` when given, else from the data folder (or
    the folder holding the workbook) when present; else the contract's defaults apply.
    ``today`` decides which dates of birth lie in the future; ``planning_date`` (``--today``)
    overrides the config's ``[term] today``. Raises :class:`InputError` carrying every problem
    found.
    """
    path = Path(path)
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    config_dir: Path | None = None
    if not path.exists():
        raise InputError([Problem(str(path), 0, "-", "no such file or folder", str(path))])
    if path.is_dir():
        config_dir = path
        for entry in sorted(path.iterdir()):
            if entry.is_file() and entry.suffix.lower() in (".csv", ".xlsx"):
                _read_into(files, entry, problems)
    elif path.suffix.lower() == ".zip":
        config_dir = None
        archive: dict[str, bytes] = {}
        _read_into(archive, path, problems)
        if archive:
            unpacked, zip_problems = readers.unzip(path.name, archive[path.name])
            if zip_problems:
                raise InputError(zip_problems)
            files.update(unpacked)
    elif path.suffix.lower() == ".xlsx":
        config_dir = path.parent
        _read_into(files, path, problems)
    else:
        raise InputError(
            [Problem(path.name, 0, "-", "give a data folder, an .xlsx workbook or a .zip", "")]
        )
    config_file: Path | None = config_path
    if config_file is None and config_dir is not None and (config_dir / CONFIG_NAME).is_file():
        config_file = config_dir / CONFIG_NAME
    config_label = CONFIG_NAME  # else the one inside a .zip, if any
    config_base: Path | None = None
    if config_file is not None:
        config_base = config_file.parent
        config_label = config_file.name
        files.pop(CONFIG_NAME, None)
        if config_file.is_file():
            _read_into(files, config_file, problems, as_name=CONFIG_NAME)
        else:
            problems.append(Problem(config_file.name, 0, "-", "no such file", str(config_file)))
    return _load(files, problems, today, config_label, planning_date, config_base)


def load_authority_from_upload(
    files: Mapping[str, bytes], *, today: date | None = None, planning_date: date | None = None
) -> LoadResult:
    """Load uploaded files (the dashboard): CSVs (+ ``config.toml``), one ``.zip`` of them, or
    one ``.xlsx`` (+ ``config.toml``). Nothing is written to disk."""
    named = readers.files_by_name(files)
    problems: list[Problem] = []
    zips = [n for n in named if n.lower().endswith(".zip")]
    if len(zips) > 1:
        raise InputError(
            [Problem(", ".join(zips), 0, "-", "upload one .zip archive, not several", "")]
        )
    if zips:
        unpacked, zip_problems = readers.unzip(zips[0], named.pop(zips[0]))
        if zip_problems:
            raise InputError(zip_problems)  # a broken archive: missing files would be noise
        for name, content in unpacked.items():
            named.setdefault(name, content)  # a config.toml given beside the zip wins
    return _load(named, problems, today, CONFIG_NAME, planning_date)


def _read_into(
    files: dict[str, bytes], path: Path, problems: list[Problem], as_name: str | None = None
) -> None:
    try:
        files[as_name or path.name] = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(path.name, 0, "-", "cannot read file", exc.strerror or str(exc)))


# --- the whole load ------------------------------------------------------------------------


def _load(
    files: dict[str, bytes],
    problems: list[Problem],
    today: date | None,
    config_label: str,
    planning_date: date | None = None,
    config_base: Path | None = None,
) -> LoadResult:
    today = today or date.today()
    warnings: list[Problem] = []
    config = Config()
    if CONFIG_NAME in files:
        config, config_problems = read_config(
            config_label, files.pop(CONFIG_NAME), base=config_base
        )
        problems += config_problems
    if planning_date is not None:
        config = with_planning_date(config, planning_date)
    raw, missing = readers.find_tables(files, problems, warnings)
    results: list[_Parsed] = []
    for table in TABLES:
        found = raw.get(table.name)
        if found is not None:
            results.append(_parse_table(table, found, today))
        elif table.required and table.name not in raw and (problem := missing(table)):
            problems.append(problem)
    parsed = {r.table.name: r for r in results if r.usable}
    _check_cross_table(parsed)
    _check_children(parsed, config)
    _check_outcomes(parsed, config)
    warnings += _cross_table_warnings(parsed)
    for result in results:
        problems += result.problems
        warnings += result.warnings
    if problems:
        raise InputError(sorted(problems, key=_order))
    authority = _build(parsed, config)
    return LoadResult(authority, sorted(warnings, key=_order))


# --- config ---------------------------------------------------------------------------------


def with_planning_date(config: Config, today: date) -> Config:
    """The config with ``[term] today`` set (the ``--today`` option)."""
    return config.model_copy(update={"term": config.term.model_copy(update={"today": today})})


def read_config(
    label: str, data: bytes, *, base: Path | None = None
) -> tuple[Config, list[Problem]]:
    """Parse ``config.toml`` bytes; problems carry the line of the offending key. ``base`` is
    the folder the file is in (relative folders in it are read from there; ``None`` for an
    upload)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Config(), [Problem(label, line, "-", "not UTF-8 text", "")]
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        line = int(found.group(1)) if found else 0
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        return Config(), [Problem(label, line, "-", f"not valid TOML: {message}", "")]
    try:
        return parse_config(document, label, base=base), []
    except ConfigError as exc:
        lines = _key_lines(text)
        return Config(), [
            Problem(label, _line_of(key, lines), key, message, value)
            for key, message, value in exc.problems
        ]


def _key_lines(text: str) -> dict[str, int]:
    """Where each dotted key (and each ``[table]``) of a TOML text is first written."""
    out: dict[str, int] = {}
    section = ""
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?", line)
        if header:
            section = _dotted(header.group(1))
            out.setdefault(section, number)
            continue
        key = re.match(r"""^\s*([A-Za-z0-9_\-."' ]+?)\s*=""", line)
        if key:
            full = f"{section}.{_dotted(key.group(1))}" if section else _dotted(key.group(1))
            out.setdefault(full, number)
    return out


def _dotted(key: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in key.split("."))


def _line_of(key: str, lines: Mapping[str, int]) -> int:
    parts = key.split(".")
    while parts:
        found = lines.get(".".join(parts))
        if found:
            return found
        parts.pop()
    return 0


# --- one table: header, cells, uniqueness ---------------------------------------------------


@dataclass
class _Parsed:
    """A table after cell conversion: ``text`` holds the stripped strings (for messages),
    ``typed`` the values; both have exactly the spec's columns, in the file's row order."""

    table: Table
    file: str
    text: pl.DataFrame
    typed: pl.DataFrame
    lines: list[int | str]
    present: set[str]
    """Columns the file has (a missing one is reported once, not on every row)."""
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    usable: bool = True
    """False when the table is so broken (missing id column) that cross-checks would mislead."""

    def report(self, mask: pl.Series, column: str, message: str | Callable[[int], str]) -> None:
        """A problem on every row where ``mask`` holds, quoting the cell's text."""
        values = self.text[column]
        for i in mask.fill_null(False).arg_true().to_list():
            text = message if isinstance(message, str) else message(i)
            self.problems.append(Problem(self.file, self.lines[i], column, text, _cell(values[i])))


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _parse_table(table: Table, raw: RawTable, today: date) -> _Parsed:
    text, lines, present, header_problems, warnings = _select_columns(table, raw)
    parsed = _Parsed(table, raw.file, text, text, lines, present, header_problems, warnings)
    if text.height == 0 and table.required:
        whole = raw.header_line.replace("!1", "!0") if isinstance(raw.header_line, str) else 0
        parsed.problems.append(Problem(raw.file, whole, "-", "no data rows", ""))
        parsed.usable = False
    parsed.typed = pl.DataFrame([_convert(parsed, column) for column in table.columns])
    id_name = table.columns[0].name
    if any(p.line == raw.header_line and p.column == id_name for p in header_problems):
        parsed.usable = False  # without ids, every foreign key would look unknown
    for column in table.columns:
        if column.unique:
            _check_unique(parsed, column.name)
    if table is CHILDREN:
        dob = parsed.typed["date_of_birth"]
        parsed.report(dob > today, "date_of_birth", f"is in the future (today is {today})")
    return parsed


def _select_columns(
    table: Table, raw: RawTable
) -> tuple[pl.DataFrame, list[int | str], set[str], list[Problem], list[Problem]]:
    """The spec's columns as stripped text (null when empty or absent), blank rows dropped."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    positions: dict[str, str] = {}
    unknown: set[str] = set()
    for i, heading in enumerate(raw.header):
        name = heading.strip().lower()
        source = f"c{i}"
        if not name:
            if raw.frame[source].str.strip_chars().str.len_chars().fill_null(0).max() or 0:
                message = f"column {i + 1} has values but no name; ignored"
                warnings.append(Problem(raw.file, raw.header_line, "-", message, ""))
        elif name in positions:
            message = "column appears more than once"
            problems.append(Problem(raw.file, raw.header_line, name, message, heading))
        elif name not in table.names:
            if name not in unknown:
                message = "unknown column; ignored"
                warnings.append(Problem(raw.file, raw.header_line, name, message, ""))
            unknown.add(name)
        else:
            positions[name] = source
    for column in table.columns:
        if column.required and not positions.get(column.name):
            message = "required column is missing"
            problems.append(Problem(raw.file, raw.header_line, column.name, message, ""))
    stripped = raw.frame.select(
        pl.when(pl.col(c).str.strip_chars() != "").then(pl.col(c).str.strip_chars()).alias(c)
        for c in raw.frame.columns
    )
    keep = stripped.select(pl.any_horizontal(pl.all().is_not_null())).to_series()
    if raw.frame.width and not keep.all():
        stripped = stripped.filter(keep)
        lines = [line for line, k in zip(raw.lines, keep.to_list(), strict=True) if k]
    else:
        lines = list(raw.lines)
    text = pl.DataFrame(
        stripped[positions[c.name]].alias(c.name)
        if c.name in positions
        else pl.Series(c.name, [None] * len(lines), dtype=pl.String)
        for c in table.columns
    )
    return text, lines, set(positions), problems, warnings


def _convert(parsed: _Parsed, column: Column) -> pl.Series:
    """One column from text to values; reports empty required cells and unparseable text."""
    name = column.name
    raw = parsed.text[name]
    if column.required and name in parsed.present:
        parsed.report(raw.is_null(), name, "required value is empty")
    kind = column.kind
    if kind in (Kind.DAYS, Kind.LIST):
        if kind is Kind.DAYS:
            messages = {v: m for v in raw.drop_nulls().unique().to_list() if (m := _days_error(v))}
            if messages:
                bad = raw.is_in(list(messages))
                parsed.report(bad, name, lambda i: messages[raw[i]])
        return raw
    frame = parsed.text.select(name)
    typed = frame.select(_expression(column).alias(name)).to_series()
    if kind in _TYPE_MESSAGES:
        parsed.report(raw.is_not_null() & typed.is_null(), name, _TYPE_MESSAGES[kind])
    if column.choices:
        allowed = ", ".join(column.choices)
        bad = typed.is_not_null() & ~typed.is_in(list(column.choices))
        parsed.report(bad, name, f"must be one of {allowed}")
    if column.minimum is not None or column.maximum is not None:
        low = -float("inf") if column.minimum is None else column.minimum
        high = float("inf") if column.maximum is None else column.maximum
        out_of_range = typed.is_not_null() & ((typed < low) | (typed > high))
        parsed.report(out_of_range, name, _range_message(column))
    if column.default is not None and kind in (Kind.INTEGER, Kind.BOOL):
        typed = typed.fill_null(column.default)
    return typed


def _expression(column: Column) -> pl.Expr:
    """The vectorised conversion of a text column; null where the text does not parse."""
    text = pl.col(column.name)
    kind = column.kind
    if kind is Kind.TEXT:
        return text.str.to_lowercase() if column.choices else text
    if kind is Kind.NUMBER:
        number = text.cast(pl.Float64, strict=False)
        return pl.when(number.is_finite()).then(number)
    if kind is Kind.INTEGER:
        number = text.cast(pl.Float64, strict=False)
        whole = number.is_finite() & (number == number.floor()) & (number.abs() < 1e15)
        return pl.when(whole).then(number).cast(pl.Int64)
    if kind is Kind.DATE:
        shaped = text.str.contains(_DATE)
        return pl.when(shaped).then(text.str.to_date("%Y-%m-%d", strict=False))
    if kind is Kind.TIME:
        hours = text.str.extract(_TIME, 1).cast(pl.Int64)
        minutes = text.str.extract(_TIME, 2).cast(pl.Int64)
        return hours * 60 + minutes
    if kind is Kind.BOOL:
        return text.str.to_lowercase().replace_strict(
            _BOOLEANS, default=None, return_dtype=pl.Boolean
        )
    if kind is Kind.UK_MOBILE:
        digits = text.str.replace_all(UK_MOBILE_SEPARATORS, "")
        return pl.lit("+44") + digits.str.extract(UK_MOBILE_PATTERN, 1)
    raise ValueError(f"no conversion for {kind}")  # pragma: no cover - every kind handled


def _range_message(column: Column) -> str:
    low, high = column.minimum, column.maximum
    if low is not None and high is not None:
        return f"must be between {low:g} and {high:g}"
    if low == 0:
        return "must not be negative"
    if low is not None:
        return f"must be at least {low:g}"
    return f"must be at most {high:g}"


def _days_error(text: str) -> str | None:
    for part in text.split(","):
        token = part.strip().lower()
        if token and token not in _DAY_NUMBERS:
            return f"'{part.strip()}' is not a day (use Mon,Tue,Wed,Thu,Fri,Sat,Sun)"
    return None


def parse_days(text: str | None) -> Days:
    """``Mon, tue,FRI`` → ``{0, 1, 4}``; the text must already have passed validation."""
    if not text:
        return frozenset()
    return frozenset(_DAY_NUMBERS[p.strip().lower()] for p in text.split(",") if p.strip())


def parse_list(text: str | None) -> frozenset[str]:
    """``French; Polish`` → ``{"french", "polish"}``."""
    if not text:
        return frozenset()
    return frozenset(p.strip().lower() for p in text.split(";") if p.strip())


def _check_unique(parsed: _Parsed, name: str) -> None:
    values = parsed.text[name]
    repeated = values.is_not_null() & ~values.is_first_distinct()
    if not repeated.any():
        return
    first: dict[str, int] = {}
    for i, value in enumerate(values.to_list()):
        if value is not None:
            first.setdefault(value, i)
    parsed.report(
        repeated,
        name,
        lambda i: f"duplicate {name}; first on line {parsed.lines[first[values[i]]]}",
    )


# --- rules across columns and tables --------------------------------------------------------


def _check_cross_table(parsed: Mapping[str, _Parsed]) -> None:
    """Rules linking two columns or two tables: order of times and dates, foreign keys."""
    if PRACTITIONERS.name in parsed:
        _after(parsed[PRACTITIONERS.name], "day_start", "day_end", format_time)
    if SETTINGS.name in parsed:
        _after(parsed[SETTINGS.name], "open_time", "close_time", format_time)
    if ABSENCES.name in parsed:
        _after(parsed[ABSENCES.name], "start_date", "end_date", str, same_allowed=True)

    def ids(table: Table) -> set[str] | None:
        if table.name not in parsed:
            return None
        return set(parsed[table.name].text[table.columns[0].name].drop_nulls().to_list())

    practitioner_ids, setting_ids, key_person_ids = (
        ids(PRACTITIONERS),
        ids(SETTINGS),
        ids(KEY_PERSONS),
    )
    _foreign(parsed, SETTINGS, "link_practitioner_id", practitioner_ids, "unknown practitioner")
    _foreign(parsed, KEY_PERSONS, "setting_id", setting_ids, "unknown setting")
    _foreign(parsed, CHILDREN, "setting_id", setting_ids, "unknown setting")
    _foreign(parsed, CHILDREN, "key_person_id", key_person_ids, "unknown key person")
    _foreign(parsed, CHILDREN, "practitioner_id", practitioner_ids, "unknown practitioner")
    _foreign(parsed, OUTCOMES, "child_id", ids(CHILDREN), "unknown child")
    _foreign(parsed, OUTCOMES, "practitioner_id", practitioner_ids, "unknown practitioner")
    if practitioner_ids is not None and key_person_ids is not None:
        people = practitioner_ids | key_person_ids
        _foreign(parsed, ABSENCES, "person_id", people, "unknown practitioner or key person")
    if setting_ids is not None:
        _foreign(parsed, CLOSURES, "setting_id", setting_ids | {ALL_SETTINGS}, "unknown setting")
    if CHILDREN.name in parsed and KEY_PERSONS.name in parsed and setting_ids is not None:
        _key_person_setting(parsed[CHILDREN.name], parsed[KEY_PERSONS.name], setting_ids)


def _after(
    p: _Parsed, start: str, end: str, shown: Callable[[Any], str], same_allowed: bool = False
) -> None:
    """``end`` must come after ``start`` (or equal it, for inclusive date ranges)."""
    lo, hi = p.typed[start], p.typed[end]
    bad = hi < lo if same_allowed else hi <= lo
    message = "is before" if same_allowed else "must be later than"
    p.report(bad, end, lambda i: f"{message} {start} ({shown(lo[i])})")


def _foreign(
    parsed: Mapping[str, _Parsed], table: Table, column: str, known: set[str] | None, what: str
) -> None:
    if known is None or table.name not in parsed:
        return
    p = parsed[table.name]
    values = p.text[column]
    p.report(values.is_not_null() & ~values.is_in(list(known)), column, what)


def _key_person_setting(children: _Parsed, key_persons: _Parsed, setting_ids: set[str]) -> None:
    """A child's key person works at the child's setting (both settings known: an unknown one
    is already reported)."""
    kp = key_persons.text.select("key_person_id", pl.col("setting_id").alias("kp_setting"))
    kp = kp.filter(pl.col("key_person_id").is_first_distinct())
    joined = children.text.select("key_person_id", "setting_id").join(
        kp, on="key_person_id", how="left", maintain_order="left"
    )
    kp_setting, own = joined["kp_setting"], joined["setting_id"]
    bad = kp_setting.is_in(list(setting_ids)) & own.is_in(list(setting_ids)) & (kp_setting != own)
    children.report(
        bad,
        "key_person_id",
        lambda i: f"works at setting {kp_setting[i]}, not the child's setting {own[i]}",
    )


def _check_children(parsed: Mapping[str, _Parsed], config: Config) -> None:
    """Contract v2's rules across a child's columns: a child in no setting has a caseload
    practitioner and a clinic or home review; a home review needs the home's location."""
    if CHILDREN.name not in parsed:
        return
    p = parsed[CHILDREN.name]
    text = p.text
    no_setting = text["setting_id"].is_null()
    model = text["review_model"].str.to_lowercase().fill_null(config.review.model)
    p.report(
        no_setting & text["key_person_id"].is_not_null(),
        "key_person_id",
        "a child in no setting has no key person (leave it empty or give the setting)",
    )
    p.report(
        no_setting & text["practitioner_id"].is_null(),
        "practitioner_id",
        "a child in no setting needs their caseload practitioner_id",
    )
    p.report(
        no_setting & (model == "joint"),
        "review_model",
        "a child in no setting needs review_model separate or home (a joint review is at a "
        "setting)",
    )
    if "setting_id" in p.present:
        p.report(
            ~no_setting & text["key_person_id"].is_null(),
            "key_person_id",
            "required value is empty (every child at a setting has a key person)",
        )
    lat, lon = text["home_lat"].is_null(), text["home_lon"].is_null()
    p.report(lat ^ lon, "home_lat" if "home_lat" in p.present else "home_lon", _HALF_HOME)
    p.report(
        (model == "home") & lat & lon,
        "review_model",
        "a home review needs home_lat and home_lon",
    )


_HALF_HOME = "give both home_lat and home_lon, or neither"


def _check_outcomes(parsed: Mapping[str, _Parsed], config: Config) -> None:
    """An outcome is not dated after the planning date, and one per child and date; details
    that only an attended review has are not given for another outcome."""
    if OUTCOMES.name not in parsed:
        return
    p = parsed[OUTCOMES.name]
    today = config.term.today
    if today is not None:
        p.report(p.typed["date"] > today, "date", f"is after today ({today})")
    keys = p.text.select(pl.concat_str("child_id", "date", separator="|")).to_series()
    repeated = keys.is_not_null() & ~keys.is_first_distinct()
    if repeated.any():
        first: dict[str, int] = {}
        for i, key in enumerate(keys.to_list()):
            if key is not None:
                first.setdefault(key, i)
        p.report(
            repeated,
            "date",
            lambda i: (
                f"a second outcome for this child and date; first on line {p.lines[first[keys[i]]]}"
            ),
        )
    attended = p.typed["outcome"] == "attended"
    for column, what in (("asq3", "ASQ-3"), ("venue", "venue"), ("practitioner_id", "who saw")):
        given = p.text[column].is_not_null() & ~attended.fill_null(True)
        if column == "asq3":
            given &= p.typed["asq3"].fill_null(False)
        for i in given.fill_null(False).arg_true().to_list():
            p.warnings.append(
                Problem(
                    p.file,
                    p.lines[i],
                    column,
                    f"{what} is recorded only for attended reviews; ignored",
                    _cell(p.text[column][i]),
                )
            )


def _cross_table_warnings(parsed: Mapping[str, _Parsed]) -> list[Problem]:
    """Odd but usable: a practitioner and a key person sharing an id (absences then apply to
    both)."""
    if PRACTITIONERS.name not in parsed or KEY_PERSONS.name not in parsed:
        return []
    kp = parsed[KEY_PERSONS.name]
    practitioner_ids = parsed[PRACTITIONERS.name].text["practitioner_id"].drop_nulls()
    clash = kp.text["key_person_id"].is_in(practitioner_ids.to_list())
    message = "also a practitioner_id; an absence with this id applies to both"
    return [
        Problem(kp.file, kp.lines[i], "key_person_id", message, _cell(kp.text["key_person_id"][i]))
        for i in clash.fill_null(False).arg_true().to_list()
    ]


# --- records --------------------------------------------------------------------------------


def _rows(parsed: Mapping[str, _Parsed], table: Table) -> Iterable[dict[str, Any]]:
    if table.name not in parsed:
        return []
    return parsed[table.name].typed.iter_rows(named=True)


def _build(parsed: Mapping[str, _Parsed], config: Config) -> Authority:
    """Records from tables that passed every check, in the files' row order."""
    days = _Cache(parse_days)
    practitioners = {
        r["practitioner_id"]: Practitioner(
            practitioner_id=r["practitioner_id"],
            name=r["name"],
            email=r["email"],
            base_lat=r["base_lat"],
            base_lon=r["base_lon"],
            working_days=days(r["working_days"]),
            day_start=r["day_start"],
            day_end=r["day_end"],
            max_reviews_per_day=r["max_reviews_per_day"],
            role=r["role"],
            team=r["team"],
            base_name=r["base_name"],
            languages=parse_list(r["languages"]),
            base_address=r["base_address"],
        )
        for r in _rows(parsed, PRACTITIONERS)
    }
    settings = {
        r["setting_id"]: Setting(
            setting_id=r["setting_id"],
            name=r["name"],
            type=cast(SettingType, r["type"]),
            lat=r["lat"],
            lon=r["lon"],
            email=r["email"],
            open_days=days(r["open_days"]),
            open_time=r["open_time"],
            close_time=r["close_time"],
            rooms=r["rooms"],
            address=r["address"],
            link_practitioner_id=r["link_practitioner_id"],
        )
        for r in _rows(parsed, SETTINGS)
    }
    key_persons = {
        r["key_person_id"]: KeyPerson(
            key_person_id=r["key_person_id"],
            setting_id=r["setting_id"],
            name=r["name"],
            working_days=(
                days(r["working_days"])
                if r["working_days"]
                else settings[r["setting_id"]].open_days
            ),
            email=r["email"],
        )
        for r in _rows(parsed, KEY_PERSONS)
    }
    children = {
        r["child_id"]: Child(
            child_id=r["child_id"],
            name=r["name"],
            date_of_birth=r["date_of_birth"],
            setting_id=r["setting_id"],
            key_person_id=r["key_person_id"],
            funded_two=r["funded_two"],
            send=r["send"],
            prior_concerns=r["prior_concerns"],
            home_language=r["home_language"],
            parent_name=r["parent_name"],
            parent_email=r["parent_email"],
            parent_unavailable_days=days(r["parent_unavailable_days"]),
            reviewed_on=r["reviewed_on"],
            starts_on=r["starts_on"],
            looked_after=r["looked_after"],
            child_protection=r["child_protection"],
            child_in_need=r["child_in_need"],
            imd_decile=r["imd_decile"],
            was_not_brought_before=r["was_not_brought_before"],
            review_model=cast(ReviewModel | None, r["review_model"]),
            consent_to_share=r["consent_to_share"],
            home_lat=r["home_lat"],
            home_lon=r["home_lon"],
            practitioner_id=r["practitioner_id"],
            parent_phone=r["parent_phone"],
            reminders_opt_out=r["reminders_opt_out"],
        )
        for r in _rows(parsed, CHILDREN)
    }
    absences = tuple(
        Absence(r["person_id"], r["start_date"], r["end_date"], r["reason"])
        for r in _rows(parsed, ABSENCES)
    )
    closures = tuple(Closure(r["setting_id"], r["date"]) for r in _rows(parsed, CLOSURES))
    outcomes = tuple(_outcome(r) for r in _rows(parsed, OUTCOMES))
    return Authority(
        practitioners, settings, key_persons, children, absences, closures, config, outcomes
    )


def _outcome(r: Mapping[str, Any]) -> Outcome:
    """An outcome row; details only an attended review has are dropped from other outcomes."""
    attended = r["outcome"] == "attended"
    return Outcome(
        child_id=r["child_id"],
        date=r["date"],
        outcome=cast(OutcomeKind, r["outcome"]),
        asq3=r["asq3"] if attended else None,
        consent_to_share=r["consent_to_share"],
        venue=cast(Venue | None, r["venue"]) if attended else None,
        practitioner_id=r["practitioner_id"] if attended else None,
    )


class _Cache:
    """Day lists repeat a lot (``Mon,Tue,Wed,Thu,Fri``): parse each distinct text once."""

    def __init__(self, parse: Callable[[str | None], Days]) -> None:
        self._parse = parse
        self._seen: dict[str | None, Days] = {}

    def __call__(self, text: str | None) -> Days:
        found = self._seen.get(text)
        if found is None:
            found = self._seen[text] = self._parse(text)
        return found


# --- ordering problems for people -----------------------------------------------------------

_TABLE_RANK = {t.name: i for i, t in enumerate(TABLES)}


def _order(problem: Problem) -> tuple[int, str, int, int]:
    """Config first, then tables in contract order, each top to bottom, columns left to right."""
    line = problem.line
    if isinstance(line, str):
        sheet, _, row = line.partition("!")
        table, number = sheet.strip().lower(), int(row) if row.isdigit() else 0
    else:
        table, number = problem.file.removesuffix(".csv").lower(), line
    rank = _TABLE_RANK.get(table, -1)  # config and archive problems first
    spec = next((t for t in TABLES if t.name == table), None)
    column = spec.names.index(problem.column) if spec and problem.column in spec.names else -1
    return rank, problem.file, number, column
