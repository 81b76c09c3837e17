"""Reading OR-Library generalized-assignment files (scheduler/matching/orlib.py): items and
agents in file order, and a malformed file reported with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.errors import InputError
from scheduler.matching.orlib import read_orlib_gap

DATA = Path(__file__).parent / "data"


def test_orlib_reader_numbers_items_and_agents_in_file_order() -> None:
    """gap1-0 has 5 agents x 15 items; the first cost and load are agent 1's for item 1."""
    pairs, caps = read_orlib_gap(DATA / "gap1-0")
    assert pairs.height == 75 and caps["agent"].to_list() == ["1", "2", "3", "4", "5"]
    first = pairs.row(0, named=True)
    assert first == {"item": "1", "agent": "1", "cost": 17.0, "load": 8}
    assert caps["capacity"].to_list() == [36, 34, 38, 27, 33]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("2 2\n1 2\n3 x\n1 1\n1 1\n5 5\n", 3),  # a cost that is not a number
        ("2 2\n1 2\n3 4\n1 1\n1 1\n5\n", 6),  # a capacity missing
        ("2 2\n1 2\n3 4\n1 1\n1 1\n5 5\n7\n", 7),  # data after the end
    ],
)
def test_orlib_reader_reports_the_line_of_a_malformed_file(
    tmp_path: Path, text: str, line: int
) -> None:
    """A malformed file raises InputError naming the file and the line."""
    path = tmp_path / "bad"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        read_orlib_gap(path)
    problem = info.value.problems[0]
    assert problem.file == str(path) and problem.line == line


def test_numbers_may_wrap_across_lines(tmp_path: Path) -> None:
    """Only the order of the numbers matters, not how the lines break."""
    tidy, wrapped = tmp_path / "tidy", tmp_path / "wrapped"
    tidy.write_text("2 2\n1 2\n3 4\n5 6\n7 8\n9 9\n")
    wrapped.write_text("2\n2 1 2 3\n4 5\n6 7 8 9\n9\n")
    assert read_orlib_gap(tidy)[0].equals(read_orlib_gap(wrapped)[0])
    pairs, caps = read_orlib_gap(wrapped)
    assert pairs.filter(item="2", agent="2").row(0) == ("2", "2", 4.0, 8)
    assert caps["capacity"].to_list() == [9, 9]


def test_no_agents_or_no_items_is_refused(tmp_path: Path) -> None:
    """``0 3``: an instance with nothing to assign is an input error on line 1."""
    path = tmp_path / "empty"
    path.write_text("0 3\n")
    with pytest.raises(InputError) as info:
        read_orlib_gap(path)
    assert str(info.value.problems[0]) == f"{path}:1: -: no agents or no items (0 3)"
