"""``scheduler gap FILE`` (scheduler/commands/gap.py): an OR-Library instance solved, the
assignment written, one JSON line printed."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

import pytest
from command_helpers import help_text, usage_error

from scheduler.cli import main
from scheduler.commands import gap

# 2 agents, 3 items: costs, loads, capacities. Best: items 1,2 -> agent 1 (cost 1+1), item 3 ->
# agent 2 (cost 1): 3, within capacities 5 and 5.
INSTANCE = """2 3
1 1 9
9 9 1
2 3 4
4 4 4
5 5
"""


def test_help_and_a_missing_time_limit(capsys: pytest.CaptureFixture[str]) -> None:
    """``--help`` works; ``--time-limit`` and ``--out`` are required (exit 2)."""
    help_text(gap, "gap", capsys)
    assert "--time-limit" in usage_error(["gap", "file", "--out", "x.csv"], capsys)


def test_a_small_instance_is_solved_and_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The optimum is found and written as item,agent rows, the summary as JSON."""
    path = tmp_path / "tiny"
    path.write_text(INSTANCE)
    out = tmp_path / "assignment.csv"
    assert main(["gap", str(path), "--time-limit", "5", "--workers", "1", "--out", str(out)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["objective"] == 3 and summary["status"] == "OPTIMAL"
    with out.open() as handle:
        assert list(csv.reader(handle)) == [["item", "agent"], ["1", "1"], ["2", "1"], ["3", "2"]]


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
