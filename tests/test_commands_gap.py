"""``scheduler gap FILE`` (scheduler/commands/gap.py): an OR-Library instance solved, the
assignment written, one JSON line printed."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from command_helpers import help_text, usage_error

from scheduler.cli import main
from scheduler.commands import gap

DATA = Path(__file__).parent / "data"


def test_help_and_a_missing_time_limit(capsys: pytest.CaptureFixture[str]) -> None:
    """``--help`` works; ``--time-limit`` and ``--out`` are required (exit 2)."""
    help_text(gap, "gap", capsys)
    assert "--time-limit" in usage_error(["gap", "file", "--out", "x.csv"], capsys)


def test_gap_command_writes_assignment_and_one_json_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`scheduler gap` writes item,agent rows numbered from 1 and prints one JSON summary."""
    out = tmp_path / "assignment.csv"
    code = main(["gap", str(DATA / "gap1-0"), "--time-limit", "5", "--out", str(out)])
    summary = json.loads(capsys.readouterr().out.strip())
    assert code == 0
    assert summary["objective"] == 261 and summary["status"] == "OPTIMAL"
    rows = out.read_text().splitlines()
    assert rows[0] == "item,agent" and len(rows) == 16 and rows[1].startswith("1,")


def test_an_unknown_figure_is_null_in_json() -> None:
    """JSON has no infinity: an unknown bound or gap is written as null."""
    assert gap._finite(math.inf) is None and gap._finite(2.5) == 2.5


def test_a_malformed_instance_is_one_located_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cost that is not a number: exit 2, the file and line named, nothing written."""
    path = tmp_path / "bad"
    path.write_text("2 3\n1 1 x\n")
    out = tmp_path / "a.csv"
    assert main(["gap", str(path), "--time-limit", "1", "--out", str(out)]) == 2
    assert f"{path}:2: -: a cost is not an integer (x)" in capsys.readouterr().err
    assert not out.exists()
