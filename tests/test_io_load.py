"""Loading a CSV data folder: what is accepted, and every mistake reported with its line."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loadfixtures import (
    CONFIG,
    TODAY,
    VALID,
    add_column,
    changed,
    drop_column,
    set_cell,
    with_files,
    write_folder,
)

from scheduler.errors import InputError, Problem
from scheduler.io import readers
from scheduler.io.load import LoadResult, load_authority, load_authority_from_upload
from scheduler.io.schemas import CHILDREN, TABLES

Files = Mapping[str, str | bytes | None]


def load(tmp_path: Path, files: Files | None = None, config_path: Path | None = None) -> LoadResult:
    folder = write_folder(tmp_path / "data", dict(VALID) if files is None else files)
    return load_authority(folder, config_path, today=TODAY)


def problems_of(tmp_path: Path, files: Files, config_path: Path | None = None) -> list[Problem]:
    with pytest.raises(InputError) as caught:
        load(tmp_path, files, config_path)
    return caught.value.problems


def locations(problems: list[Problem]) -> list[tuple[str, int | str, str]]:
    return [(p.file, p.line, p.column) for p in problems]


# --- the valid folder ------------------------------------------------------------------------


def test_valid_folder_loads_every_record_in_file_order(tmp_path: Path) -> None:
    """All rows of the valid fixture become records, keyed by id, in the files' order."""
    authority = load(tmp_path).authority
    assert list(authority.practitioners) == ["P001", "P002"]
    assert list(authority.settings) == ["S001", "S002"]
    assert list(authority.key_persons) == ["K001", "K002", "K003"]
    assert list(authority.children) == ["C001", "C002", "C003", "C004"]
    assert [a.person_id for a in authority.absences] == ["P001"]
    assert [(c.setting_id, c.date) for c in authority.closures] == [
        ("S001", date(2026, 11, 2)),
        ("*", date(2026, 12, 18)),
    ]


def test_values_are_converted_to_the_domain_types(tmp_path: Path) -> None:
    """Times become minutes, day lists weekday sets, booleans bools, languages lower-cased."""
    authority = load(tmp_path).authority
    p1 = authority.practitioners["P001"]
    assert (p1.day_start, p1.day_end) == (8 * 60 + 30, 17 * 60)
    assert p1.working_days == frozenset(range(5))
    assert p1.languages == frozenset({"gujarati", "hindi"})
    assert (p1.base_lat, p1.base_lon, p1.max_reviews_per_day) == (51.55, -0.11, 6)
    assert authority.practitioners["P002"].working_days == frozenset({0, 2})
    assert authority.practitioners["P002"].base_name is None
    c1, c2, c3 = (authority.children[c] for c in ("C001", "C002", "C003"))
    assert (c1.funded_two, c1.send, c1.prior_concerns) == (True, False, False)
    assert (c2.funded_two, c2.send, c2.prior_concerns) == (False, True, True)
    assert c3.funded_two and c3.reviewed_on == date(2025, 12, 1)
    assert c1.parent_unavailable_days == frozenset({4})
    assert c2.starts_on == date(2026, 9, 7) and c1.starts_on is None
    assert authority.children["C004"].date_of_birth == date(2024, 2, 29)


def test_defaults_fill_empty_optional_cells(tmp_path: Path) -> None:
    """Empty rooms is 1, empty send/prior_concerns false, empty key person days = setting's."""
    authority = load(tmp_path).authority
    assert authority.settings["S002"].rooms == 1
    assert authority.settings["S001"].rooms == 2
    assert authority.settings["S002"].link_practitioner_id is None
    assert authority.key_persons["K002"].working_days == authority.settings["S001"].open_days
    assert authority.key_persons["K003"].working_days == frozenset({1, 3})
    assert authority.key_persons["K001"].working_days == frozenset({0, 1, 2})
    c3 = authority.children["C003"]
    assert (c3.send, c3.prior_concerns, c3.parent_unavailable_days) == (False, False, frozenset())


def test_optional_columns_may_be_left_out(tmp_path: Path) -> None:
    """A file without its optional columns loads, with their defaults."""
    children = VALID["children.csv"]
    for column in ("send", "prior_concerns", "parent_unavailable_days", "starts_on"):
        children = drop_column(children, column)
    settings = drop_column(VALID["settings.csv"], "rooms")
    authority = load(tmp_path, with_files(children_csv=children, settings_csv=settings)).authority
    assert not any(c.send or c.prior_concerns for c in authority.children.values())
    assert {s.rooms for s in authority.settings.values()} == {1}


@pytest.mark.parametrize("name", ["absences.csv", "closures.csv"])
def test_optional_files_may_be_missing_header_only_or_empty(tmp_path: Path, name: str) -> None:
    """absences.csv and closures.csv are optional: absent, header-only or empty all mean none."""
    header = VALID[name].splitlines()[0] + "\n"
    for i, content in enumerate((None, header, "")):
        authority = load(tmp_path / str(i), with_files(**{name.replace(".", "_"): content}))
        records = (
            authority.authority.absences if "absences" in name else authority.authority.closures
        )
        assert records == ()


def test_bom_whitespace_and_header_case_are_accepted(tmp_path: Path) -> None:
    """A UTF-8 BOM, spaces around cells and headers, upper-case headers and CRLF all load."""
    text = VALID["children.csv"]
    header, *rows = text.splitlines()
    header = ", ".join(h.upper() for h in header.split(","))
    spaced = [",".join(f"  {cell} " for cell in row.split(",")) for row in rows[:1]]
    content = "\ufeff" + "\r\n".join([header, *spaced, *rows[1:]]) + "\r\n"
    authority = load(tmp_path, with_files(children_csv=content.encode("utf-8"))).authority
    c1 = authority.children["C001"]
    assert c1.name == "Amy A" and c1.date_of_birth == date(2024, 6, 15) and c1.funded_two


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("TRUE", True),
        ("Yes", True),
        ("1", True),
        ("false", False),
        ("no", False),
        ("NO", False),
        ("0", False),
    ],
)
def test_booleans_accept_every_spelling(tmp_path: Path, text: str, expected: bool) -> None:
    """true/false, yes/no and 1/0 in any case are booleans."""
    authority = load(tmp_path, changed("children.csv", 2, "funded_two", text)).authority
    assert authority.children["C001"].funded_two is expected


def test_day_lists_are_case_insensitive_and_tolerate_spaces(tmp_path: Path) -> None:
    """``mon, WED ,Fri`` is Monday, Wednesday and Friday."""
    files = changed("practitioners.csv", 2, "working_days", "mon, WED ,Fri")
    assert load(tmp_path, files).authority.practitioners["P001"].working_days == {0, 2, 4}


def test_single_digit_hour_is_a_time(tmp_path: Path) -> None:
    """``9:05`` is 09:05 (spreadsheets drop the leading zero)."""
    files = changed("practitioners.csv", 2, "day_start", "9:05")
    assert load(tmp_path, files).authority.practitioners["P001"].day_start == 9 * 60 + 5


def test_absence_may_name_a_key_person_and_closure_may_be_everywhere(tmp_path: Path) -> None:
    """An absence's person_id may be a key person; a closure's setting_id may be ``*``."""
    absences = VALID["absences.csv"] + "K002,2026-09-14,2026-09-14,training\n"
    authority = load(tmp_path, with_files(absences_csv=absences)).authority
    assert [a.person_id for a in authority.absences] == ["P001", "K002"]
    assert any(c.setting_id == "*" for c in authority.closures)


def test_unknown_column_is_a_warning_not_an_error(tmp_path: Path) -> None:
    """An extra column loads, and is named in the warnings with the header line."""
    files = with_files(children_csv=add_column(VALID["children.csv"], "Favourite_Colour", "red"))
    result = load(tmp_path, files)
    assert len(result.authority.children) == 4
    assert locations(result.warnings) == [("children.csv", 1, "favourite_colour")]
    assert "unknown column" in result.warnings[0].message


def test_unknown_csv_file_is_a_warning(tmp_path: Path) -> None:
    """A misspelt file name (absence.csv) is not silently ignored."""
    result = load(tmp_path, with_files(absence_csv=VALID["absences.csv"]))
    assert [w.file for w in result.warnings] == ["absence.csv"]


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    """A blank line is not a row, and later problems keep their true line numbers."""
    rows = VALID["children.csv"].splitlines()
    content = "\n".join([rows[0], rows[1], "", ",,,", rows[2], rows[3], rows[4]]) + "\n"
    content = set_cell(content, 6, "child_id", "C002")  # line 6 is C003, now a duplicate
    problems = problems_of(tmp_path, with_files(children_csv=content))
    assert locations(problems) == [("children.csv", 6, "child_id")]


def test_quoted_newline_shifts_later_line_numbers(tmp_path: Path) -> None:
    """A value spanning two lines moves the next rows down, as a text editor shows them."""
    text = set_cell(VALID["children.csv"], 2, "name", "Amy\nAnne")
    text = set_cell(text, 3, "funded_two", "perhaps")  # C002, now on line 4
    problems = problems_of(tmp_path, with_files(children_csv=text))
    assert locations(problems) == [("children.csv", 4, "funded_two")]


def test_today_defaults_to_the_real_date(tmp_path: Path) -> None:
    """Without ``today``, a birth tomorrow is in the future."""
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    folder = write_folder(tmp_path, changed("children.csv", 2, "date_of_birth", tomorrow))
    with pytest.raises(InputError) as caught:
        load_authority(folder)
    assert "future" in caught.value.problems[0].message


# --- every mistake, each in its own failing fixture ------------------------------------------

CASES: list[tuple[str, Files, tuple[str, int, str, str]]] = [
    # required files: missing, empty, header only
    (
        "no practitioners",
        with_files(practitioners_csv=None),
        ("practitioners.csv", 0, "-", "missing"),
    ),
    ("no settings", with_files(settings_csv=None), ("settings.csv", 0, "-", "missing")),
    ("no key persons", with_files(key_persons_csv=None), ("key_persons.csv", 0, "-", "missing")),
    ("no children", with_files(children_csv=None), ("children.csv", 0, "-", "missing")),
    ("empty file", with_files(children_csv=""), ("children.csv", 0, "-", "file is empty")),
    (
        "header only",
        with_files(practitioners_csv=VALID["practitioners.csv"].splitlines()[0] + "\n"),
        ("practitioners.csv", 0, "-", "no data rows"),
    ),
    # a required column absent from the header
    (
        "missing column",
        with_files(children_csv=drop_column(VALID["children.csv"], "funded_two")),
        ("children.csv", 1, "funded_two", "required column is missing"),
    ),
    # a required cell empty, or only spaces
    (
        "empty email",
        changed("practitioners.csv", 3, "email", ""),
        ("practitioners.csv", 3, "email", "required value is empty"),
    ),
    (
        "spaces only",
        changed("children.csv", 4, "name", "   "),
        ("children.csv", 4, "name", "required value is empty"),
    ),
    (
        "empty key person",
        changed("children.csv", 2, "key_person_id", ""),
        ("children.csv", 2, "key_person_id", "required"),
    ),
    # wrong types
    (
        "number",
        changed("practitioners.csv", 2, "base_lat", "north"),
        ("practitioners.csv", 2, "base_lat", "not a number"),
    ),
    (
        "number nan",
        changed("settings.csv", 2, "lon", "nan"),
        ("settings.csv", 2, "lon", "not a number"),
    ),
    (
        "integer fraction",
        changed("practitioners.csv", 2, "max_reviews_per_day", "2.5"),
        ("practitioners.csv", 2, "max_reviews_per_day", "whole number"),
    ),
    (
        "integer word",
        changed("settings.csv", 2, "rooms", "two"),
        ("settings.csv", 2, "rooms", "whole number"),
    ),
    (
        "date format",
        changed("children.csv", 2, "date_of_birth", "15/06/2024"),
        ("children.csv", 2, "date_of_birth", "not a date"),
    ),
    (
        "date impossible",
        changed("children.csv", 3, "date_of_birth", "2024-02-30"),
        ("children.csv", 3, "date_of_birth", "not a date"),
    ),
    (
        "date short",
        changed("children.csv", 2, "reviewed_on", "2025-1-5"),
        ("children.csv", 2, "reviewed_on", "not a date"),
    ),
    (
        "absence date",
        changed("absences.csv", 2, "start_date", "next week"),
        ("absences.csv", 2, "start_date", "not a date"),
    ),
    (
        "closure date",
        changed("closures.csv", 3, "date", "2026-12-32"),
        ("closures.csv", 3, "date", "not a date"),
    ),
    (
        "time am/pm",
        changed("practitioners.csv", 2, "day_start", "9am"),
        ("practitioners.csv", 2, "day_start", "HH:MM"),
    ),
    (
        "time 25h",
        changed("settings.csv", 2, "close_time", "25:00"),
        ("settings.csv", 2, "close_time", "HH:MM"),
    ),
    (
        "time minutes",
        changed("settings.csv", 3, "open_time", "09:60"),
        ("settings.csv", 3, "open_time", "HH:MM"),
    ),
    (
        "day name",
        changed("practitioners.csv", 2, "working_days", "Mon,Funday"),
        ("practitioners.csv", 2, "working_days", "'Funday' is not a day"),
    ),
    (
        "day full name",
        changed("settings.csv", 2, "open_days", "Monday"),
        ("settings.csv", 2, "open_days", "not a day"),
    ),
    (
        "parent days",
        changed("children.csv", 2, "parent_unavailable_days", "Fri;Sat"),
        ("children.csv", 2, "parent_unavailable_days", "not a day"),
    ),
    (
        "key person days",
        changed("key_persons.csv", 2, "working_days", "weekdays"),
        ("key_persons.csv", 2, "working_days", "not a day"),
    ),
    (
        "boolean",
        changed("children.csv", 2, "funded_two", "maybe"),
        ("children.csv", 2, "funded_two", "true/false"),
    ),
    (
        "optional boolean",
        changed("children.csv", 3, "send", "y"),
        ("children.csv", 3, "send", "true/false"),
    ),
    # duplicate ids: the second one is reported, pointing at the first
    (
        "duplicate child",
        changed("children.csv", 4, "child_id", "C001"),
        ("children.csv", 4, "child_id", "duplicate child_id; first on line 2"),
    ),
    (
        "duplicate practitioner",
        changed("practitioners.csv", 3, "practitioner_id", "P001"),
        ("practitioners.csv", 3, "practitioner_id", "duplicate"),
    ),
    (
        "duplicate setting",
        with_files(settings_csv=VALID["settings.csv"] + VALID["settings.csv"].splitlines()[1]),
        ("settings.csv", 4, "setting_id", "duplicate setting_id; first on line 2"),
    ),
    (
        "duplicate key person",
        with_files(key_persons_csv=VALID["key_persons.csv"] + "K002,S002,Dee,,\n"),
        ("key_persons.csv", 5, "key_person_id", "duplicate key_person_id; first on line 3"),
    ),
    # foreign keys that point nowhere
    (
        "child setting",
        changed("children.csv", 2, "setting_id", "S999"),
        ("children.csv", 2, "setting_id", "unknown setting"),
    ),
    (
        "child key person",
        changed("children.csv", 3, "key_person_id", "K999"),
        ("children.csv", 3, "key_person_id", "unknown key person"),
    ),
    (
        "link practitioner",
        changed("settings.csv", 2, "link_practitioner_id", "P999"),
        ("settings.csv", 2, "link_practitioner_id", "unknown practitioner"),
    ),
    (
        "key person setting",
        changed("key_persons.csv", 3, "setting_id", "S999"),
        ("key_persons.csv", 3, "setting_id", "unknown setting"),
    ),
    (
        "absence person",
        changed("absences.csv", 2, "person_id", "X1"),
        ("absences.csv", 2, "person_id", "unknown practitioner or key person"),
    ),
    (
        "closure setting",
        changed("closures.csv", 2, "setting_id", "S999"),
        ("closures.csv", 2, "setting_id", "unknown setting"),
    ),
    # a key person from another setting than the child's
    (
        "key person elsewhere",
        changed("children.csv", 2, "key_person_id", "K003"),
        ("children.csv", 2, "key_person_id", "works at setting S002, not the child's setting S001"),
    ),
    # date of birth after today
    (
        "born tomorrow",
        changed("children.csv", 2, "date_of_birth", "2026-08-02"),
        ("children.csv", 2, "date_of_birth", "in the future"),
    ),
    # order of times and dates
    (
        "day ends at start",
        changed("practitioners.csv", 2, "day_end", "08:30"),
        ("practitioners.csv", 2, "day_end", "later than day_start (08:30)"),
    ),
    (
        "day ends early",
        changed("practitioners.csv", 3, "day_end", "08:00"),
        ("practitioners.csv", 3, "day_end", "later than day_start"),
    ),
    (
        "closes before opening",
        changed("settings.csv", 2, "close_time", "07:00"),
        ("settings.csv", 2, "close_time", "later than open_time (08:00)"),
    ),
    (
        "absence backwards",
        changed("absences.csv", 2, "end_date", "2026-10-04"),
        ("absences.csv", 2, "end_date", "is before start_date (2026-10-05)"),
    ),
    # ranges and allowed values
    (
        "lat > 90",
        changed("settings.csv", 2, "lat", "91"),
        ("settings.csv", 2, "lat", "between -90 and 90"),
    ),
    (
        "lon < -180",
        changed("settings.csv", 3, "lon", "-180.5"),
        ("settings.csv", 3, "lon", "between -180 and 180"),
    ),
    (
        "base lat",
        changed("practitioners.csv", 2, "base_lat", "-90.1"),
        ("practitioners.csv", 2, "base_lat", "between"),
    ),
    (
        "base lon",
        changed("practitioners.csv", 3, "base_lon", "200"),
        ("practitioners.csv", 3, "base_lon", "between"),
    ),
    (
        "negative limit",
        changed("practitioners.csv", 2, "max_reviews_per_day", "-1"),
        ("practitioners.csv", 2, "max_reviews_per_day", "must not be negative"),
    ),
    (
        "no rooms",
        changed("settings.csv", 2, "rooms", "0"),
        ("settings.csv", 2, "rooms", "at least 1"),
    ),
    (
        "setting type",
        changed("settings.csv", 3, "type", "nursery"),
        ("settings.csv", 3, "type", "must be one of children_centre, maintained, pvi, childminder"),
    ),
    # unreadable files
    (
        "latin-1",
        with_files(children_csv=VALID["children.csv"].replace("Bo B", "Zoë").encode("latin-1")),
        ("children.csv", 3, "-", "not UTF-8"),
    ),
    (
        "ragged long",
        with_files(
            children_csv=VALID["children.csv"] + "C005,Ed,2024-01-01,S001,K001,no,,,,,,,,,extra\n"
        ),
        ("children.csv", 6, "-", "15 fields but the header has 14"),
    ),
    (
        "ragged short",
        with_files(closures_csv=VALID["closures.csv"] + "S002\n"),
        ("closures.csv", 4, "-", "1 fields but the header has 2"),
    ),
    (
        "bad quoting",
        with_files(closures_csv='setting_id,date\n"S001"x,2026-11-02\n'),
        ("closures.csv", 2, "-", "cannot read CSV"),
    ),
    # config.toml: wrong type, unknown key, not TOML
    (
        "config type",
        with_files(config_toml='[review]\nmodel = "joint"\nmeeting_minutes = "long"\n'),
        ("config.toml", 3, "review.meeting_minutes", "integer"),
    ),
    (
        "config unknown key",
        with_files(config_toml="[priorities]\nfunded_two = 2.0\nfunded = 1.0\n"),
        ("config.toml", 3, "priorities.funded", "unknown key"),
    ),
    (
        "config section",
        with_files(config_toml="[terms]\nname = 'x'\n"),
        ("config.toml", 1, "terms", "unknown key"),
    ),
    (
        "config choice",
        with_files(config_toml="[term]\nbank_holidays = 'france'\n"),
        ("config.toml", 2, "term.bank_holidays", ""),
    ),
    (
        "config syntax",
        with_files(config_toml="[term]\nname = \n"),
        ("config.toml", 2, "-", "not valid TOML"),
    ),
]


@pytest.mark.parametrize(("files", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_mistake_is_reported_where_it_is(
    tmp_path: Path, files: Files, expected: tuple[str, int, str, str]
) -> None:
    """Each broken fixture fails with exactly one problem, at its file, line and column."""
    problems = problems_of(tmp_path, files)
    file, line, column, fragment = expected
    assert locations(problems) == [(file, line, column)], problems
    assert fragment in problems[0].message, problems[0]


def test_problem_quotes_the_offending_value(tmp_path: Path) -> None:
    """The value in brackets is the cell as written, so the user can search for it."""
    problems = problems_of(tmp_path, changed("children.csv", 2, "date_of_birth", " 15/06/2024 "))
    assert str(problems[0]) == (
        "children.csv:2: date_of_birth: not a date (use YYYY-MM-DD) (15/06/2024)"
    )


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    """Mistakes in several files and config come back together, config first, then by file."""
    files = changed("children.csv", 2, "date_of_birth", "yesterday")
    files["children.csv"] = set_cell(str(files["children.csv"]), 4, "funded_two", "")
    files["settings.csv"] = set_cell(VALID["settings.csv"], 3, "rooms", "-2")
    files["config.toml"] = "[travel]\nspeed_kmh = 0\n"
    files["key_persons.csv"] = None
    problems = problems_of(tmp_path, files)
    assert locations(problems) == [
        ("config.toml", 2, "travel.speed_kmh"),
        ("settings.csv", 3, "rooms"),
        ("key_persons.csv", 0, "-"),
        ("children.csv", 2, "date_of_birth"),
        ("children.csv", 4, "funded_two"),
    ]


def test_missing_referenced_table_does_not_flood_foreign_keys(tmp_path: Path) -> None:
    """Without settings.csv, the one problem is the missing file, not every setting_id."""
    problems = problems_of(tmp_path, with_files(settings_csv=None))
    assert locations(problems) == [("settings.csv", 0, "-")]


def test_duplicated_header_column_is_an_error(tmp_path: Path) -> None:
    """Two ``name`` columns are ambiguous: which one holds the name?"""
    text = add_column(VALID["key_persons.csv"], "name", "Other")
    problems = problems_of(tmp_path, with_files(key_persons_csv=text))
    assert locations(problems) == [("key_persons.csv", 1, "name")]


# --- config ----------------------------------------------------------------------------------


def test_config_in_the_folder_is_used(tmp_path: Path) -> None:
    """config.toml beside the CSVs sets the term and model."""
    authority = load(tmp_path, with_files(config_toml=CONFIG)).authority
    assert authority.config.term.name == "Spring 2027"
    assert authority.config.review.model == "separate"


def test_config_defaults_without_a_file(tmp_path: Path) -> None:
    """Without config.toml the contract's defaults apply."""
    assert load(tmp_path).authority.config.term.name == "Autumn 2026"


def test_explicit_config_wins_over_the_folders(tmp_path: Path) -> None:
    """``config_path`` is used instead of the folder's config.toml."""
    other = tmp_path / "other.toml"
    other.write_text('[term]\nname = "Summer 2027"\nstart = 2027-04-12\nend = 2027-07-21\n')
    files = with_files(config_toml=CONFIG)
    result = load(tmp_path, files, config_path=other)
    assert result.authority.config.term.name == "Summer 2027"


def test_explicit_config_problems_name_that_file(tmp_path: Path) -> None:
    """A bad explicit config is reported under its own name, with the key's line."""
    other = tmp_path / "other.toml"
    other.write_text("[review]\n\nwindow_months = [30, 24]\n")
    problems = problems_of(tmp_path, VALID, config_path=other)
    assert locations(problems) == [("other.toml", 1, "review")]  # a rule across two keys
    assert "window_months" in problems[0].message


def test_missing_explicit_config_is_a_problem(tmp_path: Path) -> None:
    """Naming a config file that does not exist is an error, not a silent default."""
    problems = problems_of(tmp_path, VALID, config_path=tmp_path / "nope.toml")
    assert locations(problems) == [("nope.toml", 0, "-")]


def test_missing_data_folder_is_a_problem(tmp_path: Path) -> None:
    """A path that does not exist is reported, not a traceback."""
    with pytest.raises(InputError) as caught:
        load_authority(tmp_path / "nowhere")
    assert "no such file" in caught.value.problems[0].message


# --- uploads (the dashboard) -----------------------------------------------------------------


def _encoded(files: Files = VALID) -> dict[str, bytes]:
    return {
        n: c.encode("utf-8") if isinstance(c, str) else c for n, c in files.items() if c is not None
    }


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_upload_of_csv_files_and_config(tmp_path: Path) -> None:
    """Several CSVs plus config.toml load like a folder."""
    result = load_authority_from_upload(_encoded(with_files(config_toml=CONFIG)), today=TODAY)
    assert list(result.authority.children) == ["C001", "C002", "C003", "C004"]
    assert result.authority.config.term.name == "Spring 2027"


def test_upload_of_a_zip_with_a_folder_inside(tmp_path: Path) -> None:
    """A zip whose files sit in one folder loads; macOS metadata is ignored."""
    members = {f"export/{n}": c for n, c in _encoded(with_files(config_toml=CONFIG)).items()}
    members["__MACOSX/export/._children.csv"] = b"\x00\x05junk"
    result = load_authority_from_upload({"export.zip": _zip(members)}, today=TODAY)
    assert len(result.authority.children) == 4
    assert result.authority.config.review.model == "separate"
    assert result.warnings == []


def test_upload_problems_name_the_uploaded_files(tmp_path: Path) -> None:
    """Problems in an uploaded zip point at the CSV inside it."""
    members = _encoded(changed("children.csv", 3, "setting_id", "S404"))
    with pytest.raises(InputError) as caught:
        load_authority_from_upload({"data.zip": _zip(members)}, today=TODAY)
    assert locations(caught.value.problems) == [("children.csv", 3, "setting_id")]


@pytest.mark.parametrize("member", ["../children.csv", "/etc/children.csv", "a/../../x.csv"])
def test_upload_zip_with_unsafe_paths_is_refused(member: str) -> None:
    """Members that would escape the folder (absolute, ``..``) make the archive unusable."""
    members = _encoded()
    members[member] = b"x"
    with pytest.raises(InputError) as caught:
        load_authority_from_upload({"data.zip": _zip(members)}, today=TODAY)
    assert [p.message for p in caught.value.problems] == ["unsafe path in archive refused"]


def test_upload_zip_bomb_is_refused() -> None:
    """An archive unpacking to more than 50 MB is refused before it is unpacked."""
    members = _encoded()
    members["padding.csv"] = b"0" * (readers.MAX_UNCOMPRESSED_BYTES + 1)
    with pytest.raises(InputError) as caught:
        load_authority_from_upload({"data.zip": _zip(members)}, today=TODAY)
    assert "more than 50 MB" in caught.value.problems[0].message


def test_upload_of_something_that_is_not_a_zip() -> None:
    """A .zip that is not an archive is one clear problem."""
    with pytest.raises(InputError) as caught:
        load_authority_from_upload({"data.zip": b"hello"}, today=TODAY)
    assert locations(caught.value.problems) == [("data.zip", 0, "-")]


def test_upload_never_writes_to_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Loading an upload opens no file for writing (personal data stays in memory)."""
    import builtins

    real_open = builtins.open

    def guarded(file: object, mode: str = "r", *args: object, **kwargs: object) -> object:
        assert not any(m in mode for m in "wax+"), f"opened {file} for writing"
        return real_open(file, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(builtins, "open", guarded)
    members = _encoded(with_files(config_toml=CONFIG))
    assert len(load_authority_from_upload({"d.zip": _zip(members)}, today=TODAY).authority.children)


def test_load_a_zip_file_from_disk(tmp_path: Path) -> None:
    """``load_authority`` also takes a .zip of the folder, with the config.toml inside it."""
    path = tmp_path / "data.zip"
    path.write_bytes(_zip(_encoded(with_files(config_toml=CONFIG))))
    authority = load_authority(path, today=TODAY).authority
    assert len(authority.children) == 4
    assert authority.config.term.name == "Spring 2027"


# --- scale -----------------------------------------------------------------------------------


def test_twenty_thousand_children_load(tmp_path: Path) -> None:
    """A large authority (20,000 children) loads, in file order."""
    header = VALID["children.csv"].splitlines()[0]
    rows = [
        f"C{i:05d},Child {i},2024-{1 + i % 12:02d}-{1 + i % 28:02d},S00{1 + i % 2},"
        f"K00{1 + 2 * (i % 2)},{'yes' if i % 4 == 0 else 'no'},no,,English,,,"
        f"{'Fri' if i % 3 == 0 else ''},,"
        for i in range(20_000)
    ]
    files = with_files(children_csv="\n".join([header, *rows]) + "\n")
    folder = write_folder(tmp_path / "big", files)
    authority = load_authority(folder, today=TODAY).authority  # timed in bench/, not here
    assert len(authority.children) == 20_000
    assert list(authority.children)[:2] == ["C00000", "C00001"]


def test_twenty_thousand_bad_rows_are_all_reported(tmp_path: Path) -> None:
    """A systematic mistake in every row is reported for every row."""
    header = VALID["children.csv"].splitlines()[0]
    rows = [f"C{i:05d},Child {i},01/02/2024,S001,K001,no,,,,,,,," for i in range(20_000)]
    folder = write_folder(tmp_path / "bad", with_files(children_csv="\n".join([header, *rows])))
    with pytest.raises(InputError) as caught:
        load_authority(folder, today=TODAY)
    assert len(caught.value.problems) == 20_000
    assert caught.value.problems[-1].line == 20_001


# --- the user documentation ------------------------------------------------------------------

DOC = Path(__file__).resolve().parent.parent / "docs" / "data-format.md"


def test_documentation_names_every_table_and_column() -> None:
    """docs/data-format.md has a section per file and a row per column of the schemas."""
    text = DOC.read_text(encoding="utf-8")
    for table in TABLES:
        assert f"## `{table.file_name}`" in text, table.name
        for column in table.columns:
            assert f"| `{column.name}` |" in text, f"{table.name}.{column.name}"


def test_documentation_examples_load(tmp_path: Path) -> None:
    """The CSV examples in docs/data-format.md form a valid folder."""
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```csv\n(.*?)```", text, flags=re.DOTALL)
    by_header = {",".join(table.names): table for table in TABLES}
    files: dict[str, str] = {}
    for block in blocks:
        table = by_header[block.splitlines()[0]]  # every example lists every column
        files[table.file_name] = block
    assert set(files) == {t.file_name for t in TABLES}
    authority = load(tmp_path, files).authority
    assert list(authority.children) == ["C001", "C002", "C003"]
    assert authority.children["C003"].setting_id is None  # a child in no setting
    assert [o.outcome for o in authority.outcomes] == ["attended", "was_not_brought"]


# --- robustness ------------------------------------------------------------------------------

CHILD_COLUMNS = list(CHILDREN.names)
_CSV_ALPHABET = st.sampled_from([*list('ab1-:,;"\n\r \t\x00é'), "\ufeff", "yes", "Mon", "S001"])


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=st.lists(st.sampled_from([*CHILD_COLUMNS, "", "x"]), min_size=0, max_size=16),
    body=st.lists(_CSV_ALPHABET, max_size=200).map("".join),
    raw=st.one_of(st.just(b""), st.binary(max_size=40)),
)
def test_any_children_file_gives_a_result_or_input_error(
    tmp_path: Path, header: list[str], body: str, raw: bytes
) -> None:
    """Whatever children.csv holds, loading ends in a result or InputError, never a crash."""
    content = (",".join(header) + "\n" + body).encode("utf-8") + raw
    try:
        load_authority_from_upload(_encoded(with_files(children_csv=content)), today=TODAY)
    except InputError as exc:
        assert exc.problems
        assert all(isinstance(p, Problem) and str(p) for p in exc.problems)
