"""The ``ics/`` folder and its zips (scheduler/export/bundle.py): the layout, a setting's zip
holding only its own families, only what changed after a re-plan, and a folder replaced whole
or refused."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from builders import (
    REVIEW_DAY,
    appointment_for,
    hm,
    make_authority,
    make_child,
    make_key_person,
    make_plan,
    make_setting,
)

from scheduler.domain import Authority
from scheduler.export.bundle import MARKER, calendar_files, setting_zip, write_calendars
from scheduler.export.ics import build_calendars
from scheduler.plan import Plan


def two_settings() -> tuple[Authority, Plan]:
    authority = make_authority(
        settings=[make_setting(), make_setting("S002")],
        key_persons=[make_key_person(), make_key_person("K002", setting_id="S002")],
        children=[make_child("C001"), make_child("C002", setting_id="S002", key_person_id="K002")],
    )
    plan = make_plan(
        authority,
        [
            appointment_for(authority, "C001", REVIEW_DAY, hm("10:00")),
            appointment_for(authority, "C002", REVIEW_DAY, hm("13:00")),
        ],
    )
    return authority, plan


def names(data: bytes) -> list[str]:
    return sorted(zipfile.ZipFile(io.BytesIO(data)).namelist())


def test_every_file_of_the_folder_by_its_path() -> None:
    """Feeds per setting and practitioner, each child's invitation, family copy and letters,
    a zip per setting, the README and ``all.zip`` of everything."""
    authority, plan = two_settings()
    files = calendar_files(build_calendars(authority, plan))
    expected = {
        "settings/S001.ics",
        "settings/S002.ics",
        "practitioners/P001.ics",
        "invites/C001.ics",
        "family/C001.ics",
        "letters/C001.html",
        "letters/large-type/C001.html",
        "zips/S001.zip",
        "README.txt",
        MARKER,
    }
    assert expected <= set(files)
    assert "cancellations/C001.ics" not in files
    assert "zips/S001.zip" not in names(files[MARKER])  # all.zip holds the files, not the zips


def test_a_settings_zip_holds_its_own_families_only() -> None:
    """S001's download: its feed and C001's calendar entry and letters; nothing of C002."""
    authority, plan = two_settings()
    assert names(setting_zip(authority, plan, "S001")) == [
        "S001.ics",
        "family/C001.ics",
        "letters/C001.html",
        "letters/large-type/C001.html",
    ]
    with pytest.raises(KeyError):
        setting_zip(authority, plan, "S999")


def test_only_changes_needs_a_previous_plan_and_then_writes_only_what_moved() -> None:
    """A moved review: its invitation and its setting again; the untouched setting not."""
    authority, plan = two_settings()
    with pytest.raises(ValueError, match="previous plan"):
        calendar_files(build_calendars(authority, plan), only_changes=True)
    moved = make_plan(
        authority,
        [plan.appointments[0], appointment_for(authority, "C002", REVIEW_DAY, hm("14:00"))],
    )
    files = calendar_files(build_calendars(authority, moved, previous=plan), only_changes=True)
    assert "invites/C002.ics" in files and "settings/S002.ics" in files
    assert "invites/C001.ics" not in files and "settings/S001.ics" not in files


def test_the_folder_is_replaced_whole_and_a_foreign_folder_is_refused(tmp_path: Path) -> None:
    """Writing again replaces the folder; a non-empty folder it did not write is left alone."""
    authority, plan = two_settings()
    calendars = build_calendars(authority, plan)
    out = tmp_path / "ics"
    write_calendars(calendars, out)
    (out / "stale.ics").write_text("old")
    write_calendars(calendars, out)
    assert not (out / "stale.ics").exists() and (out / MARKER).is_file()
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("keep")
    with pytest.raises(ValueError, match="not written by export-ics"):
        write_calendars(calendars, foreign)
    assert [p.name for p in foreign.iterdir()] == ["mine.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["documents", "ics"]
