"""``scheduler generate`` (scheduler/commands/generate.py): a seeded authority written as a
folder or a workbook, one line of counts, and bad options refused with nothing written."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from command_helpers import help_text, usage_error

from scheduler.cli import main
from scheduler.commands import generate
from scheduler.domain import Authority
from scheduler.generate.authority import generate_authority
from scheduler.io.write_data import write_authority

MIDTERM = date(2027, 2, 22)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_help_and_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    """``--help`` lists the sizes; a size and a count together, or a count of 0, exit 2."""
    assert "medium" in help_text(generate, "generate", capsys)
    usage_error(
        ["generate", "--size", "small", "--children", "10", "--seed", "1", "--out", "x"], capsys
    )
    assert "must be at least 1" in usage_error(
        ["generate", "--children", "0", "--seed", "1", "--out", "x"], capsys
    )


def test_command_writes_a_folder_and_a_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``scheduler generate`` writes the folder and prints one line of counts."""
    out = tmp_path / "auth"
    assert main(["generate", "--children", "80", "--seed", "4", "--out", str(out)]) == 0
    line = capsys.readouterr().out.strip()
    assert "\n" not in line and "80 due" in line and "practitioners" in line
    assert _files(out)["children.csv"] == _children_csv(generate_authority(80, 4), tmp_path)


def _children_csv(a: Authority, tmp_path: Path) -> bytes:
    write_authority(a, tmp_path / "expected")
    return (tmp_path / "expected" / "children.csv").read_bytes()


def test_command_refuses_a_non_empty_folder_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A non-empty --out is an input error (exit 2) unless --force is given."""
    out = tmp_path / "auth"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    args = ["generate", "--children", "30", "--seed", "1", "--out", str(out)]
    assert main(args) == 2
    assert "not empty" in capsys.readouterr().err
    assert (out / "notes.txt").read_text() == "keep me"
    assert main([*args, "--force"]) == 0
    assert not (out / "notes.txt").exists()


def test_command_sizes_model_and_workbook(tmp_path: Path) -> None:
    """--size picks a graded size; --xlsx writes a workbook and config.toml only."""
    out = tmp_path / "book"
    args = ["generate", "--size", "small", "--seed", "2", "--out", str(out)]
    assert main([*args, "--xlsx", "--model", "separate"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["authority.xlsx", "config.toml"]
    assert 'model = "separate"' in (out / "config.toml").read_text()


def test_command_practitioners_sets_the_headcount(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--practitioners N writes N practitioners; too few for the towns is an input error."""
    out = tmp_path / "wide"
    assert main(["generate", "--size", "small", "--seed", "2", "--practitioners", "20",
                 "--out", str(out)]) == 0  # fmt: skip
    assert "20 practitioners" in capsys.readouterr().out
    assert pl.read_csv(out / "practitioners.csv").height == 20
    bad = tmp_path / "bad"
    assert main(["generate", "--size", "small", "--seed", "2", "--practitioners", "2",
                 "--out", str(bad)]) == 2  # fmt: skip
    assert "cannot give each of 3 towns a team" in capsys.readouterr().err
    assert not bad.exists()


def test_command_today_writes_outcomes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--today sets [term] today and writes outcomes.csv; a date outside the term or not a date
    is an input error (exit 2) and nothing is written."""
    out = tmp_path / "mid"
    args = ["generate", "--size", "small", "--seed", "2", "--out"]
    assert main([*args, str(out), "--today", "2027-02-22"]) == 0
    line = capsys.readouterr().out
    assert "today 2027-02-22:" in line and "attended" in line
    assert tomllib.loads((out / "config.toml").read_text())["term"]["today"] == MIDTERM
    assert pl.read_csv(out / "outcomes.csv").height > 0
    bad = tmp_path / "bad"
    assert main([*args, str(bad), "--today", "2027-04-01"]) == 2
    assert "--today:0: -: must fall inside the term" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main([*args, str(bad), "--today", "22/02/2027"])
    assert exit_.value.code == 2
    assert "not a date" in capsys.readouterr().err
    assert not bad.exists()
