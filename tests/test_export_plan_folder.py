"""What makes writing a plan folder fast, held in place without timing anything (issue 21):
work that is not needed is not done, and what is done once is not done again. Durability and
atomicity of the faster writer are checked here too. (The bytes are checked by
``test_export_golden.py``; the seconds are measured by ``bench/bench_write.py``.)"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from export_golden import fixture
from hypothesis import given
from hypothesis import strategies as st

from scheduler.export import bundle, ics, letters, plan_folder, zips
from scheduler.export.uids import _SAFE, _slug
from scheduler.io import folders
from scheduler.store.feeds import render_feed
from scheduler.store.records import FeedTarget


def _no_letters(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("a letter was rendered")

    monkeypatch.setattr(letters, "render_page", refuse)


def test_feeds_and_sequences_render_no_letter(monkeypatch: pytest.MonkeyPatch) -> None:
    """A setting's or practitioner's feed (the dashboard and the feed route) and the sequence
    numbers of a re-plan (saved with every version) need no family's letter."""
    authority, plan0, plan1 = fixture()
    _no_letters(monkeypatch)
    for setting_id in authority.settings:
        assert ics.setting_feed(authority, plan0, setting_id).startswith(b"BEGIN:VCALENDAR")
    for practitioner_id in authority.practitioners:
        assert ics.practitioner_feed(authority, plan0, practitioner_id)
    assert ics.calendar_sequences(authority, plan1, plan0)
    stored: Any = SimpleNamespace(authority=authority, plan=plan0)
    setting = next(a.setting_id for a in plan0.appointments if a.setting_id)
    assert render_feed(stored, FeedTarget("setting", setting))


def test_each_letter_is_rendered_once_per_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """A first plan renders two pages per child (the letter, whose text is also the
    invitation's, and its large-type copy), however many files carry them."""
    authority, plan0, _ = fixture()
    rendered: list[str] = []
    original = letters.render_page

    def counting(name: str, facts: Any, **kwargs: Any) -> str:
        rendered.append(facts.child_id)
        return original(name, facts, **kwargs)

    monkeypatch.setattr(letters, "render_page", counting)
    calendars = ics.build_calendars(authority, plan0)
    bundle.calendar_files(calendars)
    assert sorted(rendered) == sorted(2 * [a.child_id for a in plan0.appointments])


def test_each_file_is_compressed_once_for_all_the_zips(monkeypatch: pytest.MonkeyPatch) -> None:
    """A family's letter is in its setting's zip and in all.zip, compressed once."""
    authority, plan0, _ = fixture()
    calendars = ics.build_calendars(authority, plan0)
    packed: list[bytes] = []
    original = zips.pack

    def counting(data: bytes) -> zips.Packed:
        packed.append(data)
        return original(data)

    monkeypatch.setattr(zips, "pack", counting)
    monkeypatch.setattr(bundle, "pack", counting)
    files = bundle.calendar_files(calendars)
    assert len(packed) == len([n for n in files if not n.endswith(".zip")])


def test_every_file_and_folder_is_on_disk_before_the_folder_is_swapped_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Durable: each file's data and each folder's entries are flushed before the rename that
    makes the new folder the plan (so a power cut cannot leave a folder of empty files)."""
    authority, plan0, _ = fixture()
    flushed: set[int] = set()
    real_fsync, real_replace = os.fsync, os.replace
    at_swap: list[set[int]] = []

    def fsync(descriptor: int) -> None:
        flushed.add(os.fstat(descriptor).st_ino)
        real_fsync(descriptor)

    def replace(source: Any, target: Any) -> None:
        at_swap.append(set(flushed))
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(folders.os, "replace", replace)
    out = tmp_path / "plan"
    plan_folder.write_plan_folder(authority, plan0, out, previous=None, calendars=True)
    written = [out, *out.rglob("*")]
    assert len(written) > 250
    assert {p.stat().st_ino for p in written} <= at_swap[0]


def test_a_failure_leaves_the_previous_folder_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Atomic: when writing fails part-way, the old plan folder is there as it was, and no
    half-written folder is left beside it."""
    authority, plan0, plan1 = fixture()
    out = tmp_path / "plan"
    plan_folder.write_plan_folder(authority, plan0, out, previous=None, calendars=True)
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    calls = 0
    real_write = os.write

    def failing_write(descriptor: int, data: Any) -> int:
        nonlocal calls
        calls += 1
        if calls == 100:
            raise OSError(28, "No space left on device")
        return real_write(descriptor, data)

    monkeypatch.setattr(folders.os, "write", failing_write)
    with pytest.raises(OSError, match="No space"):
        plan_folder.write_plan_folder(authority, plan1, out, previous=plan0, calendars=True)
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_files_are_ordinary_files_created_new(tmp_path: Path) -> None:
    """Files get the mode ``open(path, "wb")`` gave them, and are never written through
    anything already at their path."""
    authority, plan0, _ = fixture()
    out = tmp_path / "plan"
    plan_folder.write_plan_folder(authority, plan0, out, previous=None, calendars=True)
    umask = os.umask(0)
    os.umask(umask)
    assert (out / "ics" / "all.zip").stat().st_mode & 0o777 == 0o666 & ~umask
    with pytest.raises(FileExistsError):
        folders.write_files(out, {"summary.json": b"{}"})


def test_a_folder_that_is_not_a_plan_is_never_replaced(tmp_path: Path) -> None:
    """A mistyped --out (a folder of other files) is refused before anything is built."""
    authority, plan0, _ = fixture()
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="not a plan folder"):
        plan_folder.write_plan_folder(authority, plan0, tmp_path, previous=None, calendars=True)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


@given(st.text())
def test_clean_drops_exactly_the_control_characters(text: str) -> None:
    """One pattern instead of looking up every character's category: the same result."""
    spaced = re.sub(r"\s+", " ", text)
    expected = "".join(c for c in spaced if unicodedata.category(c) != "Cc").strip()
    assert letters.clean(text) == expected


@given(st.text(st.sampled_from("aZ09.-_+@ é") | st.characters(codec="utf-8")))
def test_ids_are_spelled_out_as_before(identifier: str) -> None:
    """The short way for a plain id gives what spelling every character gives (ids come from
    UTF-8 files, so a lone surrogate is no id: the strategy draws only encodable ones)."""
    spelled = "".join(
        ch if _SAFE.fullmatch(ch) else "".join(f"_{b:02X}" for b in ch.encode())
        for ch in identifier
    )
    assert _slug(identifier) == spelled


def test_the_write_estimate_grows_with_the_work_and_is_calibrated() -> None:
    """The time a caller keeps back grows with appointments and feeds, is less without
    calendars, and comes from a calibration (not left at zero)."""
    estimate = plan_folder.estimated_write_seconds
    assert plan_folder.WITH_CALENDARS.per_appointment > 0
    assert plan_folder.WITH_CALENDARS.per_feed > 0
    assert plan_folder.TABLES_ONLY.per_appointment > 0
    assert estimate(4684, 1500, 113) > estimate(1279, 375, 30) > estimate(0, 375, 30) > 0
    assert estimate(1279, 1500, 113) > estimate(1279, 375, 30)
    assert estimate(1279, 375, 30, calendars=False) < estimate(1279, 375, 30)
