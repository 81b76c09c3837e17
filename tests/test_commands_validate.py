"""``scheduler validate``: a summary of good data, every problem of bad data, exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from command_helpers import help_text, usage_error
from loadfixtures import CONFIG, VALID, add_column, set_cell, with_files, write_folder

from scheduler.cli import main
from scheduler.commands import validate as validate_command


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["validate", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_summary_of_a_valid_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Term, review days, counts by type and the due children's breakdown; exit 0."""
    folder = write_folder(tmp_path, with_files(config_toml=CONFIG))
    code, out, err = run(capsys, str(folder))
    assert code == 0 and err == ""
    lines = out.splitlines()
    # Spring 2027: 82 days from 4 Jan to 26 Mar, less half term (15-19 Feb) and Good Friday.
    assert lines[0] == (
        "Term: Spring 2027, 2027-01-04 to 2027-03-26 (76 review days, 54 of them Monday to Friday)"
    )
    assert "Review model: separate" in lines
    assert "Settings: 2 (pvi 1, childminder 1)" in lines
    assert "Practitioners: 2" in lines
    assert "Key persons: 3" in lines
    assert "Children in the data: 4" in lines
    # C003 is already reviewed; C001 (Jun 2024) and C004 (Feb 2024) are past 30 months.
    assert "Children due this term: 3" in lines
    assert "  funded two-year-olds: 1" in lines
    assert "  overdue (past 30 months when the term starts): 2" in lines
    assert "  with SEND: 1" in lines
    assert lines[-1] == "No problems found."


def test_summary_never_prints_personal_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """No child's name or date of birth appears in the summary."""
    folder = write_folder(tmp_path)
    _, out, _ = run(capsys, str(folder))
    assert "Amy" not in out and "2024-06-15" not in out


def test_warnings_are_printed_after_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown column is listed as a warning and the exit status stays 0."""
    files = with_files(children_csv=add_column(VALID["children.csv"], "shoe_size", "5"))
    code, out, _ = run(capsys, str(write_folder(tmp_path, files)))
    assert code == 0
    assert "Warnings (1):" in out
    assert "  children.csv:1: shoe_size: unknown column; ignored ()" in out


def test_config_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--config FILE`` is used instead of the defaults."""
    folder = write_folder(tmp_path / "data")
    config = tmp_path / "spring.toml"
    config.write_text(CONFIG)
    code, out, _ = run(capsys, str(folder), "--config", str(config))
    assert code == 0 and "Term: Spring 2027" in out


def test_a_dozen_mistakes_are_all_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Twelve deliberate mistakes: twelve lines on stderr, exit 2, no traceback, no summary."""
    files = dict(with_files(config_toml="[review]\nmeeting_minutes = 'long'\n"))
    edits = [
        ("practitioners.csv", 2, "day_end", "07:00"),  # ends before it starts
        ("practitioners.csv", 3, "max_reviews_per_day", "-2"),  # negative
        ("settings.csv", 2, "type", "nursery"),  # not one of the four
        ("settings.csv", 3, "lat", "151.4"),  # off the globe
        ("settings.csv", 3, "link_practitioner_id", "P999"),  # unknown practitioner
        ("key_persons.csv", 3, "working_days", "Mon,Thurs"),  # not a day name
        ("children.csv", 2, "date_of_birth", "2024-06-31"),  # no such date
        ("children.csv", 3, "key_person_id", "K003"),  # works at the other setting
        ("children.csv", 4, "funded_two", "maybe"),  # not a boolean
        ("children.csv", 5, "child_id", "C001"),  # duplicate id
        ("absences.csv", 2, "end_date", "2026-10-01"),  # before its start
    ]
    for name, line, column, value in edits:
        files[name] = set_cell(str(files[name]), line, column, value)
    code, out, err = run(capsys, str(write_folder(tmp_path, files)))
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert lines[-1] == "12 problem(s) found; nothing was written."
    assert lines[:-1] == [
        "config.toml:2: review.meeting_minutes: Input should be a valid integer, unable to "
        "parse string as an integer (long)",
        "practitioners.csv:2: day_end: must be later than day_start (08:30) (07:00)",
        "practitioners.csv:3: max_reviews_per_day: must not be negative (-2)",
        "settings.csv:2: type: must be one of children_centre, maintained, pvi, childminder "
        "(nursery)",
        "settings.csv:3: lat: must be between -90 and 90 (151.4)",
        "settings.csv:3: link_practitioner_id: unknown practitioner (P999)",
        "key_persons.csv:3: working_days: 'Thurs' is not a day (use Mon,Tue,Wed,Thu,Fri,Sat,Sun) "
        "(Mon,Thurs)",
        "children.csv:2: date_of_birth: not a date (use YYYY-MM-DD) (2024-06-31)",
        "children.csv:3: key_person_id: works at setting S002, not the child's setting S001 (K003)",
        "children.csv:4: funded_two: not a yes/no value (use true/false, yes/no or 1/0) (maybe)",
        "children.csv:5: child_id: duplicate child_id; first on line 2 (C001)",
        "absences.csv:2: end_date: is before start_date (2026-10-05) (2026-10-01)",
    ]
    assert "Traceback" not in err


def test_missing_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A data path that does not exist is an input error, not a crash."""
    code, _, err = run(capsys, str(tmp_path / "nowhere"))
    assert code == 2 and "no such file or folder" in err


def test_the_command_has_help_and_refuses_a_bad_argument(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``scheduler validate --help`` works; a missing or malformed argument exits 2."""
    assert "--config" in help_text(validate_command, "validate", capsys)
    usage_error(["validate"], capsys)


def test_today_checks_the_folder_as_a_replan_on_that_date_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An outcome recorded after the config's ``[term] today`` (the folder's first plan) is
    "after today" without ``--today``, and fine with the re-plan's later date, which the
    summary names."""
    outcome = (
        "child_id,date,outcome,asq3,consent_to_share,venue,practitioner_id\n"
        "C001,2026-07-20,attended,,,,\n"
    )
    files = with_files(outcomes_csv=outcome, config_toml="[term]\ntoday = 2026-07-01\n")
    folder = write_folder(tmp_path, files)
    code, out, err = run(capsys, str(folder))
    assert code == 2 and out == ""
    assert "outcomes.csv:2: date: is after today (2026-07-01)" in err
    code, out, err = run(capsys, str(folder), "--today", "2026-08-01")
    assert code == 0 and err == ""
    assert "Planning date: 2026-08-01" in out.splitlines()
    assert out.splitlines()[-1] == "No problems found."


def test_a_bad_today_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``--today`` that is not a date: exit 2 and the value named, nothing loaded."""
    with pytest.raises(SystemExit) as caught:
        main(["validate", str(write_folder(tmp_path)), "--today", "1 Aug"])
    assert caught.value.code == 2
    assert "not a date YYYY-MM-DD (1 Aug)" in capsys.readouterr().err
