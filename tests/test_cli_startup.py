"""The command line starts without loading what the command does not need (issue 21):
listing the commands loads no solver, data or database library, and ``plan`` without
``--db`` does not load the plan store's database layer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scheduler.cli import COMMANDS, build_parser, command_named, main

HEAVY = ("ortools", "pandas", "polars", "sqlalchemy", "alembic", "icalendar", "pydantic")


def loaded_after(code: str) -> set[str]:
    """The heavy libraries a fresh interpreter has loaded after running ``code``."""
    report = f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)"
    probe = f"import sys\n{code}\n{report}"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return set(done.stderr.split())


def test_listing_the_commands_loads_no_heavy_library() -> None:
    """``scheduler --help`` (and the parser for an unknown word) loads none of them."""
    code = (
        "from scheduler.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
    )
    assert loaded_after(code) == set()


def test_plan_without_db_does_not_load_the_database_layer() -> None:
    """``plan`` needs the solver and the data layer, not SQLAlchemy or Alembic."""
    code = "from scheduler.cli import build_parser\nbuild_parser(['plan', 'd', '--out', 'p'])"
    loaded = loaded_after(code)
    assert {"ortools", "polars"} <= loaded  # what it needs, it loads
    assert not loaded & {"sqlalchemy", "alembic"}


def test_every_command_is_listed_with_its_own_help_line() -> None:
    """The table the listing is made from says what each command's module says."""
    full = build_parser()
    subparsers = next(a for a in full._actions if a.dest == "command")
    helps = {action.dest: action.help for action in subparsers._choices_actions}
    assert helps == dict(COMMANDS)


@pytest.mark.parametrize(
    ("words", "named"),
    [
        (["plan", "data", "--out", "x"], "plan"),
        (["-v", "replan", "data"], "replan"),
        (["--verbose", "--", "plan"], None),
        (["--version"], None),
        ([], None),
    ],
)
def test_the_command_named_is_the_first_word_that_is_not_an_option(
    words: list[str], named: str | None
) -> None:
    assert command_named(words) == named


def test_a_bad_config_is_still_reported_as_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The config's error is caught where it is handled, though not imported at start."""
    data = tmp_path / "data"
    data.mkdir()
    for name in ("practitioners", "settings", "key_persons", "children"):
        (data / f"{name}.csv").write_text("x\n")
    (data / "config.toml").write_text("[review]\nmodel = 'sideways'\n")
    assert main(["validate", str(data)]) == 2
    assert "config.toml" in capsys.readouterr().err
