"""The ``scheduler`` command (scheduler/cli.py): every sub-command registered, ``--version``,
and bad input as ``file:line: column: problem (value)`` lines with exit status 2."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from scheduler import __version__, cli
from scheduler.cli import COMMANDS, EXIT_INPUT_ERROR, build_parser, main
from scheduler.commands import validate
from scheduler.config import ConfigError
from scheduler.errors import InputError, Problem


def test_every_command_module_is_a_sub_command() -> None:
    """Each command in COMMANDS registers its sub-command, and every module of
    scheduler/commands (but the shared helpers) is one of them."""
    names = [name for name, _ in COMMANDS]
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert sorted(sub.choices) == sorted(names)
    commands = Path(cli.__file__).parent / "commands"
    helpers = {"__init__", "arguments", "planning", "store_option"}
    modules = {p.stem for p in commands.glob("*.py")} - helpers
    assert modules == {name.replace("-", "_") for name in names}


def test_version_and_no_command(capsys: pytest.CaptureFixture[str]) -> None:
    """``--version`` prints the package version; no command is a usage error (exit 2)."""
    with pytest.raises(SystemExit) as version:
        main(["--version"])
    assert version.value.code == 0 and __version__ in capsys.readouterr().out
    with pytest.raises(SystemExit) as nothing:
        main([])
    assert nothing.value.code == 2 and "required" in capsys.readouterr().err


def test_an_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """A misspelt command exits 2 and names the choices."""
    with pytest.raises(SystemExit) as caught:
        main(["paln"])
    assert caught.value.code == 2 and "invalid choice" in capsys.readouterr().err


def test_input_and_config_errors_are_lines_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every problem is printed as one line and the status is 2; nothing else."""
    problems = [
        Problem("children.csv", 3, "dob", "not a date", "x"),
        Problem("a.csv", 0, "-", "missing"),
    ]

    def bad_input(args: argparse.Namespace) -> int:
        raise InputError(problems)

    def bad_config(args: argparse.Namespace) -> int:
        raise ConfigError("config.toml", [("review.meeting_minutes", "too small", "1")])

    for failing, expected in (
        (bad_input, ["children.csv:3: dob: not a date (x)", "a.csv:0: -: missing ()"]),
        (bad_config, ["config.toml:0: review.meeting_minutes: too small (1)"]),
    ):
        monkeypatch.setattr(validate, "run", failing)
        assert main(["validate", "anything"]) == EXIT_INPUT_ERROR
        lines = capsys.readouterr().err.splitlines()
        assert lines[:-1] == expected
        assert lines[-1] == f"{len(expected)} problem(s) found; nothing was written."


def test_a_missing_data_folder_is_one_line_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real path: ``validate`` on a folder that is not there exits 2 with located lines."""
    assert main(["validate", str(tmp_path / "nowhere")]) == EXIT_INPUT_ERROR
    err = capsys.readouterr().err
    assert "Traceback" not in err and "nothing was written" in err
