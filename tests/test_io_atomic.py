"""The one atomic writer: a folder or file is the old one or the new one, never half."""

from __future__ import annotations

from pathlib import Path

import pytest

from scheduler.io import atomic
from scheduler.io.atomic import atomic_file, atomic_folder


def test_a_folder_is_replaced_whole(tmp_path: Path) -> None:
    """The new folder's files replace the old folder's; nothing temporary is left behind."""
    folder = tmp_path / "plan"
    folder.mkdir()
    (folder / "old.txt").write_text("old")
    with atomic_folder(folder) as staging:
        (staging / "new.txt").write_text("new")
    assert [p.name for p in folder.iterdir()] == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["plan"]


def test_a_failure_while_writing_keeps_the_old_folder(tmp_path: Path) -> None:
    """An exception inside the block leaves the old folder as it was and removes the staging."""
    folder = tmp_path / "plan"
    folder.mkdir()
    (folder / "old.txt").write_text("old")
    with pytest.raises(RuntimeError), atomic_folder(folder) as staging:
        (staging / "new.txt").write_text("new")
        raise RuntimeError("disk full")
    assert (folder / "old.txt").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan"]


def test_a_failed_swap_puts_the_old_folder_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If moving the new folder in fails after the old one was moved aside, the old one comes
    back (the copy in commands/planning.py could not do this before it used this module)."""
    folder = tmp_path / "plan"
    folder.mkdir()
    (folder / "old.txt").write_text("old")
    real = atomic.os.replace
    calls = []

    def failing_second(src: object, dst: object) -> None:
        calls.append(dst)
        if len(calls) == 2:  # the new folder moving into place
            raise OSError("interrupted")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(atomic.os, "replace", failing_second)
    with pytest.raises(OSError), atomic_folder(folder) as staging:
        (staging / "new.txt").write_text("new")
    assert (folder / "old.txt").read_text() == "old"


def test_a_file_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    """A failing writer leaves the old file and no temporary sibling."""
    path = tmp_path / "rota.xlsx"
    path.write_text("old")

    def broken(tmp: Path) -> None:
        tmp.write_text("half")
        raise RuntimeError("crash")

    with pytest.raises(RuntimeError):
        atomic_file(path, broken)
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["rota.xlsx"]
    atomic_file(path, lambda tmp: tmp.write_text("new"))
    assert path.read_text() == "new"


def test_a_new_folder_is_for_its_owner_only(tmp_path: Path) -> None:
    """Plan and data folders hold personal data: created 0700, whatever the umask."""
    with atomic_folder(tmp_path / "plan") as staging:
        (staging / "a.csv").write_text("x")
    assert (tmp_path / "plan").stat().st_mode & 0o777 == 0o700
