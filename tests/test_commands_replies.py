"""``scheduler replies`` (scheduler/commands/replies.py): answers kept in ``replies.csv`` or the
plan store, the coordinator's lists (confirmed, tentative, re-booking with a slot, counter-
proposals with whether they fit), ``--accept`` booking a valid counter-proposal into a checked
new plan, and every wrong combination of options refused with exit status 2."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from builders import hm
from command_helpers import help_text, usage_error
from reply_fixtures import gmail, outlook, thunderbird
from test_replies import ONE, TWO, authority, plan_of, uid

from scheduler.cli import main
from scheduler.commands import replies as replies_command
from scheduler.io.load import load_authority
from scheduler.io.plan_files import read_plan, write_plan
from scheduler.io.write_data import write_authority
from scheduler.recommend import SlotFinder
from scheduler.replies import ReplyRecord, ReplyState
from scheduler.reply_file import read_replies
from scheduler.store import repository as repo
from scheduler.store.opening import open_store

STAMP = datetime(2026, 9, 2, 10, 15, tzinfo=UTC)


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path, Path]:
    data = authority()
    data_dir, plan_dir, mail = tmp_path / "data", tmp_path / "plan", tmp_path / "mail"
    write_authority(data, data_dir)
    plan = plan_of(data)
    plan = replace(plan, summary=replace(plan.summary, data_path=str(data_dir)))
    write_plan(plan, plan_dir)
    assert main(["check", str(data_dir), str(plan_dir)]) == 0
    mail.mkdir()
    return data_dir, plan_dir, mail


def test_help_and_bad_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    """``--help`` names the store and ``--accept`` options; a version that is not a number is a
    usage error (exit 2)."""
    text = help_text(replies_command, "replies", capsys)
    assert "--accept" in text and "--db" in text and "--version" in text
    assert "--version" in usage_error(["replies", "plan", "mail", "--version", "two"], capsys)


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--db", "sqlite:///x.db"], "--db and --version go together"),  # no version
        (["--version", "1"], "--db and --version go together"),  # no store
        (["--accept", "C2"], "--accept needs --out"),  # nowhere to write the new plan
    ],
)
def test_options_that_do_not_go_together_are_refused(
    extra: list[str],
    says: str,
    folders: tuple[Path, Path, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each incomplete combination: exit 2 with one line saying what is missing, nothing read
    or written."""
    _, plan, mail = folders
    (mail / "1.eml").write_bytes(outlook(uid("C1"), ONE, "DECLINED"))
    assert main(["replies", str(plan), str(mail), *extra]) == 2
    assert f"error: {says}" in capsys.readouterr().err
    assert read_replies(plan) == {}


def test_a_folder_that_is_not_there_is_refused(
    folders: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """FOLDER missing (or a file): exit 2, one line, no traceback."""
    _, plan, mail = folders
    (mail / "1.eml").write_bytes(outlook(uid("C1"), ONE, "DECLINED"))
    for wrong in (tmp_path / "nowhere", mail / "1.eml"):
        assert main(["replies", str(plan), str(wrong)]) == 2
        err = capsys.readouterr().err
        assert f"error: {wrong} is not a folder" in err and "Traceback" not in err


def test_accepting_a_child_without_a_counter_proposal_is_refused(
    folders: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--accept`` for a child who only declined: exit 2, no new plan."""
    _, plan, mail = folders
    (mail / "1.eml").write_bytes(outlook(uid("C1"), ONE, "DECLINED"))
    new = tmp_path / "new"
    assert main(["replies", str(plan), str(mail), "--accept", "C1", "--out", str(new)]) == 2
    assert "C1 has no counter-proposal on record" in capsys.readouterr().err
    assert not new.exists()


def test_the_lists_name_children_by_state() -> None:
    """Confirmed and tentative children by id in order (``none`` when empty); the declined
    child's best slot; a counter-proposal's verdict."""
    data = authority()
    finder = SlotFinder(data, plan_of(data))

    def answer(child: str, state: ReplyState, **proposal: object) -> ReplyRecord:
        return ReplyRecord(child, state, 0, STAMP, f"key-{child}", **proposal)  # type: ignore[arg-type]

    lines = replies_command.describe({}, finder)
    assert lines[:2] == ["Confirmed 0: none", "Tentative 0: none"]
    records = {
        "C2": answer("C2", ReplyState.CONFIRMED),
        "C1": answer("C1", ReplyState.CONFIRMED),
        "C3": answer(
            "C3",
            ReplyState.COUNTER_PROPOSED,
            proposed_date=date(2026, 9, 8),
            proposed_start=hm("10:15"),
            proposed_end=hm("11:00"),
        ),
    }
    lines = replies_command.describe(records, finder)
    assert lines[0] == "Confirmed 2: C1, C2"
    assert "Re-booking list (declined) 0:" in lines
    assert lines[-2] == "Counter-proposals 1:"
    assert lines[-1].startswith("  C3: proposes Tue 08 Sep 10:15: not possible (")


def test_command_records_lists_and_accepts(
    folders: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """replies.csv keeps the answers; the declined child is on the re-booking list with a slot;
    a valid counter-proposal is accepted into a checked new plan."""
    data, plan, mail = folders
    (mail / "1.eml").write_bytes(outlook(uid("C1"), ONE, "DECLINED"))
    counter = thunderbird(
        uid("C2"), TWO, "TENTATIVE", datetime(2026, 9, 9, 13, 0), method="COUNTER"
    )
    (mail / "2.eml").write_bytes(counter)
    (mail / "3.eml").write_bytes(gmail(uid("C2"), ONE))  # another child's UID
    assert main(["replies", str(plan), str(mail)]) == 0
    out = capsys.readouterr().out
    assert "refused 3.eml: other_childs_uid" in out
    assert "2 new answer(s)" in out
    assert "C1: best slot Wed 09 Sep" in out
    assert "C2: proposes Wed 09 Sep 13:00: valid" in out
    assert ONE not in out and TWO not in out
    records = read_replies(plan)
    assert {c: r.state for c, r in records.items()} == {
        "C1": ReplyState.DECLINED,
        "C2": ReplyState.COUNTER_PROPOSED,
    }
    assert main(["replies", str(plan), str(mail)]) == 0
    assert "0 new answer(s)" in capsys.readouterr().out

    new = tmp_path / "accepted"
    assert main(["replies", str(plan), str(mail), "--accept", "C2", "--out", str(new)]) == 0
    moved = next(a for a in read_plan(new).appointments if a.child_id == "C2")
    assert (moved.date, moved.start) == (date(2026, 9, 9), hm("13:00"))
    assert main(["check", str(data), str(new), "--previous", str(plan)]) == 0


def test_invalid_counter_is_not_accepted(
    folders: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A proposal on top of another review is shown as not possible and cannot be accepted."""
    _, plan, mail = folders
    clash = outlook(uid("C2"), TWO, "TENTATIVE", datetime(2026, 9, 8, 10, 15), method="COUNTER")
    (mail / "c.eml").write_bytes(clash)
    new = tmp_path / "never"
    assert main(["replies", str(plan), str(mail), "--accept", "C2", "--out", str(new)]) == 1
    assert "not possible" in capsys.readouterr().out
    assert not new.exists()


def test_maildir_and_store(
    folders: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Maildir is read (new/ and cur/); with --db the answers go to the store's version."""
    data, plan, _ = folders
    maildir = tmp_path / "Maildir"
    for sub in ("new", "cur", "tmp"):
        (maildir / sub).mkdir(parents=True)
    (maildir / "new" / "1700000000.M1P1.host").write_bytes(gmail(uid("C1"), ONE))
    (maildir / "cur" / "1700000001.M2P1.host:2,S").write_bytes(
        thunderbird(uid("C2"), TWO, "TENTATIVE")
    )
    url = f"sqlite+pysqlite:///{tmp_path / 'store.db'}"
    open_store(url, create=True).dispose()
    store = open_store(url)
    try:
        info = repo.save_plan(
            store, read_plan(plan), load_authority(data).authority, actor="cli:test"
        )
        args = ["replies", str(plan), str(maildir), "--db", url, "--version", str(info.version)]
        assert main(args) == 0
        states = {c: r.state for c, r in repo.list_replies(store, info.version).items()}
        assert states == {"C1": ReplyState.CONFIRMED, "C2": ReplyState.TENTATIVE}
        assert not (plan / "replies.csv").exists()
        actions = [e.action.value for e in repo.list_audit(store)]
        assert actions.count("replies_recorded") == 1
        assert main(args) == 0  # again: nothing new, no second audit entry
        actions = [e.action.value for e in repo.list_audit(store)]
        assert actions.count("replies_recorded") == 1
    finally:
        store.dispose()


def test_a_version_the_store_does_not_hold_is_refused(
    folders: tuple[Path, Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--db --version 7`` on a store without it: exit 2 with the store's one line; nothing
    kept anywhere."""
    _, plan, mail = folders
    (mail / "1.eml").write_bytes(gmail(uid("C1"), ONE))
    url = f"sqlite+pysqlite:///{tmp_path / 'store.db'}"
    open_store(url, create=True).dispose()
    assert main(["replies", str(plan), str(mail), "--db", url, "--version", "7"]) == 2
    assert "error: no plan version 7 in the store" in capsys.readouterr().err
    assert not (plan / "replies.csv").exists()
