"""``--db [URL]`` for ``plan`` and ``replan`` (scheduler/commands/store_option.py): the store is
checked before solving, the plan is saved as an audited version after, and a refusal says why
on one line with exit status 2; planning without ``--db`` never loads the database layer."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest
from builders import appointment_for, hm, make_authority, make_plan

from scheduler.commands.store_option import add_db_option, check_store, save_to_store
from scheduler.export.uids import EventKind, event_uid
from scheduler.store import repository as repo
from scheduler.store.opening import open_store
from scheduler.store.records import AuditAction


def parsed(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_db_option(parser)
    args = parser.parse_args(list(argv))
    args.command, args.data = "plan", "/data/north"
    return args


def test_db_is_absent_bare_or_given_a_url() -> None:
    """No flag: None (nothing saved); ``--db`` alone: "" (the default store); or the URL."""
    assert parsed().db is None
    assert parsed("--db").db == ""
    assert parsed("--db", "sqlite:///x.db").db == "sqlite:///x.db"


def test_without_db_nothing_is_checked_or_saved(capsys: pytest.CaptureFixture[str]) -> None:
    authority = make_authority()
    plan = make_plan(authority, [appointment_for(authority, "C001")])
    assert check_store(parsed()) == 0
    assert save_to_store(parsed(), authority, plan) == 0
    assert capsys.readouterr() == ("", "")


def test_a_store_that_cannot_be_written_is_refused_before_solving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A store URL in a folder that is a file: exit 2, one line on stderr."""
    (tmp_path / "blocker").write_text("not a folder")
    args = parsed("--db", f"sqlite:///{tmp_path / 'blocker' / 'scheduler.db'}")
    assert check_store(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


def test_a_writable_store_is_accepted(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store' / 'scheduler.db'}"
    open_store(url).dispose()
    assert check_store(parsed("--db", url)) == 0


def test_the_plan_is_saved_as_an_audited_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The version number is printed; the version holds the plan; the note names the data."""
    url = f"sqlite:///{tmp_path / 'store' / 'scheduler.db'}"
    open_store(url).dispose()
    authority = make_authority()
    plan = make_plan(authority, [appointment_for(authority, "C001")])
    assert save_to_store(parsed("--db", url), authority, plan) == 0
    assert "Saved as plan version 1" in capsys.readouterr().out
    store = open_store(url)
    try:
        opened = repo.open_version(store, 1)
        assert [a.child_id for a in opened.plan.appointments] == ["C001"]
        audit = repo.list_audit(store, action=AuditAction.PLAN_GENERATED)
        assert len(audit) == 1 and audit[0].actor.startswith("cli:")
        assert repo.list_versions(store)[0].note == "plan north"
    finally:
        store.dispose()


def test_a_saved_plan_is_numbered_against_the_published_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``plan --db`` numbers calendar sequences as the dashboard does: a review moved since the
    published version gets its next SEQUENCE, so publishing this version updates calendars."""
    url = f"sqlite:///{tmp_path / 'store' / 'scheduler.db'}"
    store = open_store(url)
    authority = make_authority()
    first = make_plan(authority, [appointment_for(authority, "C001")])
    try:
        repo.publish(store, repo.save_plan(store, first, authority, actor="t").version, actor="t")
    finally:
        store.dispose()
    moved = make_plan(authority, [appointment_for(authority, "C001", start=hm("13:00"))])
    assert save_to_store(parsed("--db", url), authority, moved) == 0
    store = open_store(url)
    try:
        saved = repo.open_version(store, 2).plan.sequences
    finally:
        store.dispose()
    assert saved[event_uid("Autumn 2026", "C001", EventKind.INVITE)] == 1


def test_a_refused_save_says_the_folder_was_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "blocker").write_text("not a folder")
    args = parsed("--db", f"sqlite:///{tmp_path / 'blocker' / 'scheduler.db'}")
    authority = make_authority()
    plan = make_plan(authority, [appointment_for(authority, "C001")])
    assert save_to_store(args, authority, plan) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "the plan folder was written, but not saved in the store"
    assert err[1].startswith("error: ") and len(err) == 2


def test_the_option_does_not_load_the_database_layer() -> None:
    """Importing the option (as ``plan`` does) leaves SQLAlchemy and Alembic unloaded."""
    code = (
        "import sys, scheduler.commands.store_option; "
        "print(sorted(m for m in ('sqlalchemy', 'alembic') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
