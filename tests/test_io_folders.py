"""Many files written into a new folder and made durable (scheduler/io/folders.py): every byte
written, every file and folder flushed before the call returns, nothing written through what is
already there, and a failed flush raised rather than ignored."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from scheduler.io import folders
from scheduler.io.folders import write_files


def test_every_file_is_written_with_its_folders(tmp_path: Path) -> None:
    """Nested names make their folders; each file holds exactly its bytes (empty ones too)."""
    files = {"summary.json": b"{}", "ics/a.ics": b"BEGIN", "ics/s/b.ics": b"", "x.bin": b"\0\xff"}
    write_files(tmp_path / "new", files)
    written = {
        p.relative_to(tmp_path / "new").as_posix(): p.read_bytes()
        for p in (tmp_path / "new").rglob("*")
        if p.is_file()
    }
    assert written == files


def test_a_short_write_is_continued(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``os.write`` may take fewer bytes than offered (a full pipe, a signal): the rest is
    written, not lost."""
    real_write = os.write

    def at_most_three(descriptor: int, data: Any) -> int:
        return real_write(descriptor, bytes(data[:3]))

    monkeypatch.setattr(folders.os, "write", at_most_three)
    write_files(tmp_path / "new", {"letter.txt": b"Dear parent, your review"})
    assert (tmp_path / "new" / "letter.txt").read_bytes() == b"Dear parent, your review"


def test_every_file_and_folder_is_flushed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each file's data and each folder's entries (the root's too) reach ``fsync`` before the
    call returns."""
    flushed: set[int] = set()
    real_fsync = os.fsync

    def fsync(descriptor: int) -> None:
        flushed.add(os.fstat(descriptor).st_ino)
        real_fsync(descriptor)

    monkeypatch.setattr(folders.os, "fsync", fsync)
    root = tmp_path / "new"
    write_files(root, {f"ics/{i}.ics": b"x" for i in range(40)} | {"summary.json": b"{}"})
    everything = [root, *root.rglob("*")]
    assert len(everything) == 43
    assert {p.stat().st_ino for p in everything} == flushed


def test_a_failed_flush_is_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk refusing one flush (EIO) is an error for the caller, who then keeps the old
    folder; it is not lost in a worker thread."""
    real_fsync = os.fsync
    calls = 0

    def failing(descriptor: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 7:
            raise OSError(5, "Input/output error")
        real_fsync(descriptor)

    monkeypatch.setattr(folders.os, "fsync", failing)
    with pytest.raises(OSError, match="Input/output error"):
        write_files(tmp_path / "new", {f"{i}.csv": b"row" for i in range(20)})


def test_nothing_already_there_is_written_through(tmp_path: Path) -> None:
    """A file, or a link planted at a file's path, is refused (FileExistsError) and what it
    points to is untouched."""
    root = tmp_path / "new"
    root.mkdir()
    target = tmp_path / "elsewhere.txt"
    target.write_text("precious")
    (root / "summary.json").symlink_to(target)
    with pytest.raises(FileExistsError):
        write_files(root, {"summary.json": b"{}"})
    assert target.read_text() == "precious"


def test_files_get_the_ordinary_mode(tmp_path: Path) -> None:
    """Files are created as ``open(path, "wb")`` would create them: 0666 less the umask."""
    umask = os.umask(0o022)
    try:
        write_files(tmp_path / "new", {"a/b.txt": b"x"})
    finally:
        os.umask(umask)
    assert (tmp_path / "new" / "a" / "b.txt").stat().st_mode & 0o777 == 0o644
