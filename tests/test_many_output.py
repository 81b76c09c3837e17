"""The ``plan-many`` output folder (scheduler/many/output.py): ours (marked) or refused before
any work, each authority's plan under its own path, and every plan folder swapped in whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.errors import InputError
from scheduler.many.output import (
    MARKER,
    check_output,
    plan_folder,
    prepare_output,
    write_plan_files,
)


def test_output_folder_is_ours_or_refused(tmp_path: Path) -> None:
    """A non-empty folder another tool wrote is refused; ours (marked) is reused."""
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(InputError, match="not a plan-many output"):
        prepare_output(foreign)
    ours = tmp_path / "ours"
    prepare_output(ours)
    (ours / "north").mkdir()
    prepare_output(ours)  # a re-run
    assert (ours / MARKER).is_file()


def test_plan_folder_replaced_whole_or_not_at_all(tmp_path: Path) -> None:
    """A plan folder is swapped in whole; a failed write leaves the old one; a folder that is
    not a plan folder, or a path out of the folder, is refused."""
    write_plan_files(tmp_path, "north", {"summary.json": b"{}", "old.csv": b"old"})
    write_plan_files(tmp_path, "north", {"summary.json": b"{}", "ics/a.ics": b"new"})
    assert sorted(p.name for p in (tmp_path / "north").rglob("*")) == [
        "a.ics",
        "ics",
        "summary.json",
    ]
    with pytest.raises(FileExistsError):  # "x" is a file, so "x/y" cannot be written
        write_plan_files(tmp_path, "north", {"summary.json": b"[]", "x": b"", "x/y": b""})
    assert (tmp_path / "north" / "summary.json").read_bytes() == b"{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["north"]  # no staging left
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep me")
    with pytest.raises(ValueError, match="not a plan folder"):
        write_plan_files(tmp_path, "mine", {"summary.json": b"{}"})
    with pytest.raises(ValueError, match="outside its folder"):
        write_plan_files(tmp_path, "south", {"../escape.txt": b""})


def test_a_file_or_a_foreign_folder_is_refused_before_anything_is_made(tmp_path: Path) -> None:
    """--out naming a file, or a folder of someone else's files: an InputError located at that
    path, and nothing created or marked."""
    file = tmp_path / "out.txt"
    file.write_text("not a folder")
    with pytest.raises(InputError) as caught:
        prepare_output(file)
    (problem,) = caught.value.problems
    assert (problem.file, problem.message) == (str(file), "exists and is not a folder")
    assert file.read_text() == "not a folder"
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me")
    with pytest.raises(InputError):
        check_output(foreign)
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]


def test_a_new_or_empty_folder_becomes_ours(tmp_path: Path) -> None:
    """A folder that does not exist yet (parents too) or is empty is taken and marked."""
    check_output(tmp_path / "new")  # checking alone makes nothing
    assert not (tmp_path / "new").exists()
    prepare_output(tmp_path / "new" / "deeper")
    assert (tmp_path / "new" / "deeper" / MARKER).is_file()
    (tmp_path / "empty").mkdir()
    prepare_output(tmp_path / "empty")
    assert [p.name for p in (tmp_path / "empty").iterdir()] == [MARKER]


def test_plans_as_they_are_and_under_what_ifs_have_their_own_paths() -> None:
    """The plan as it is goes to OUT/<authority>; under a what-if to
    OUT/what-if/<what-if>/<authority>, so the two never share a folder."""
    assert plan_folder("north", "") == "north"
    assert plan_folder("north", "practitioners+10%") == "what-if/practitioners+10%/north"


def test_a_what_if_plan_is_written_below_its_own_folders(tmp_path: Path) -> None:
    """Writing a what-if's plan makes the folders above it; an absolute name is refused."""
    relative = plan_folder("north", "practitioners-2")
    write_plan_files(tmp_path, relative, {"summary.json": b"{}", "ics/all.zip": b"PK"})
    assert (tmp_path / "what-if" / "practitioners-2" / "north" / "ics" / "all.zip").is_file()
    with pytest.raises(ValueError, match="outside its folder"):
        write_plan_files(tmp_path, "south", {"/etc/escape": b""})
    assert not (tmp_path / "south").exists()
